"""Pathways: multi-agency service pathways as BPMN 2.0 processes on SpiffWorkflow."""
