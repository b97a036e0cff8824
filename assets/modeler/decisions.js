// The decision tables (DMN) of the version open in the modeler, edited with dmn-js and
// saved with the model. A business rule task names its table with calledDecisionId.
import DmnModeler from "dmn-js/lib/Modeler";
import { call } from "./api.js";
import { translateModule } from "./dmn-texts.js";

const SPIFF_DECISION = "spiffworkflow:CalledDecisionId";

export class DecisionTables {
  constructor({ container, choice, language }) {
    this.choice = choice;
    this.container = container;
    this.tables = new Map(); // decision id → { name, xml }
    this.current = null;
    // Each view takes its own modules: dmn-js lets a view's list replace the common one.
    const translated = { additionalModules: [translateModule(language)] };
    this.dmn = new DmnModeler({
      container,
      drd: translated,
      decisionTable: translated,
      literalExpression: translated,
    });
    choice.addEventListener("change", () => this.show(choice.value));
  }

  async load(key, number) {
    this.tables.clear();
    this.current = null;
    const base = `/api/models/${encodeURIComponent(key)}/versions/${number}/decisions`;
    const listed = await call("GET", base);
    for (const decision of listed.ok ? listed.data : []) {
      const file = await call("GET", `${base}/${encodeURIComponent(decision.decision_id)}`);
      if (file.ok) this.tables.set(decision.decision_id, { name: decision.file_name, xml: file.data });
    }
    this.renderChoice();
    // A version without tables shows none (not the tables of the version opened before).
    this.container.hidden = this.tables.size === 0;
    const first = this.tables.keys().next();
    if (!first.done) await this.show(first.value);
  }

  renderChoice() {
    const options = [...this.tables.entries()].map(([id, table]) => {
      const option = document.createElement("option");
      option.value = id;
      option.textContent = `${id} (${table.name})`;
      return option;
    });
    this.choice.replaceChildren(...options);
    if (this.current) this.choice.value = this.current;
  }

  async keepEdits() {
    if (!this.current) return;
    const { xml } = await this.dmn.saveXML({ format: true });
    this.tables.get(this.current).xml = xml;
  }

  async show(decisionId) {
    if (!this.tables.has(decisionId)) return false;
    await this.keepEdits();
    await this.dmn.importXML(this.tables.get(decisionId).xml);
    const table = this.dmn.getViews().find((view) => view.type === "decisionTable");
    if (table) await this.dmn.open(table);
    this.current = decisionId;
    this.choice.value = decisionId;
    this.container.hidden = false;
    return true;
  }

  async add(name, xml) {
    const found = new DOMParser().parseFromString(xml, "application/xml").querySelector("decision");
    if (!found || !found.getAttribute("id")) return null;
    await this.keepEdits();
    this.tables.set(found.getAttribute("id"), { name, xml });
    this.current = null;
    await this.show(found.getAttribute("id"));
    this.renderChoice();
    return found.getAttribute("id");
  }

  // What the save sends beside the BPMN, or null when the model has no tables.
  async files() {
    await this.keepEdits();
    if (!this.tables.size) return null;
    return [...this.tables.values()].map((table) => ({ name: table.name, xml: table.xml }));
  }
}

// The decision a business rule task calls, read from its spiff extension.
export function calledDecision(businessObject) {
  const values = businessObject.extensionElements?.values || [];
  const found = values.find((value) => value.$type === SPIFF_DECISION);
  return found ? (found.value || "").trim() : null;
}
