"""The modeler's form preview is drawn by the caseworkers' own renderer."""

from __future__ import annotations

PREVIEW = "/models/form-preview?schema="


def test_a_designer_sees_the_form_as_a_caseworker_will_with_inputs_disabled(site):
    page = site.as_user("dana").get(PREVIEW + "guidance.schema.json")
    assert page.status_code == 200
    assert "<h4>Guidance and advice</h4>" in page.text
    assert 'name="summary"' in page.text and "disabled" in page.text
    assert 'for="' in page.text  # every field has its label, as on the task page


def test_only_designers_get_the_preview(site):
    assert site.as_user("anna").get(PREVIEW + "guidance.schema.json").status_code == 403


def test_a_name_that_is_not_a_form_file_is_refused(site):
    answer = site.as_user("dana").get(PREVIEW + "..%2F..%2Fetc%2Fpasswd")
    assert answer.status_code == 404 and "root:" not in answer.text
