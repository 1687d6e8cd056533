"""Small SQLite stores under the instance folder, shared by every process on this machine."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def prepare_sqlite(path: Path, schema: str) -> None:
    """Create the file and its table if needed, in WAL mode so readers never wait on a writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(schema)
    finally:
        db.close()
