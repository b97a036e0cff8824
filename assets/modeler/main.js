// The modeler page: edit a pathway in bpmn-js, save its draft with If-Match, see problems
// on their elements, deploy and retire versions (after a confirmation), compare two
// versions on the diagram, move running cases to a new version, preview forms, dry-run
// the model, and edit the decision tables its business rule tasks call (dmn-js), saved
// with the model. Every text comes from the page, in its language.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import { call, startSession } from "./api.js";
import { calledDecision, DecisionTables } from "./decisions.js";
import { pathwaysPropertiesModule, readProperty } from "./pathways-properties.js";
import spiffworkflow from "./spiffworkflow-moddle.js";
import { translateModule } from "./translations.js";

const $ = (id) => document.getElementById(id);
const root = $("modeler");
const key = root.dataset.model;
const language = root.dataset.language || "en";
const TEXTS = JSON.parse($("modeler-texts").textContent);
const state = { versions: [], current: null, etag: null, forms: [] };

// A text of the page with its {placeholders} filled in.
function t(name, values = {}) {
  const template = TEXTS[name] ?? name;
  return template.replace(/{([^}]+)}/g, (_, k) => String(values[k] ?? `{${k}}`));
}

const MOMENT = new Intl.DateTimeFormat(language === "en" ? "en-GB" : language, {
  timeZone: "Europe/Helsinki",
  dateStyle: "medium",
  timeStyle: "short",
});

// A moment in Helsinki time in the page's language; the exact UTC time stays in `datetime`.
function when(iso) {
  const node = document.createElement("time");
  if (!iso) return node;
  node.dateTime = iso;
  node.textContent = MOMENT.format(new Date(iso));
  return node;
}

const modeler = new BpmnModeler({
  container: $("canvas"),
  propertiesPanel: { parent: $("properties") },
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    pathwaysPropertiesModule({ kinds: JSON.parse(root.dataset.kinds), forms: () => state.forms }),
    translateModule(language),
  ],
  moddleExtensions: { spiffworkflow },
});
const texts = TEXTS; // the decision panel's texts sit among the page's
const decisions = new DecisionTables({
  container: $("decision-canvas"),
  choice: $("decision-choice"),
  language: document.documentElement.lang,
});
const canvas = modeler.get("canvas");
const overlays = modeler.get("overlays");
const registry = modeler.get("elementRegistry");
const selection = modeler.get("selection");

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

const MARKERS = ["has-problem", "diff-added", "diff-changed", "diff-removed", "dry-path", "dry-stopped"];

function clearMarks() {
  overlays.remove({ type: "problem" });
  overlays.remove({ type: "diff" });
  canvas.getLayer("diff-removed").replaceChildren();
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
    const item = document.createElement("li");
    item.dataset.element = problem.element_id || "";
    const shape = problem.element_id ? registry.get(problem.element_id) : null;
    const name = shape ? shape.businessObject.name : null;
    const where = text("strong", name || problem.element_id || t("whole_model"));
    where.className = "problem-element";
    item.append(where);
    if (problem.element_id) {
      const id = text("small", problem.element_id);
      id.className = "element-id";
      item.append(" ", id);
    }
    item.append(text("span", problem.text || problem.message));
    if (shape) {
      // Clicking a problem selects its element on the diagram.
      item.tabIndex = 0;
      item.className = "selectable";
      const choose = () => {
        selection.select(shape);
        canvas.scrollToElement(shape);
      };
      item.addEventListener("click", choose);
      item.addEventListener("keydown", (event) => event.key === "Enter" && choose());
    }
    list.append(item);
    if (problem.element_id && registry.get(problem.element_id)) {
      mark(problem.element_id, "has-problem");
      const badge = text("span", t("problem"));
      badge.className = "problem-badge";
      badge.title = problem.text || problem.message;
      overlays.add(problem.element_id, "problem", { position: { top: -14, left: 0 }, html: badge });
    }
  }
  if (!problems.length) list.append(text("li", t("no_problems")));
}

async function loadVersions() {
  const answer = await call("GET", `/api/models/${encodeURIComponent(key)}`);
  if (!answer.ok) throw new Error(answer.data.detail || t("read_failed"));
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
    row.dataset.state = v.state;
    const saved = document.createElement("td");
    saved.append(when(v.saved_at || v.created_at));
    const by = v.saved_by || v.created_by;
    row.append(text("td", v.number), text("td", t(`state.${v.state}`)), text("td", by), saved, text("td", v.running ?? 0));
    const actions = document.createElement("td");
    actions.append(button(t("open"), () => open(v.number), "open"));
    if (v.state !== "deployed") actions.append(button(t("deploy"), () => deploy(v.number), "deploy"));
    if (v.state === "deployed") actions.append(button(t("retire"), () => retire(v.number), "retire"));
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
  if (!answer.ok) return status(answer.data.detail || t("load_failed"), true);
  await modeler.importXML(answer.data);
  canvas.zoom("fit-viewport");
  state.current = number;
  const latest = state.versions[state.versions.length - 1];
  if (latest && latest.number === number) state.etag = answer.etag;
  $("current").textContent = t("version", { n: number });
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
    return status(t("stale"), true);
  }
  if (!answer.ok) {
    drawProblems(answer.data.problems || []);
    return status(t("not_saved", { detail: refusal(answer.data) }), true);
  }
  const saved = answer.data.find((d) => d.model === key) || answer.data[0];
  state.etag = answer.etag;
  state.current = saved.version;
  $("current").textContent = t("version", { n: saved.version });
  await loadVersions();
  drawProblems(saved.problems);
  const count = saved.problems.length;
  status(t(count ? "saved_problems" : "saved", { n: saved.version, count }), count > 0);
}

// Why a model was refused: its first problem in the page's language, and how many more.
function refusal(data) {
  const problems = data.problems || [];
  if (!problems.length) return data.detail || "";
  const first = problems[0].text || problems[0].message;
  return problems.length > 1 ? `${first} (+${problems.length - 1})` : first;
}

// Asks in the page's dialog; resolves true only when the designer confirms.
function confirmed(message) {
  const dialog = $("confirm");
  $("confirm-text").textContent = message;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.returnValue = "cancel";
    dialog.showModal();
  });
}

function newestDeployed(except) {
  const deployed = state.versions.filter((v) => v.state === "deployed" && v.number !== except);
  return deployed.length ? deployed[deployed.length - 1] : null;
}

async function deploy(number = state.current) {
  const chosen = state.versions.find((v) => v.number === number);
  if (chosen && chosen.state === "deployed") return status(t("deployed", { n: number }));
  const old = newestDeployed(number);
  const lines = [t("confirm_deploy", { n: number })];
  if (!old) lines.push(t("confirm_deploy_first"));
  else if (old.number < number) lines.push(t("confirm_deploy_running", { count: old.running ?? 0, old: old.number }));
  if (!(await confirmed(lines.join(" ")))) return;
  const answer = await call("POST", `/api/models/${encodeURIComponent(key)}/versions/${number}/deploy`);
  if (!answer.ok) {
    drawProblems(answer.data.problems || []);
    return status(t("not_deployed", { detail: refusal(answer.data) }), true);
  }
  // Deploying a draft builds it afresh, which gives it a new ETag.
  const latest = state.versions[state.versions.length - 1];
  if (latest && latest.number === number) state.etag = `"${answer.data.sha256}"`;
  await loadVersions();
  status(t("deployed", { n: number }));
}

async function retire(number) {
  const version = state.versions.find((v) => v.number === number);
  const next = newestDeployed(number);
  const lines = [t("confirm_retire", { n: number, count: version?.running ?? 0 })];
  lines.push(next ? t("confirm_retire_next", { m: next.number }) : t("confirm_retire_last"));
  if (!(await confirmed(lines.join(" ")))) return;
  const answer = await call("POST", `/api/models/${encodeURIComponent(key)}/versions/${number}/retire`);
  if (!answer.ok) return status(t("not_retired", { detail: answer.data.detail }), true);
  await loadVersions();
  status(t("retired", { n: number }));
}

async function showDiff() {
  const from = $("diff-from").value;
  const to = $("diff-to").value;
  const answer = await call("GET", `/api/models/${encodeURIComponent(key)}/diff?from=${from}&to=${to}`);
  if (!answer.ok) return status(answer.data.detail, true);
  await open(Number(to));
  clearMarks();
  const removed = answer.data.removed.map((item) => item.id);
  if (removed.length) await drawRemoved(from, removed);
  const result = $("diff-result");
  result.replaceChildren();
  for (const [kind, items] of [["added", answer.data.added], ["changed", answer.data.changed], ["removed", answer.data.removed]]) {
    for (const item of items) {
      mark(item.id, `diff-${kind}`);
      if (registry.get(item.id)) {
        const badge = text("span", t(kind));
        badge.className = `diff-badge ${kind}`;
        overlays.add(item.id, "diff", { position: { top: -14, right: 10 }, html: badge });
      }
      const row = document.createElement("li");
      row.className = kind;
      row.dataset.element = item.id;
      row.append(text("strong", t(kind)), " ", text("span", item.name || item.id), " ");
      const id = text("small", item.id);
      id.className = "element-id";
      row.append(id);
      if (item.settings?.length) row.append(text("span", ` (${item.settings.join(", ")})`));
      if (kind === "removed") row.append(text("span", ` – ${t("removed_note", { from })}`));
      result.append(row);
    }
  }
  if (!result.children.length) result.append(text("li", t("no_diff")));
  status(t("diff_status", { to, from }));
}

// Elements removed since version `from` are not in the diagram shown: draw their outline
// where they stood in that version, on a layer of their own.
async function drawRemoved(from, ids) {
  const answer = await call("GET", `/api/models/${encodeURIComponent(key)}/versions/${from}/bpmn`);
  if (!answer.ok) return;
  const old = new DOMParser().parseFromString(answer.data, "application/xml");
  const layer = canvas.getLayer("diff-removed");
  const SVG = "http://www.w3.org/2000/svg";
  for (const shape of old.getElementsByTagNameNS("*", "BPMNShape")) {
    const id = shape.getAttribute("bpmnElement");
    const bounds = shape.getElementsByTagNameNS("*", "Bounds")[0];
    if (!ids.includes(id) || !bounds) continue;
    const ghost = document.createElementNS(SVG, "g");
    ghost.setAttribute("class", "diff-ghost");
    ghost.dataset.elementId = id;
    const rect = document.createElementNS(SVG, "rect");
    for (const name of ["x", "y", "width", "height"]) rect.setAttribute(name, bounds.getAttribute(name));
    rect.setAttribute("rx", "10");
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("x", String(Number(bounds.getAttribute("x")) + 4));
    label.setAttribute("y", String(Number(bounds.getAttribute("y")) - 4));
    label.textContent = `${t("removed")}: ${id}`;
    ghost.append(rect, label);
    layer.append(ghost);
  }
}

async function previewMigration() {
  const from = $("migrate-from").value;
  const to = $("migrate-to").value;
  const answer = await call("GET", `/api/models/${encodeURIComponent(key)}/versions/${from}/migration?to=${to}`);
  const body = $("migrate-table");
  body.replaceChildren();
  if (!answer.ok) return status(answer.data.text || answer.data.detail, true);
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
      text("td", row.movable ? t("can_move") : row.reason_text || row.reason));
    body.append(tr);
  }
  if (!answer.data.length) {
    const none = document.createElement("tr");
    const cell = text("td", t("no_running"));
    cell.colSpan = 5;
    none.append(cell);
    body.append(none);
  }
  status(t("running_on", { count: answer.data.length, n: from }));
}

async function migrate() {
  const from = $("migrate-from").value;
  const to = Number($("migrate-to").value);
  const cases = [...$("migrate-table").querySelectorAll("input:checked")].map((c) => Number(c.value));
  if (!cases.length) return status(t("choose_cases"), true);
  if (!(await confirmed(t("confirm_migrate", { count: cases.length, from, to })))) return;
  const answer = await call("POST", `/api/models/${encodeURIComponent(key)}/versions/${from}/migration`, { body: { to, cases } });
  if (!answer.ok) return status(t("not_moved", { detail: answer.data.text || answer.data.detail }), true);
  await previewMigration();
  await loadVersions();
  $("migrate-result").textContent = t("moved", { to, ids: answer.data.map((m) => m.instance_id).join(", ") });
  status(t("moved_status", { count: answer.data.length, to }));
}

async function previewForm(element) {
  const target = $("form-preview");
  if (!element || element.businessObject.$type !== "bpmn:UserTask") {
    target.replaceChildren(text("p", t("pick_task")));
    return;
  }
  const name = readProperty(element.businessObject, "formJsonSchemaFilename");
  if (!name) {
    target.replaceChildren(text("p", t("no_form")));
    return;
  }
  // Drawn by the server with the caseworkers' own renderer, so the preview is what they see.
  const query = new URLSearchParams({ schema: name });
  const ui = readProperty(element.businessObject, "formUiSchemaFilename");
  if (ui) query.set("ui", ui);
  const answer = await fetch(`/models/form-preview?${query}`, { credentials: "same-origin" });
  if (!answer.ok) return target.replaceChildren(text("p", t("form_failed", { status: answer.status })));
  const drawn = new DOMParser().parseFromString(await answer.text(), "text/html");
  target.replaceChildren(...drawn.body.childNodes);
}

async function dryRun() {
  let input;
  try {
    input = JSON.parse($("dry-input").value || "{}");
  } catch (error) {
    return status(t("bad_json"), true);
  }
  const answer = await call("POST", `/api/models/${encodeURIComponent(key)}/versions/${state.current}/dry-run`, { body: input });
  if (!answer.ok) return status(t("dry_refused", { detail: answer.data.detail }), true);
  clearMarks();
  const run = answer.data;
  for (const passed of run.path) mark(passed.element_id, "dry-path");
  for (const stopped of run.stopped_at || []) mark(stopped, "dry-stopped");
  const result = $("dry-result");
  // Only a run that reached an end event is "finished"; anything else says where and why.
  const names = (run.stopped_at || []).map((id) => registry.get(id)?.businessObject.name || id).join(", ");
  const outcome = run.finished
    ? text("p", t("dry_finished"))
    : text("p", t(`dry_stop.${run.stop_kind || "error"}`, { elements: names || "–", reason: run.stopped || "" }));
  outcome.id = "dry-outcome";
  outcome.className = run.finished ? "dry-finished" : "status error";
  result.replaceChildren(outcome);
  const path = text("p", `${t("path")}: ` + run.path.map((p) => p.name || p.element_id).join(" → "));
  path.id = "dry-path";
  result.append(path);
  const steps = document.createElement("table");
  steps.append(headRow(t("step"), t("opened"), t("due"), t("done")));
  for (const s of run.steps) steps.append(row(s.name, when(s.ready_at), when(s.due_at), when(s.completed_at)));
  const timers = document.createElement("table");
  timers.id = "dry-timers";
  timers.append(headRow(t("timer"), t("on"), t("due"), t("outcome")));
  for (const tm of run.timers) {
    const ended = document.createElement("span");
    ended.append(t(`outcome.${tm.outcome}`), " ", when(tm.ended_at));
    timers.append(row(tm.name || tm.element_id, tm.attached_to || "", when(tm.due_at), ended));
  }
  result.append(text("h4", t("steps")), steps, text("h4", t("deadlines")), timers);
  status(t(run.finished ? "dry_status_finished" : "dry_status_stopped", { n: state.current }), !run.finished);
}

function headRow(...cells) {
  const tr = document.createElement("tr");
  tr.append(...cells.map((c) => text("th", c)));
  return tr;
}

function row(...cells) {
  const tr = document.createElement("tr");
  tr.append(...cells.map((c) => (c instanceof Node ? wrapped(c) : text("td", c ?? ""))));
  return tr;
}

function wrapped(node) {
  const cell = document.createElement("td");
  cell.append(node);
  return cell;
}

async function importFile() {
  const file = $("import-file").files[0];
  if (!file) return status(t("choose_file"), true);
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
  const said = (p) => p.text || p.message;
  if (!answer.ok) {
    const why = (answer.data.problems || []).map(said).join("; ") || answer.data.detail || "";
    return status(`${panel.dataset.failed} ${why}`, true);
  }
  state.camunda = { xml, result: answer.data };
  drawGroups(answer.data.groups, groups);
  const line = (p) => text("li", p.element_id ? `${p.element_id}: ${said(p)}` : said(p));
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
  if (!(await startSession())) return status(t("login"), true);
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
  status(t("editing", { key }));
}

start().catch((error) => status(String(error.message || error), true));
