// The part of SpiffWorkflow's BPMN extension Pathways reads: named properties, and the
// decision a business rule task calls.
export default {
  name: "SpiffWorkflow",
  uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
  prefix: "spiffworkflow",
  xml: { tagAlias: "lowerCase" },
  associations: [],
  types: [
    {
      name: "Properties",
      superClass: ["Element"],
      properties: [{ name: "properties", type: "Property", isMany: true }],
    },
    {
      name: "Property",
      superClass: ["Element"],
      properties: [
        { name: "name", type: "String", isAttr: true },
        { name: "value", type: "String", isAttr: true },
      ],
    },
    {
      name: "CalledDecisionId",
      superClass: ["Element"],
      properties: [{ name: "value", type: "String", isBody: true }],
    },
  ],
};
