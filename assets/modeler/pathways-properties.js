// The "Pathways" group of the properties panel: what the engine reads, nothing else.
// Lanes name an organisation kind; user tasks name a form and a due time in
// spiffworkflow:properties; any element carries documentation. Groups of settings that
// SpiffWorkflow ignores are hidden.
import { h } from "@bpmn-io/properties-panel/preact";
import { SelectEntry, TextAreaEntry, TextFieldEntry } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";

const KEPT_GROUPS = new Set(["general", "timer", "message", "signal", "error", "escalation", "condition"]);

export function readProperty(bo, name) {
  const holder = propertiesOf(bo);
  const found = holder && (holder.get("properties") || []).find((p) => p.name === name);
  return found ? found.value : undefined;
}

function propertiesOf(bo) {
  const ext = bo.get("extensionElements");
  return ext && (ext.get("values") || []).find((v) => v.$type === "spiffworkflow:Properties");
}

function writeProperty(element, name, value, { bpmnFactory, commandStack }) {
  const bo = element.businessObject;
  const commands = [];
  let ext = bo.get("extensionElements");
  if (!ext) {
    ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    ext.$parent = bo;
    commands.push(update(element, bo, { extensionElements: ext }));
  }
  let holder = propertiesOf(bo);
  if (!holder) {
    holder = bpmnFactory.create("spiffworkflow:Properties", { properties: [] });
    holder.$parent = ext;
    commands.push(update(element, ext, { values: [...(ext.get("values") || []), holder] }));
  }
  const current = (holder.get("properties") || []).filter((p) => p.name !== name);
  if (value !== undefined && value !== "") {
    const property = bpmnFactory.create("spiffworkflow:Property", { name, value });
    property.$parent = holder;
    current.push(property);
  }
  commands.push(update(element, holder, { properties: current }));
  commandStack.execute("properties-panel.multi-command-executor", commands);
}

function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

function PropertyField({ element, id, label, name, description }) {
  const services = {
    bpmnFactory: useService("bpmnFactory"),
    commandStack: useService("commandStack"),
  };
  const debounce = useService("debounceInput");
  const translate = useService("translate");
  return h(TextFieldEntry, {
    element,
    id,
    label: translate(label),
    description,
    debounce,
    getValue: () => readProperty(element.businessObject, name) || "",
    setValue: (value) => writeProperty(element, name, value, services),
  });
}

function FormField({ element, forms }) {
  const services = {
    bpmnFactory: useService("bpmnFactory"),
    commandStack: useService("commandStack"),
  };
  const translate = useService("translate");
  return h(SelectEntry, {
    element,
    id: "pathways-form",
    label: translate("Form"),
    getValue: () => readProperty(element.businessObject, "formJsonSchemaFilename") || "",
    setValue: (value) => {
      writeProperty(element, "formJsonSchemaFilename", value, services);
      const ui = forms.find((f) => f.name === value);
      writeProperty(element, "formUiSchemaFilename", ui ? ui.ui || "" : "", services);
    },
    getOptions: () => [
      { value: "", label: translate("(no form: mark done)") },
      ...forms.map((f) => {
        const title = f.text || f.title;
        return { value: f.name, label: title ? `${title} (${f.name})` : f.name };
      }),
    ],
  });
}

function LaneKindField({ element, kinds }) {
  const modeling = useService("modeling");
  const translate = useService("translate");
  return h(SelectEntry, {
    element,
    id: "pathways-lane-kind",
    label: translate("Organisation kind"),
    getValue: () => element.businessObject.name || "",
    setValue: (value) => modeling.updateProperties(element, { name: value }),
    getOptions: () => [
      { value: "", label: translate("(choose the organisation that works here)") },
      // The lane keeps the English name (what the engine reads); the label is translated.
      ...kinds.map((k) => ({ value: k.name, label: translate(k.name) })),
    ],
  });
}

function DocumentationField({ element }) {
  const bpmnFactory = useService("bpmnFactory");
  const modeling = useService("modeling");
  const debounce = useService("debounceInput");
  const translate = useService("translate");
  return h(TextAreaEntry, {
    element,
    id: "pathways-documentation",
    label: translate("Documentation"),
    debounce,
    rows: 3,
    getValue: () => {
      const docs = element.businessObject.get("documentation") || [];
      return docs.length ? docs[0].text || "" : "";
    },
    setValue: (value) => {
      const docs = value ? [bpmnFactory.create("bpmn:Documentation", { text: value })] : [];
      modeling.updateProperties(element, { documentation: docs });
    },
  });
}

function entries(element, settings) {
  const type = element.businessObject.$type;
  const found = [];
  if (type === "bpmn:Lane") {
    found.push({ id: "pathways-lane-kind", component: (p) => h(LaneKindField, { ...p, kinds: settings.kinds }) });
  }
  if (type === "bpmn:UserTask") {
    found.push({ id: "pathways-form", component: (p) => h(FormField, { ...p, forms: settings.forms() }) });
    found.push({
      id: "pathways-due-in",
      component: (p) =>
        h(PropertyField, { ...p, id: "pathways-due-in", label: "Due in (ISO 8601, e.g. P14D)", name: "dueIn" }),
    });
    found.push({
      id: "pathways-due-working-days",
      component: (p) =>
        h(PropertyField, {
          ...p,
          id: "pathways-due-working-days",
          label: "Due in working days",
          name: "dueInWorkingDays",
        }),
    });
  }
  if (type !== "bpmn:Label") {
    found.push({ id: "pathways-documentation", component: DocumentationField });
  }
  return found.map((entry) => ({ ...entry, element }));
}

export function pathwaysPropertiesModule(settings) {
  function Provider(propertiesPanel, translate) {
    this.getGroups = (element) => (groups) => {
      const kept = groups.filter((g) => KEPT_GROUPS.has(g.id));
      const group = { id: "pathways", label: translate("Pathways"), entries: entries(element, settings) };
      kept.splice(1, 0, group);
      return kept;
    };
    propertiesPanel.registerProvider(400, this);
  }
  Provider.$inject = ["propertiesPanel", "translate"];
  return { __init__: ["pathwaysPropertiesProvider"], pathwaysPropertiesProvider: ["type", Provider] };
}
