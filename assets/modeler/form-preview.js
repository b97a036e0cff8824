// A user task's form drawn from its JSON Schema, as the caseworker's page lays it out:
// one labelled field per property, in the schema's order, required ones marked.
function field(name, schema, required) {
  const wrap = document.createElement("div");
  const label = document.createElement("label");
  label.textContent = (schema.title || name) + (required ? " *" : "");
  wrap.append(label);
  let input;
  if (Array.isArray(schema.enum)) {
    input = document.createElement("select");
    for (const value of schema.enum) {
      const option = document.createElement("option");
      option.textContent = String(value);
      input.append(option);
    }
  } else if (schema.type === "boolean") {
    input = document.createElement("input");
    input.type = "checkbox";
  } else if (schema.type === "integer" || schema.type === "number") {
    input = document.createElement("input");
    input.type = "number";
  } else if (schema.type === "string" && (schema.maxLength || 0) > 200) {
    input = document.createElement("textarea");
  } else {
    input = document.createElement("input");
    input.type = schema.format === "date" ? "date" : "text";
  }
  input.name = name;
  input.disabled = true;
  wrap.append(input);
  if (schema.description) {
    const help = document.createElement("div");
    help.className = "help";
    help.textContent = schema.description;
    wrap.append(help);
  }
  return wrap;
}

export function renderForm(target, schema) {
  target.replaceChildren();
  const title = document.createElement("h4");
  title.textContent = schema.title || "Form";
  target.append(title);
  const required = new Set(schema.required || []);
  for (const [name, property] of Object.entries(schema.properties || {})) {
    target.append(field(name, property, required.has(name)));
  }
}
