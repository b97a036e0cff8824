"""What notes and attachments cost, on SQLite, through the services (one transaction each).

Prints:
- attach: a 10 MiB PDF kept end to end (size check, sniffing, SHA-256, write and rename
  into the attachments folder, the row, the audit) in ms;
- download: the same file read back with its permission check and audit, in ms;
- shelf: what the case page reads, the visible notes and attachments of a case holding
  N of each, for a reader of the case team and for one outside it, in ms.

Usage: python bench/notes.py [--notes N] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pathways import demo
from pathways.cases import service as cases
from pathways.db import migrate
from pathways.db.session import make_engine, transaction
from pathways.notes import service as notes
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.settings import AttachmentSettings, Settings

MODEL = Path(__file__).parents[1] / "tests" / "bpmn" / "notes_team.bpmn"
PDF = b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 - 9)


def _ms(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        settings = Settings(
            database_url=url,
            data_dir=Path(folder),
            attachments=AttachmentSettings(max_bytes=len(PDF) + 10),
        )
        engine = make_engine(url)
        with transaction(engine) as s:
            demo.load(s)
            processes.deploy(s, data=MODEL.read_bytes(), actor=Actor.operator(), settings=settings)
            client = cases.NewClient("B-1", "barsby", "ar", "fi")
            case_id = cases.start(
                s,
                model="notes_team",
                client=client,
                data={},
                actor=Actor.operator(),
                settings=settings,
            ).id

        def in_tx(work: Callable[..., object], login: str, **kwargs: object) -> object:
            with transaction(engine) as s:
                return work(s, actor=Actor.of(people.get_user(s, login)), **kwargs)

        figures: dict[str, float] = {}
        rounds = iter(range(1000))

        def attach_new() -> object:  # different bytes each time: no round finds it stored
            upload = notes.Upload("big.pdf", PDF + str(next(rounds)).encode(), ["team"])
            return in_tx(
                notes.attach, "anna", instance_id=case_id, upload=upload, settings=settings
            )

        figures["attach_10mib_ms"] = _ms(attach_new, 5)
        with transaction(engine) as s:
            found = notes.shelf(s, instance_id=case_id, actor=Actor.operator(), purpose="bench")
            attachment_id = found.attachments[0].id
        figures["download_10mib_ms"] = _ms(
            lambda: in_tx(
                notes.download,
                "ville",
                attachment_id=attachment_id,
                purpose="bench",
                settings=settings,
            ),
            5,
        )
        with transaction(engine) as s:
            anna = Actor.of(people.get_user(s, "anna"))
            for number in range(options.notes):
                audience = ["team"] if number % 2 else ["third_sector"]
                new = notes.NewNote(f"note {number}", audience)
                notes.add_note(s, instance_id=case_id, new=new, actor=anna)
        for login in ("ville", "tuomas"):
            figures[f"shelf_{options.notes}_notes_as_{login}_ms"] = _ms(
                lambda login=login: in_tx(notes.shelf, login, instance_id=case_id, purpose="bench"),
                5,
            )
        engine.dispose()
    if options.json:
        print(json.dumps(figures))
        return
    for name, value in figures.items():
        print(f"{name:40} {value:10.1f}")


if __name__ == "__main__":
    main()
