"""A PostgreSQL server of the test's own, in a temporary folder on a free port.

Tests that restart or stop the database use this, never the machine's shared server.
PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from pathways.local_cluster import free_port

_BIN = Path("/usr/lib/postgresql")


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(_BIN.glob(f"*/bin/{name}"))
    if not versions:
        raise RuntimeError(f"{name} is not installed")
    return str(versions[-1])


def available() -> bool:
    try:
        _binary("initdb")
        _binary("pg_ctl")
    except RuntimeError:
        return False
    return os.geteuid() != 0 or _has_postgres_user()


def _has_postgres_user() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


class PrivatePostgres:
    """initdb, start, restart, stop; removed with its folder when the block ends."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pathways-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/pathways"
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)

    def _run(self, *command: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *command], check=True, timeout=timeout, capture_output=True, cwd=self.folder
        )

    def _ctl(self, action: str, *options: str) -> None:
        self._run(
            _binary("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-w", "-t", "30", *options, action,
        )  # fmt: skip

    def start(self) -> None:
        settings = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("start", "-o", settings)

    def restart(self) -> None:
        """Stop (fast: sessions are cut, as in `pg_ctlcluster … restart`) and start again."""
        self._ctl("stop", "-m", "fast")
        self.start()

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def __enter__(self) -> PrivatePostgres:
        self._run(_binary("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")
        self.start()
        self._run(
            _binary("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-d", "postgres", "-qc", "CREATE DATABASE pathways",
        )  # fmt: skip
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
