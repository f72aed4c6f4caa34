"""Whether anything was committed to the database since last asked: the dashboard's cache check.

On SQLite, `PRAGMA data_version` on a connection of its own changes whenever another
connection (of this process or another one: `nhacviec run`, `tick`, a chat) commits. Other
databases have no such cheap marker: `version` returns None there and nothing is cached.
"""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import Engine


class ChangeWatch:
    """A read-only connection that only ever asks `PRAGMA data_version`."""

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        database = engine.url.database
        if engine.dialect.name == "sqlite" and database and database != ":memory:":
            self._connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True,
                                               check_same_thread=False, isolation_level=None)

    def version(self) -> int | None:
        """Return a number that changes whenever a commit happened since, or None (unknown)."""
        if self._connection is None:
            return None
        with self._lock:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
