// The modeler page: edit a pathway in bpmn-js, save it with If-Match, see problems on
// their elements, deploy and retire versions, compare two versions on the diagram,
// move running cases to a new version, preview forms and dry-run the model, and edit the
// decision tables its business rule tasks call (dmn-js), saved with the model.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import { call, startSession } from "./api.js";
import { calledDecision, DecisionTables } from "./decisions.js";
import { pathwaysPropertiesModule, readProperty } from "./pathways-properties.js";
import spiffworkflow from "./spiffworkflow-moddle.js";

const $ = (id) => document.getElementById(id);
const root = $("modeler");
const key = root.dataset.model;
const state = { versions: [], current: null, etag: null, forms: [] };

const modeler = new BpmnModeler({
  container: $("canvas"),
  propertiesPanel: { parent: $("properties") },
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    pathwaysPropertiesModule({ kinds: JSON.parse(root.dataset.kinds), forms: () => state.forms }),
  ],
  moddleExtensions: { spiffworkflow },
});
const texts = JSON.parse(root.dataset.texts);
const decisions = new DecisionTables({
  container: $("decision-canvas"),
  choice: $("decision-choice"),
  language: document.documentElement.lang,
});
const canvas = modeler.get("canvas");
const overlays = modeler.get("overlays");
const registry = modeler.get("elementRegistry");

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "status error" : "status";
}

function text(tag, content) {
  const node = document.createElement(tag);
  node.textContent = content ?? "";
  return node;
}

function button(label, action, name) {
  const node = text("button", label);
  node.type = "button";
  if (name) node.dataset.action = name;
  node.addEventListener("click", action);
  return node;
}

const MARKERS = ["has-problem", "diff-added", "diff-changed", "diff-removed", "dry-path"];

function clearMarks() {
  overlays.remove({ type: "problem" });
  for (const element of registry.getAll()) {
    for (const marker of MARKERS) canvas.removeMarker(element.id, marker);
  }
}

function mark(id, marker) {
  if (registry.get(id)) canvas.addMarker(id, marker);
}

function drawProblems(problems) {
  overlays.remove({ type: "problem" });
  for (const element of registry.getAll()) canvas.removeMarker(element.id, "has-problem");
  const list = $("problems");
  list.replaceChildren();
  for (const problem of problems) {
    const where = problem.element_id ? `${problem.element_id}: ` : "";
    const item = text("li", where + problem.message);
    item.dataset.element = problem.element_id || "";
    list.append(item);
    if (problem.element_id && registry.get(problem.element_id)) {
      mark(problem.element_id, "has-problem");
      const badge = text("span", "problem");
      badge.className = "problem-badge";
      badge.title = problem.message;
      overlays.add(problem.element_id, "problem", { position: { top: -14, left: 0 }, html: badge });
    }
  }
  if (!problems.length) list.append(text("li", "No problems."));
}

async function loadVersions() {
  const answer = await call("GET", `/api/models/${encodeURIComponent(key)}`);
  if (!answer.ok) throw new Error(answer.data.detail || "cannot read the model");
  state.versions = answer.data.versions;
  renderVersions();
  return state.versions;
}

function renderVersions() {
  const body = $("versions");
  body.replaceChildren();
  for (const v of state.versions) {
    const row = document.createElement("tr");
    row.dataset.version = v.number;
    row.append(text("td", v.number), text("td", v.state), text("td", v.created_by), text("td", v.created_at));
    const actions = document.createElement("td");
    actions.append(button("Open", () => open(v.number), "open"));
    if (v.state !== "deployed") actions.append(button("Deploy", () => deploy(v.number), "deploy"));
    if (v.state === "deployed") actions.append(button("Retire", () => retire(v.number), "retire"));
    row.append(actions);
    body.append(row);
  }
  for (const id of ["diff-from", "diff-to", "migrate-from", "migrate-to"]) {
    const select = $(id);
    const kept = select.value;
    select.replaceChildren(...state.versions.map((v) => text("option", v.number)));
    if (kept) select.value = kept;
  }
  const last = state.versions[state.versions.length - 1];
  if (last && !$("diff-to").dataset.touched) $("diff-to").value = last.number;
  if (last && !$("migrate-to").dataset.touched) $("migrate-to").value = last.number;
}

async function open(number) {
  const answer = await call("GET", `/api/models/${encodeURIComponent(key)}/versions/${number}/bpmn`);
  if (!answer.ok) return status(answer.data.detail || "cannot load the version", true);
  await modeler.importXML(answer.data);
  canvas.zoom("fit-viewport");
  state.current = number;
  const latest = state.versions[state.versions.length - 1];
  if (latest && latest.number === number) state.etag = answer.etag;
  $("current").textContent = `version ${number}`;
  await decisions.load(key, number);
  const problems = await call("GET", `/api/models/${encodeURIComponent(key)}/versions/${number}/problems`);
  drawProblems(problems.ok ? problems.data : []);
}

async function save(xml) {
  if (xml === undefined) xml = (await modeler.saveXML({ format: true })).xml;
  const headers = state.etag ? { "If-Match": state.etag } : {};
  const files = await decisions.files();
  const sent = files ? { body: { bpmn: xml, decisions: files }, headers } : { xml, headers };
  const answer = await call("POST", `/api/models/${encodeURIComponent(key)}/versions?deploy=false`, sent);
  if (answer.status === 412) {
    return status("Someone else saved this pathway meanwhile. Reload the page and apply your changes again.", true);
  }
  if (!answer.ok) {
    drawProblems(answer.data.problems || []);
    return status(`Not saved: ${answer.data.detail}`, true);
  }
  const saved = answer.data.find((d) => d.model === key) || answer.data[0];
  state.etag = answer.etag;
  state.current = saved.version;
  $("current").textContent = `version ${saved.version}`;
  await loadVersions();
  drawProblems(saved.problems);
  const count = saved.problems.length;
  status(`Saved as draft version ${saved.version}` + (count ? ` with ${count} problem(s)` : ""), count > 0);
}

async function deploy(number = state.current) {
  const answer = await call("POST", `/api/models/${encodeURIComponent(key)}/versions/${number}/deploy`);
  if (!answer.ok) {
    drawProblems(answer.data.problems || []);
    return status(`Not deployed: ${answer.data.detail}`, true);
  }
  // Deploying a draft builds it afresh, which gives it a new ETag.
  const latest = state.versions[state.versions.length - 1];
  if (latest && latest.number === number) state.etag = `"${answer.data.sha256}"`;
  await loadVersions();
  status(`Version ${number} deployed`);
}

async function retire(number) {
  const answer = await call("POST", `/api/models/${encodeURIComponent(key)}/versions/${number}/retire`);
  if (!answer.ok) return status(`Not retired: ${answer.data.detail}`, true);
  await loadVersions();
  status(`Version ${number} retired`);
}

async function showDiff() {
  const from = $("diff-from").value;
  const to = $("diff-to").value;
  const answer = await call("GET", `/api/models/${encodeURIComponent(key)}/diff?from=${from}&to=${to}`);
  if (!answer.ok) return status(answer.data.detail, true);
  await open(Number(to));
  clearMarks();
  const result = $("diff-result");
  result.replaceChildren();
  for (const [kind, items] of [["added", answer.data.added], ["changed", answer.data.changed], ["removed", answer.data.removed]]) {
    for (const item of items) {
      mark(item.id, `diff-${kind}`);
      const detail = item.settings ? ` (${item.settings.join(", ")})` : "";
      const row = text("li", `${kind}: ${item.name || item.id} [${item.id}]${detail}`);
      row.className = kind;
      result.append(row);
    }
  }
  if (!result.children.length) result.append(text("li", "No differences."));
  status(`Version ${to} compared with version ${from}`);
}

async function previewMigration() {
  const from = $("migrate-from").value;
  const to = $("migrate-to").value;
  const answer = await call("GET", `/api/models/${encodeURIComponent(key)}/versions/${from}/migration?to=${to}`);
  const body = $("migrate-table");
  body.replaceChildren();
  if (!answer.ok) return status(answer.data.detail, true);
  for (const row of answer.data) {
    const tr = document.createElement("tr");
    tr.dataset.case = row.instance_id;
    const choose = document.createElement("input");
    choose.type = "checkbox";
    choose.value = row.instance_id;
    choose.disabled = !row.movable;
    const cell = document.createElement("td");
    cell.append(choose);
    tr.append(cell, text("td", row.instance_id), text("td", row.client), text("td", row.waiting_at.join(", ")),
      text("td", row.movable ? "can move" : row.reason));
    body.append(tr);
  }
  if (!answer.data.length) body.append(text("tr", "No running cases on this version."));
  status(`${answer.data.length} running case(s) on version ${from}`);
}

async function migrate() {
  const from = $("migrate-from").value;
  const to = Number($("migrate-to").value);
  const cases = [...$("migrate-table").querySelectorAll("input:checked")].map((c) => Number(c.value));
  if (!cases.length) return status("Choose the cases to move first", true);
  const answer = await call("POST", `/api/models/${encodeURIComponent(key)}/versions/${from}/migration`, { body: { to, cases } });
  if (!answer.ok) return status(`Not moved: ${answer.data.detail}`, true);
  await previewMigration();
  $("migrate-result").textContent = `Moved to version ${to}: case(s) ${answer.data.map((m) => m.instance_id).join(", ")}`;
  status(`${answer.data.length} case(s) moved to version ${to}`);
}

async function previewForm(element) {
  const target = $("form-preview");
  if (!element || element.businessObject.$type !== "bpmn:UserTask") {
    target.replaceChildren(text("p", "Select a user task to see its form."));
    return;
  }
  const name = readProperty(element.businessObject, "formJsonSchemaFilename");
  if (!name) {
    target.replaceChildren(text("p", "This task has no form: the caseworker marks it done."));
    return;
  }
  // Drawn by the server with the caseworkers' own renderer, so the preview is what they see.
  const query = new URLSearchParams({ schema: name });
  const ui = readProperty(element.businessObject, "formUiSchemaFilename");
  if (ui) query.set("ui", ui);
  const answer = await fetch(`/models/form-preview?${query}`, { credentials: "same-origin" });
  if (!answer.ok) return target.replaceChildren(text("p", `The form cannot be shown (${answer.status}).`));
  const drawn = new DOMParser().parseFromString(await answer.text(), "text/html");
  target.replaceChildren(...drawn.body.childNodes);
}

async function dryRun() {
  let input;
  try {
    input = JSON.parse($("dry-input").value || "{}");
  } catch (error) {
    return status("The dry-run input is not valid JSON", true);
  }
  const answer = await call("POST", `/api/models/${encodeURIComponent(key)}/versions/${state.current}/dry-run`, { body: input });
  if (!answer.ok) return status(`Dry run refused: ${answer.data.detail}`, true);
  clearMarks();
  const run = answer.data;
  for (const passed of run.path) mark(passed.element_id, "dry-path");
  const result = $("dry-result");
  result.replaceChildren(text("p", run.finished ? "The case reached its end." : `Stopped: ${run.stopped}`));
  const path = text("p", "Path: " + run.path.map((p) => p.element_id).join(" → "));
  path.id = "dry-path";
  result.append(path);
  const steps = document.createElement("table");
  steps.append(headRow("step", "opened", "due", "done"));
  for (const s of run.steps) steps.append(row(s.name, s.ready_at, s.due_at, s.completed_at));
  const timers = document.createElement("table");
  timers.id = "dry-timers";
  timers.append(headRow("timer", "on", "due", "outcome"));
  for (const t of run.timers) timers.append(row(t.name || t.element_id, t.attached_to || "", t.due_at, `${t.outcome} ${t.ended_at || ""}`));
  result.append(text("h4", "Steps"), steps, text("h4", "Deadlines and escalations"), timers);
  status(`Dry run of version ${state.current} done`);
}

function headRow(...cells) {
  const tr = document.createElement("tr");
  tr.append(...cells.map((c) => text("th", c)));
  return tr;
}

function row(...cells) {
  const tr = document.createElement("tr");
  tr.append(...cells.map((c) => text("td", c ?? "")));
  return tr;
}

async function importFile() {
  const file = $("import-file").files[0];
  if (!file) return status("Choose a BPMN file first", true);
  const xml = await file.text();
  if (xml.includes(CAMUNDA_NS)) return convertCamunda(xml, {});
  await save(xml);
  if (state.current) await open(state.current);
}

// A Camunda 7 file is converted on the server first; the designer maps its candidate
// groups, reads what to fix, opens the result in the modeler and saves it when ready.
const CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn";

async function convertCamunda(xml, groups) {
  const panel = $("camunda");
  const answer = await call("POST", "/api/models/camunda-conversions", { body: { bpmn: xml, groups, key } });
  panel.hidden = false;
  if (!answer.ok) return status(`${panel.dataset.failed} ${answer.data.detail || ""}`, true);
  state.camunda = { xml, result: answer.data };
  drawGroups(answer.data.groups, groups);
  const line = (p) => text("li", p.element_id ? `${p.element_id}: ${p.message}` : p.message);
  $("camunda-problems").replaceChildren(...answer.data.problems.map(line));
  $("camunda-notes").replaceChildren(...answer.data.notes.map(line));
  $("camunda-forms").replaceChildren(...Object.keys(answer.data.forms).map((name) => text("li", name)));
  status(panel.dataset.converted, answer.data.problems.length > 0);
}

function drawGroups(names, chosen) {
  const kinds = JSON.parse(root.dataset.kinds);
  const rows = names.map((name) => {
    const select = document.createElement("select");
    select.dataset.group = name;
    select.append(text("option", $("camunda").dataset.unmapped));
    select.lastChild.value = "";
    for (const kind of kinds) {
      const option = text("option", kind.name);
      option.value = kind.code;
      select.append(option);
    }
    select.value = chosen[name] || "";
    const tr = document.createElement("tr");
    tr.append(text("td", name), document.createElement("td"));
    tr.lastChild.append(select);
    return tr;
  });
  $("camunda-groups").replaceChildren(...rows);
}

function chosenGroups() {
  const groups = {};
  for (const select of $("camunda-groups").querySelectorAll("select")) {
    if (select.value) groups[select.dataset.group] = select.value;
  }
  return groups;
}

async function openConverted() {
  if (!state.camunda) return;
  await modeler.importXML(state.camunda.result.bpmn);
  status($("camunda").dataset.converted);
}

// A business rule task links to the decision table it calls.
function linkDecision(element) {
  const target = $("decision-link");
  target.replaceChildren();
  if (!element || element.businessObject.$type !== "bpmn:BusinessRuleTask") return;
  const decisionId = calledDecision(element.businessObject);
  if (!decisionId) return target.append(text("span", texts.no_decision));
  if (!decisions.tables.has(decisionId)) return target.append(text("span", `${texts.missing_decision} ${decisionId}`));
  target.append(
    button(`${texts.open_decision} ${decisionId}`, async () => {
      await decisions.show(decisionId);
      $("decisions").scrollIntoView();
    }, "open-decision"),
  );
}

async function importDecision() {
  const file = $("decision-file").files[0];
  if (!file) return status(texts.choose_dmn, true);
  const added = await decisions.add(file.name, await file.text());
  if (!added) return status(texts.not_dmn, true);
  status(`${texts.added_decision} ${added}`);
}

// A listener that returns a value stops the event for later listeners (the properties
// panel among them): return nothing.
modeler.get("eventBus").on("selection.changed", ({ newSelection }) => {
  const selected = newSelection.length === 1 ? newSelection[0] : null;
  previewForm(selected);
  linkDecision(selected);
});

async function start() {
  if (!(await startSession())) return status("Log in to edit pathways.", true);
  const forms = await call("GET", "/api/forms");
  state.forms = forms.ok ? forms.data : [];
  const versions = await loadVersions();
  if (versions.length) await open(versions[versions.length - 1].number);
  $("save").addEventListener("click", () => save());
  $("deploy").addEventListener("click", () => deploy());
  $("diff-show").addEventListener("click", showDiff);
  $("migrate-preview").addEventListener("click", previewMigration);
  $("migrate-go").addEventListener("click", migrate);
  $("dry-run").addEventListener("click", dryRun);
  $("import").addEventListener("click", importFile);
  $("camunda-convert").addEventListener("click", () => state.camunda && convertCamunda(state.camunda.xml, chosenGroups()));
  $("camunda-open").addEventListener("click", openConverted);
  $("decision-import").addEventListener("click", importDecision);
  for (const id of ["diff-to", "migrate-to"]) $(id).addEventListener("change", () => ($(id).dataset.touched = "1"));
  root.dataset.ready = "true";
  status(`Editing ${key}`);
}

start().catch((error) => status(String(error.message || error), true));
