"""The service's secret key: from settings, or generated once and kept in the data folder.

Keeping a generated key lets `pathways serve` always start, and every replica that
shares the data folder (or the setting) agrees on it.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pathways.settings import Settings


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    return _kept_key(settings.data_dir.resolve())


@lru_cache(maxsize=4)
def _kept_key(data_dir: Path) -> bytes:
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: of two processes starting at once, one writes and both read its key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"the secret key kept in {path} is too short; delete it to regenerate")
    return key.encode()
