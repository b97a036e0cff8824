"""The production topology as local processes: what `make cluster` runs.

Two `pathways serve` replicas on two ports and one `pathways worker`, all on one database:
the shape of docker-compose.yml without a container engine. Fault tests and the load
benchmark start, kill and restart these processes one at a time through `LocalCluster`;
`python -m pathways.local_cluster` runs the whole topology until interrupted.

Replicas share one secret key (a CSRF token signed by one must pass on the other) and run
no poller of their own: the worker fires the timers.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.error import URLError
from urllib.request import urlopen

from sqlalchemy import create_engine, make_url, text

_HEALTHY_WITHIN = 30.0
_STOPPED_WITHIN = 10.0


def pathways_command() -> list[str]:
    """The `pathways` console script of the running interpreter's environment."""
    return [str(Path(sys.executable).parent / "pathways")]


def worker_available() -> bool:
    """Whether this installation has the `pathways worker` command (the timer poller)."""
    shown = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [*pathways_command(), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    return any(line.strip("│ ").startswith("worker ") for line in shown.stdout.splitlines())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Member:
    """One process of the cluster: a replica (with a port) or a worker."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as when a machine loses power."""
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=_STOPPED_WITHIN)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=_STOPPED_WITHIN)
            except subprocess.TimeoutExpired:
                self.kill()

    def resident_mib(self) -> float:
        """Resident memory of the process, from /proc (Linux)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def wait_healthy(self, within: float = _HEALTHY_WITHIN) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                with urlopen(f"{self.url}/healthz", timeout=2) as answer:  # noqa: S310 - http to 127.0.0.1
                    if answer.status == 200:
                        return
            except (URLError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz within {within:.0f} s")


@dataclass
class LocalCluster:
    """Replicas and workers on one database; every process it started is stopped on exit."""

    database_url: str
    folder: Path
    environment: Mapping[str, str] = field(default_factory=dict)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(36))
    members: list[Member] = field(default_factory=list)

    def env(self, extra: Mapping[str, str]) -> dict[str, str]:
        return {
            **os.environ,
            "PATHWAYS_DATABASE_URL": self.database_url,
            "PATHWAYS_DATA_DIR": str(self.folder),
            "PATHWAYS_SECRET_KEY": self.secret_key,
            "PATHWAYS_DEADLINES__POLLER_IN_SERVE": "false",
            **self.environment,
            **extra,
        }

    def _spawn(self, name: str, arguments: list[str], extra: Mapping[str, str]) -> Member:
        log = self.folder / f"{name}.log"
        with log.open("ab") as output:
            process = subprocess.Popen(  # noqa: S603 - our own console script
                [*pathways_command(), *arguments],
                env=self.env(extra),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        member = Member(name, process, log)
        self.members.append(member)
        return member

    def replica(self, name: str, port: int | None = None, **extra: str) -> Member:
        """Start `pathways serve` on 127.0.0.1 and wait until it answers /healthz."""
        port = port or free_port()
        member = self._spawn(name, ["serve", "--port", str(port)], extra)
        member.port = port
        try:
            member.wait_healthy()
        except RuntimeError:
            member.kill()
            raise
        return member

    def worker(self, name: str = "worker", *, once: bool = False, **extra: str) -> Member:
        """Start `pathways worker` (the timer poller)."""
        return self._spawn(name, ["worker", *(["--once"] if once else [])], extra)

    def stop_all(self) -> None:
        for member in self.members:
            member.stop()

    def kill_all(self) -> None:
        for member in self.members:
            member.kill()

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.kill_all()


def create_database(url: str) -> None:
    """Create the PostgreSQL database the URL names, if it does not exist yet."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Two replicas and a worker on one database.")
    parser.add_argument("--ports", type=int, nargs="+", default=[8001, 8002])
    parser.add_argument("--no-worker", action="store_true", help="replicas only")
    parser.add_argument("--create-database", action="store_true", help="create it and stop")
    args = parser.parse_args()
    url = os.environ.get("PATHWAYS_DATABASE_URL", "sqlite:///pathways.db")
    if args.create_database:
        create_database(url)
        return
    folder = Path(os.environ.get("PATHWAYS_DATA_DIR") or tempfile.mkdtemp(prefix="pathways-"))
    folder.mkdir(parents=True, exist_ok=True)
    with LocalCluster(url, folder) as cluster:
        replicas = [cluster.replica(f"replica-{n + 1}", port) for n, port in enumerate(args.ports)]
        if not args.no_worker and worker_available():
            cluster.worker()
        elif not args.no_worker:
            sys.stderr.write("no `pathways worker` in this installation: timers will not fire\n")
        for replica in replicas:
            sys.stdout.write(f"{replica.name}: {replica.url} (pid {replica.pid})\n")
        sys.stdout.write(f"logs in {folder}; Ctrl-C stops everything\n")
        sys.stdout.flush()
        try:
            while all(member.alive() for member in cluster.members):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        cluster.stop_all()


if __name__ == "__main__":
    main()
