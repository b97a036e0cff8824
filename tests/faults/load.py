"""Caseworkers completing tasks through several replicas, retrying what failed in transit
with the same Idempotency-Key, as a careful API client does."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field

import httpx
from tests.conftest import budget
from tests.faults.conftest import FORM_DATA


@dataclass
class Load:
    token: str
    urls: list[str]
    within: float = field(default_factory=lambda: budget(60.0))
    answers: dict[int, int] = field(default_factory=dict)  # task → final status
    failures: list[str] = field(default_factory=list)  # what went wrong on the way
    lock: threading.Lock = field(default_factory=threading.Lock)

    def complete_all(self, task_ids: list[int], clients: int = 4) -> None:
        shares = [task_ids[n::clients] for n in range(clients)]
        threads = [threading.Thread(target=self._complete, args=(share,)) for share in shares]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=self.within + 10)

    def done(self) -> int:
        with self.lock:
            return len(self.answers)

    def seen(self) -> str:
        with self.lock:
            return f"{len(self.answers)} answered, failures {sorted(set(self.failures))}"

    def _complete(self, share: list[int]) -> None:
        deadline = time.monotonic() + self.within
        replicas = itertools.cycle(self.urls)
        headers = {"Authorization": f"Bearer {self.token}"}
        for task_id in share:
            key = {"Idempotency-Key": f"load-{task_id}"}
            while time.monotonic() < deadline:
                url = f"{next(replicas)}/api/tasks/{task_id}/complete"
                try:
                    answer = httpx.post(url, json={"data": FORM_DATA}, headers=headers | key)
                except httpx.TransportError as error:
                    self._failed(type(error).__name__)
                    time.sleep(0.1)
                    continue
                if answer.status_code < 500:
                    with self.lock:
                        self.answers[task_id] = answer.status_code
                    break
                self._failed(str(answer.status_code))
                time.sleep(0.1)

    def _failed(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)
