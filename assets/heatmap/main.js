// The manager's heatmap: a read-only diagram of one pathway version with, on each step,
// its open and overdue tasks and their median wait, coloured by the overdue share.
// The XML and the figures both come from the JSON API, which checks the caller.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

const root = document.getElementById("heatmap");
const { model, version } = root.dataset;
const labels = JSON.parse(root.dataset.labels);
// The model's English names in the page's language: the heatmap is read, never edited.
const names = JSON.parse(root.dataset.names || "{}");

function inLanguage(xml) {
  if (!Object.keys(names).length) return xml;
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  for (const element of doc.querySelectorAll("[name]")) {
    const shown = names[element.getAttribute("name")];
    if (shown) element.setAttribute("name", shown);
  }
  return new XMLSerializer().serializeToString(doc);
}
const status = document.getElementById("heatmap-status");

async function fetchOk(path, kind) {
  const answer = await fetch(path, { credentials: "same-origin" });
  if (!answer.ok) throw new Error(`${path}: ${answer.status}`);
  return kind === "json" ? answer.json() : answer.text();
}

// Four bands of the overdue share; the class names are what the stylesheet colours.
export function band(open, overdue) {
  if (!open) return 0;
  const share = overdue / open;
  if (share === 0) return 0;
  if (share < 0.25) return 1;
  if (share < 0.5) return 2;
  return 3;
}

// Decimals as the page's language writes them (0,5 in Finnish and Swedish).
const oneDecimal = new Intl.NumberFormat(document.documentElement.lang || "en", {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

function days(seconds) {
  return seconds === null ? "–" : oneDecimal.format(seconds / 86400);
}

function badge(step) {
  const node = document.createElement("div");
  node.className = "heat-badge";
  node.dataset.step = step.step;
  const line = (text, cls) => {
    const span = document.createElement("div");
    if (cls) span.className = cls;
    span.textContent = text;
    node.appendChild(span);
  };
  line(`${labels.open}: ${step.open}`);
  line(`${labels.overdue}: ${step.overdue}`, step.overdue ? "overdue" : "");
  line(`${labels.median}: ${days(step.median_wait_seconds)} ${labels.days}`);
  return node;
}

async function show() {
  const viewer = new NavigatedViewer({ container: "#canvas" });
  const query = `model=${encodeURIComponent(model)}&version=${encodeURIComponent(version)}`;
  const [xml, figures] = await Promise.all([
    fetchOk(`/api/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}/bpmn`, "text"),
    fetchOk(`/api/dashboard/heatmap?${query}`, "json"),
  ]);
  if (!/<(\w+:)?BPMNDiagram[\s>]/.test(xml)) {
    // Models written without a layout (by hand, or by another tool) have nothing to draw.
    status.textContent = labels.nodiagram;
    root.dataset.ready = "no-diagram";
    return;
  }
  await viewer.importXML(inLanguage(xml));
  viewer.get("canvas").zoom("fit-viewport", "auto");
  const registry = viewer.get("elementRegistry");
  const overlays = viewer.get("overlays");
  const canvas = viewer.get("canvas");
  let missing = 0;
  for (const step of figures.steps) {
    if (!registry.get(step.step)) {
      missing += 1;
      continue;
    }
    canvas.addMarker(step.step, `heat-${band(step.open, step.overdue)}`);
    // Above the shape: below it sit boundary events and the flows they start.
    overlays.add(step.step, "heat", { position: { top: -52, left: 0 }, html: badge(step) });
  }
  status.textContent = missing ? labels.missing.replace("{count}", String(missing)) : "";
  root.dataset.ready = "true";
}

show().catch((error) => {
  status.textContent = labels.failed;
  status.classList.add("error");
  root.dataset.ready = "failed";
  console.error(error);
});
