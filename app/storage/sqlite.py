"""SQLite plumbing every store shares: a file per store under the instance folder, in WAL mode."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def prepare_sqlite(path: Path, schema: str, added_columns: dict[str, str] | None = None) -> None:
    """Create the file and its tables if needed, in WAL mode so readers never wait on a writer.

    ``added_columns`` maps ``table.column`` to its definition, for columns added after a
    table first shipped: a file from an earlier version gains them instead of failing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        _use_wal(db)
        db.executescript(schema)
        for name, definition in (added_columns or {}).items():
            table, column = name.split(".")
            # One process at a time: two workers starting together on an older file would
            # otherwise both see the column missing, and the second one's ALTER would fail.
            db.execute("BEGIN IMMEDIATE")
            try:
                present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                if column not in present:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
    finally:
        db.close()


@contextmanager
def connect_sqlite(path: Path, transaction: bool = False) -> Iterator[sqlite3.Connection]:
    """One short connection per operation (SQLite serialises writers across processes).

    With ``transaction``, everything inside runs in one ``BEGIN IMMEDIATE`` transaction,
    committed at the end or rolled back on an error.
    """
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        if not transaction:
            yield db
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        db.close()


def _use_wal(db: sqlite3.Connection, attempts: int = 50) -> None:
    """Switch the file to WAL; retry while another process is creating the same new file."""
    # Turning WAL on needs the file to itself, and SQLite's busy timeout does not cover that
    # step: several workers starting on an empty instance folder can meet here.
    for attempt in range(attempts):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)
