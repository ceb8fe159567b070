"""`SQLiteSession`: history in an SQLite database (stdlib `sqlite3`), the embedded default.

Concurrency design:

- Each session object owns at most one connection, opened on its first call (which also
  creates the tables if they are missing) and closed by `close()` / `aclose()`. A file
  database is put in WAL mode (readers do not block the writer) with a busy timeout, so
  other objects and other processes using the same file wait for each other instead of
  failing. `":memory:"` gives each object its own private database.
- Every blocking `sqlite3` call runs in a worker thread (`anyio.to_thread.run_sync`, not
  abandoned on cancellation), holding the object's `threading.Lock` while it uses the
  connection. That lock, not the event loop, keeps the connection to one thread at a time,
  so `close()` from any thread, or use from two event loops, stays safe.
- Callers of one object queue on an `anyio.Lock` of the running event loop before they
  take a worker thread, so waiting calls hold no thread and can be cancelled at once.
- Writes are single `BEGIN IMMEDIATE` transactions: `add_items` stores all its items or
  none, `pop_item` selects and deletes the newest item under one write lock, and a caller
  cancelled mid-write waits for the transaction to commit or roll back before it unwinds.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from .._items import TResponseInputItem
from ..exceptions import UserError
from ._threads import WorkerThreadSession
from .base import (
    SessionSettings,
    coerce_session_settings,
    decode_item,
    decode_items,
    encode_items,
    resolve_session_limit,
)

__all__ = ["SQLiteSession"]

_T = TypeVar("_T")
_Work = Callable[[sqlite3.Connection], _T]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SQLiteSession(WorkerThreadSession):
    """A `Session` stored in SQLite: in memory by default, or in the file at `db_path`.

    The tables (`sessions_table`, `messages_table`) match the reference SDK's, so both can
    read the same file; many sessions share one file, told apart by `session_id`.
    `busy_timeout` is how many seconds a call waits for another writer of the file.
    `synchronous` is SQLite's setting for a file: "NORMAL" (default, with WAL) keeps every
    committed turn through an app crash and never corrupts, but a power cut or OS crash may
    lose the newest turns; "FULL" also flushes each turn to disk (a few ms per turn).
    Close the session when done: `close()`, `await aclose()`, or `async with`.
    """

    def __init__(
        self,
        session_id: str,
        db_path: str | os.PathLike[str] = ":memory:",
        sessions_table: str = "agent_sessions",
        messages_table: str = "agent_messages",
        session_settings: SessionSettings | dict[str, Any] | None = None,
        *,
        busy_timeout: float = 5.0,
        synchronous: Literal["NORMAL", "FULL", "EXTRA"] = "NORMAL",
    ) -> None:
        for table in (sessions_table, messages_table):
            if not _IDENTIFIER.fullmatch(table):
                raise UserError(f"SQLiteSession: {table!r} is not a plain SQL table name.")
        self.session_id = session_id
        self.db_path = db_path
        self.sessions_table = sessions_table
        self.messages_table = messages_table
        self.session_settings: SessionSettings | None = coerce_session_settings(session_settings)
        self.busy_timeout = busy_timeout
        if synchronous not in ("NORMAL", "FULL", "EXTRA"):
            raise UserError(
                f"SQLiteSession: synchronous is NORMAL, FULL or EXTRA, not {synchronous!r}."
            )
        self.synchronous = synchronous
        self._connection: sqlite3.Connection | None = None
        self._connection_lock = threading.Lock()
        self._is_closed = False

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The history, oldest first; with `limit`, only the newest `limit` items."""
        count = resolve_session_limit(limit, self.session_settings)

        table = self.messages_table
        if count is None:  # the whole history: one index scan, no re-sort
            query = f"SELECT message_data FROM {table} WHERE session_id = ? ORDER BY id"
            params: tuple[Any, ...] = (self.session_id,)
        else:
            query = (
                f"SELECT message_data FROM (SELECT id, message_data FROM {table}"
                " WHERE session_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id"
            )
            params = (self.session_id, count)

        def read(conn: sqlite3.Connection) -> list[TResponseInputItem]:
            return decode_items([text for (text,) in conn.execute(query, params).fetchall()])

        return await self._run(read, is_write=False)

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Append `items` in one transaction: all of them or none."""
        encoded = encode_items(items)
        if not encoded:
            self._check_open()
            return
        await self._run(lambda conn: self._append(conn, encoded), is_write=True)

    async def replace_newest_items(
        self, expected: list[TResponseInputItem], items: list[TResponseInputItem]
    ) -> bool:
        """In one transaction, replace the newest `len(expected)` items with `items` if they
        still equal `expected`; False (nothing changed) if the history moved on meanwhile."""
        encode_items(expected)
        encoded = encode_items(items)

        def replace(conn: sqlite3.Connection) -> bool:
            newest = conn.execute(
                f"SELECT id, message_data FROM {self.messages_table}"
                " WHERE session_id = ? ORDER BY id DESC LIMIT ?",
                (self.session_id, len(expected)),
            ).fetchall()
            if decode_items([text for _, text in reversed(newest)]) != expected:
                return False
            if newest:
                conn.execute(
                    f"DELETE FROM {self.messages_table} WHERE session_id = ? AND id >= ?",
                    (self.session_id, newest[-1][0]),
                )
            self._append(conn, encoded)
            return True

        return await self._run(replace, is_write=True)

    async def pop_item(self) -> TResponseInputItem | None:
        """Remove and return the newest item (one transaction); None if there is none."""

        def pop(conn: sqlite3.Connection) -> TResponseInputItem | None:
            row = conn.execute(
                f"SELECT id, message_data FROM {self.messages_table}"
                " WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                (self.session_id,),
            ).fetchone()
            if row is None:
                return None
            conn.execute(f"DELETE FROM {self.messages_table} WHERE id = ?", (row[0],))
            return decode_item(row[1])

        return await self._run(pop, is_write=True)

    async def clear_session(self) -> None:
        """Remove every item of this session, and its row in the sessions table."""

        def clear(conn: sqlite3.Connection) -> None:
            for table in (self.messages_table, self.sessions_table):
                conn.execute(f"DELETE FROM {table} WHERE session_id = ?", (self.session_id,))

        await self._run(clear, is_write=True)

    def _append(self, conn: sqlite3.Connection, encoded: list[str]) -> None:
        """Insert `encoded` items after the newest and touch the session's row."""
        conn.execute(
            f"INSERT OR IGNORE INTO {self.sessions_table} (session_id) VALUES (?)",
            (self.session_id,),
        )
        conn.executemany(
            f"INSERT INTO {self.messages_table} (session_id, message_data) VALUES (?, ?)",
            [(self.session_id, text) for text in encoded],
        )
        conn.execute(
            f"UPDATE {self.sessions_table} SET updated_at = CURRENT_TIMESTAMP WHERE session_id = ?",
            (self.session_id,),
        )

    def close(self) -> None:
        """Close the connection; later calls raise `UserError`. Idempotent.

        Waits for a call in progress, so async code should prefer `aclose()`.
        """
        with self._connection_lock:
            self._is_closed = True
            conn, self._connection = self._connection, None
            if conn is not None:
                conn.close()

    async def _run(self, work: _Work[_T], *, is_write: bool) -> _T:
        """Run `work` on the connection in a worker thread, one call of this object at a time."""
        return await self._in_worker_thread(self._run_in_thread, work, is_write)

    def _run_in_thread(self, work: _Work[_T], is_write: bool) -> _T:
        with self._connection_lock:
            conn = self._connect()
            return _in_transaction(conn, work) if is_write else work(conn)

    def _connect(self) -> sqlite3.Connection:
        """The open connection, opened and given its tables on first use (lock held)."""
        self._check_open()
        if self._connection is None:
            path = os.fspath(self.db_path)
            conn = sqlite3.connect(
                path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
            try:
                if path != ":memory:":
                    _enable_wal(conn, self.busy_timeout)
                    conn.execute(f"PRAGMA synchronous={self.synchronous}")
                _in_transaction(conn, self._create_tables)
            except BaseException:
                conn.close()
                raise
            self._connection = conn
        return self._connection

    def _create_tables(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self.sessions_table} ("
            " session_id TEXT PRIMARY KEY,"
            " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
            " updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
        )
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self.messages_table} ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " session_id TEXT NOT NULL,"
            " message_data TEXT NOT NULL,"
            " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
            f" FOREIGN KEY (session_id) REFERENCES {self.sessions_table} (session_id)"
            " ON DELETE CASCADE)"
        )
        conn.execute(
            f"CREATE INDEX IF NOT EXISTS idx_{self.messages_table}_session_id"
            f" ON {self.messages_table} (session_id, id)"
        )


def _in_transaction(conn: sqlite3.Connection, work: _Work[_T]) -> _T:
    """Run `work` in one write transaction: committed if it returns, rolled back if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _enable_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch to WAL, retrying while another process holds the lock the switch needs.

    The busy timeout does not cover this lock, so a file first opened by several processes
    at once would otherwise fail with "database is locked".
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)
        else:
            return
