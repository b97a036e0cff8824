"""A corpus of hostile input sent through every entry point: model uploads over the API and
the CLI (`models validate`, `models deploy`), start data, form data and message payloads.
Each item is refused with a 4xx problem (exit 65 on the command line), changes nothing, and
the service keeps serving."""

from __future__ import annotations

import json

import pytest
from httpx import Response, TransportError
from sqlalchemy import func, select
from tests import factories
from tests.api.conftest import api  # noqa: F401 - the live API fixture
from tests.conftest import ROOT, TESTS
from tests.model_xml import one_step
from typer.testing import CliRunner

from pathways.audit.models import AuditEvent
from pathways.cases.models import ProcessInstance
from pathways.cli import app as command_line
from pathways.deadlines.models import Timer
from pathways.processes.models import ProcessVersion
from pathways.settings import get_settings
from pathways.tasks.models import Task

XML = {"content-type": "application/xml"}
JSON = {"content-type": "application/json"}
VALID = one_step().decode()
BODY = VALID[VALID.index("<bpmn:definitions") :]
PROLOGUE = '<?xml version="1.0" encoding="UTF-8"?>'


def with_doctype(doctype: str, body: str = BODY) -> bytes:
    return f"{PROLOGUE}{doctype}{body}".encode()


def laughs(levels: int, fan: int) -> str:
    chain = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * fan}">' for i in range(1, levels))
    return f'<!DOCTYPE bpmn:definitions [<!ENTITY l0 "lol">{chain}]>'


XML_CORPUS = {
    "billion-laughs": with_doctype(laughs(10, 10), BODY.replace('name="Work"', 'name="&l9;"')),
    "quadratic-blowup": with_doctype(
        f'<!DOCTYPE bpmn:definitions [<!ENTITY a "{"a" * 20_000}">]>',
        BODY.replace('name="Work"', 'name="' + "&a;" * 20_000 + '"'),
    ),
    "entity-file": with_doctype(
        '<!DOCTYPE bpmn:definitions [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        BODY.replace('name="Work"', 'name="&x;"'),
    ),
    "entity-http": with_doctype(
        '<!DOCTYPE bpmn:definitions [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>',
        BODY.replace('name="Work"', 'name="&x;"'),
    ),
    "parameter-entity": with_doctype(
        '<!DOCTYPE bpmn:definitions [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>'
    ),
    "external-dtd": with_doctype('<!DOCTYPE bpmn:definitions SYSTEM "http://127.0.0.1:9/x.dtd">'),
    "public-dtd": with_doctype('<!DOCTYPE bpmn:definitions PUBLIC "-//X//Y" "file:///etc/passwd">'),
    "harmless-doctype": with_doctype("<!DOCTYPE bpmn:definitions>"),
    "truncated": VALID.encode()[: len(VALID) // 2],
    "not-xml": b"\x00\xff\xfe<<<>>>",
    "oversized": b"<a>" + b" " * (2 * 1024 * 1024 + 1) + b"</a>",
}
SCRIPT_CORPUS = {
    "subclasses-in-script": {"script": "x = ().__class__.__base__.__subclasses__()"},
    "import-in-script": {"script": "os = __import__('os')\nos.system('true')"},
    "open-in-script": {"script": "secret = open('/etc/passwd').read()"},
    "globals-in-condition": {"condition": "().__class__.__mro__[1].__subclasses__()"},
    "dunder-in-timer": {"timer": "__import__('os').getcwd()"},
    "huge-repeat": {"script": "x = 'a' * 10**9"},
    "huge-power": {"script": "x = 2 ** 10**8"},
    "huge-shift": {"script": "x = 1 << 10**9"},
    "endless-loop": {"script": "while True:\n    pass"},
}
DEEP = 100_000
JSON_CORPUS = {
    "deep-arrays": b'{"data": {"x": ' + b"[" * DEEP + b"]" * DEEP + b"}}",
    "deep-objects": b'{"data": ' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}",
    "type-tag": json.dumps({"data": {"x": {"typename": "nonexistent"}}}).encode(),
    "huge-number": b'{"data": {"x": ' + b"9" * 100_000 + b"}}",
    "not-a-number": b'{"data": {"x": NaN, "y": Infinity}}',
    "bad-utf8": b'{"data": {"x": "\xff\xfe"}}',
    "oversized": json.dumps({"data": {"x": "y" * (1024 * 1024 + 1)}}).encode(),
    "not-an-object": b'{"data": [1, 2, 3]}',
}


def snapshot(db):
    with db.tx() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(table))
            for table in (ProcessVersion, ProcessInstance, Task, Timer, AuditEvent)
        ) + (s.scalar(select(func.count()).select_from(Task).where(Task.state == "completed")),)


def wrong(answer: Response) -> str | None:
    """Why the answer is not a clean refusal, or None if it is one."""
    if not 400 <= answer.status_code < 500:
        return f"{answer.status_code}: {answer.text[:300]}"
    if not answer.headers["content-type"].startswith("application/problem+json"):
        return f"not a problem: {answer.headers['content-type']}"
    if "root:" in answer.text:
        return "the answer shows a local file"
    return None


class Probe:
    """The live API with a case waiting for a message, and callers for each entry point."""

    def __init__(self, live) -> None:
        with live.db.tx() as s:
            factories.deploy(s, live.settings, "moved")
            self.waiting_case = factories.start(s, live.settings, "moved", reference="M-1").id
        self.db = live.db
        self.designer = live.integrator("dana")
        self.caseworker = live.integrator("anna")
        tasks = self.caseworker.get("/api/tasks", params={"model": "handoff"}).json()
        self.first_task = tasks[0]["id"]

    def refuses(self, send, *, may_cut_off: bool = False) -> str | None:
        """Send one hostile request: refused, nothing changed, and still serving?

        An oversized body is answered 413 before it is read; the client may then see the
        connection reset while still sending, which is also a refusal.
        """
        before = snapshot(self.db)
        try:
            problem = wrong(send())
        except TransportError as error:
            problem = None if may_cut_off else f"no answer: {error!r}"
        if problem is None and snapshot(self.db) != before:
            problem = "it changed the database"
        if self.caseworker.get("/api/tasks").status_code != 200:
            problem = "the service stopped serving"
        return problem


@pytest.fixture
def probe(api):  # noqa: F811 - the imported fixture
    return Probe(api)


def test_every_hostile_model_upload_is_refused_and_stores_nothing(probe):
    def upload(document):
        return lambda: probe.designer.post(
            "/api/models/one_step/versions", content=document, headers=XML
        )

    failures = {
        name: probe.refuses(upload(doc), may_cut_off=name == "oversized")
        for name, doc in XML_CORPUS.items()
    }
    assert {name: why for name, why in failures.items() if why} == {}


def test_model_code_that_tries_to_escape_never_runs(probe):
    """Refused at deploy when the compiler sees it; otherwise stopped when a case reaches
    it, and no case is started."""
    start = {"model": "one_step", "client": {"reference": "E-1", "municipality": "barsby"}}
    failures = {}
    for name, parts in SCRIPT_CORPUS.items():
        model = one_step(**parts)
        answer = probe.designer.post("/api/models/one_step/versions", content=model, headers=XML)
        if answer.status_code == 201:  # legal code that only a run can stop
            failures[name] = probe.refuses(
                lambda: probe.caseworker.post("/api/instances", json=start)
            )
        else:
            failures[name] = wrong(answer)
    assert {name: why for name, why in failures.items() if why} == {}


def bodies(probe, entry):
    """Each corpus item as the body of one entry point of client data."""
    for name, item in JSON_CORPUS.items():
        if entry == "message":  # the payload is the body itself
            path = f"/api/instances/{probe.waiting_case}/messages/registered_as_jobseeker"
            yield name, path, item.removeprefix(b'{"data": ').removesuffix(b"}")
        elif entry == "form":
            yield name, f"/api/tasks/{probe.first_task}/complete", item
        else:
            client = b'"client": {"reference": "H-1", "municipality": "barsby"}'
            yield name, "/api/instances", b'{"model": "handoff", ' + client + b", " + item[1:]


@pytest.mark.parametrize("entry", ["start", "form", "message"])
def test_hostile_json_is_refused_at_every_entry_point_and_changes_nothing(probe, entry):
    failures = {
        name: probe.refuses(
            lambda p=path, b=body: probe.caseworker.post(p, content=b, headers=JSON),
            may_cut_off=name == "oversized",
        )
        for name, path, body in bodies(probe, entry)
    }
    assert {name: why for name, why in failures.items() if why} == {}


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """The `pathways` command in this process, on a database of its own."""
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PATHWAYS_FORMS_DIR", str(TESTS / "forms"))
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args):
        return runner.invoke(command_line, list(args))

    assert run("db", "upgrade").exit_code == 0
    yield run
    get_settings.cache_clear()


def test_the_command_line_refuses_hostile_models_with_exit_65(shell, tmp_path):
    documents = XML_CORPUS | {
        name: one_step(**SCRIPT_CORPUS[name])
        for name in ("subclasses-in-script", "import-in-script", "globals-in-condition")
    }  # the code the compiler refuses; the rest is stopped when it runs (tested above)
    failures = {}
    for name, document in documents.items():
        path = tmp_path / f"{name}.bpmn"
        path.write_bytes(document)
        for command in ("validate", "deploy"):
            result = shell("models", command, str(path))
            if result.exit_code != 65 or "root:" in result.output:
                failures[f"{command} {name}"] = (result.exit_code, result.output[-300:])
    assert failures == {}
    assert shell("models", "deploy", str(ROOT / "tests" / "bpmn" / "handoff.bpmn")).exit_code == 0
