"""Checking form files at deploy: an unchanged file is checked once, a changed one again
(a change shows in its modification time or size)."""

from __future__ import annotations

import json

from pathways.forms.service import FormCatalog


def test_a_form_file_that_changes_is_checked_again(tmp_path):
    catalog = FormCatalog(tmp_path)
    path = tmp_path / "step.schema.json"
    path.write_text(json.dumps({"type": "object", "properties": {"a": {"type": "string"}}}))
    assert catalog.problem("step.schema.json", "schema") is None
    path.write_text(json.dumps({"type": "object", "properties": {"a": {"type": "not-a-type"}}}))
    assert "not valid JSON Schema" in str(catalog.problem("step.schema.json", "schema"))
