"""`SQLAlchemySession`: history in PostgreSQL, MySQL, SQLite or any database SQLAlchemy reaches.

An optional extra: `pip install 'structagents[sqlalchemy]'` (SQLAlchemy and psycopg 3).

Concurrency design:

- SQLAlchemy's synchronous `Engine` (Core, no ORM) does the work in worker threads
  (`anyio.to_thread.run_sync`, not abandoned on cancellation), so one session object serves
  asyncio and trio alike. Callers of one object queue per event loop, and the object's
  `threading.Lock` keeps it to one pooled connection at a time.
- Every call is one transaction. Every write first updates the session's row in
  `sessions_table`, which locks that row (PostgreSQL, MySQL) or takes the database's write
  lock (SQLite) until commit, so writers of one conversation take turns across objects and
  processes: `add_items` stores all its items, in order and together, or none; `pop_item`
  selects the newest item `FOR UPDATE` and deletes it, so two pops never return one item.
- A caller cancelled mid-call waits for its transaction to commit or roll back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from typing_extensions import Self

try:
    import sqlalchemy as sa
    from sqlalchemy.pool import StaticPool
except ImportError as exc:  # pragma: no cover - depends on what is installed
    raise ImportError(
        "SQLAlchemySession needs SQLAlchemy: pip install 'structagents[sqlalchemy]'"
    ) from exc

from .._items import TResponseInputItem
from ._threads import WorkerThreadSession
from .base import (
    SessionSettings,
    coerce_session_settings,
    decode_item,
    decode_items,
    encode_items,
    resolve_session_limit,
)

__all__ = ["SQLAlchemySession"]

_T = TypeVar("_T")
_Work = Callable[[sa.Connection], _T]


class SQLAlchemySession(WorkerThreadSession):
    """A `Session` stored through a synchronous SQLAlchemy `Engine`; works on asyncio and trio.

    `from_url("user-123", "postgresql+psycopg://app@db.example.com/agents")` makes the engine
    (and `close()` disposes it); an engine passed in stays the caller's to dispose. If
    `create_tables`, the tables are created on first use when missing; their schema is the
    reference SDK's, so both can share a database. Close the session when done: `close()`,
    `await aclose()`, or `async with`.
    """

    def __init__(
        self,
        session_id: str,
        engine: sa.Engine,
        *,
        create_tables: bool = True,
        sessions_table: str = "agent_sessions",
        messages_table: str = "agent_messages",
        session_settings: SessionSettings | dict[str, Any] | None = None,
    ) -> None:
        self.session_id = session_id
        self.session_settings: SessionSettings | None = coerce_session_settings(session_settings)
        self._engine = engine
        self._owns_engine = False
        self._needs_tables = create_tables
        self._lock = threading.Lock()
        self._is_closed = False
        self._metadata = sa.MetaData()
        self._sessions = sa.Table(
            sessions_table,
            self._metadata,
            sa.Column("session_id", sa.String(255), primary_key=True),
            _timestamp("created_at"),
            _timestamp("updated_at"),
        )
        self._messages = sa.Table(
            messages_table,
            self._metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column(
                "session_id",
                sa.String(255),
                sa.ForeignKey(f"{sessions_table}.session_id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column("message_data", sa.Text, nullable=False),
            _timestamp("created_at"),
            sa.Index(f"idx_{messages_table}_session_id", "session_id", "id"),
            sqlite_autoincrement=True,
        )

    @classmethod
    def from_url(
        cls,
        session_id: str,
        url: str | sa.URL,
        *,
        engine_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Self:
        """A session on a new engine for `url`, disposed when the session is closed.

        `engine_kwargs` go to `sqlalchemy.create_engine`, `kwargs` to the constructor. An
        in-memory SQLite URL gets one connection shared by the worker threads.
        """
        url = sa.make_url(url)
        defaults: dict[str, Any] = {}
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            defaults = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        engine = sa.create_engine(url, **{**defaults, **(engine_kwargs or {})})
        session = cls(session_id, engine, **kwargs)
        session._owns_engine = True
        return session

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine the session uses."""
        return self._engine

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The history, oldest first; with `limit`, only the newest `limit` items."""
        messages = self._messages
        newest_first = (
            sa.select(messages.c.message_data)
            .where(messages.c.session_id == self.session_id)
            .order_by(messages.c.id.desc())
            .limit(resolve_session_limit(limit, self.session_settings))
        )

        def read(conn: sa.Connection) -> Sequence[str]:
            return conn.execute(newest_first).scalars().all()

        return decode_items(list(reversed(await self._run(read))))

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Append `items` in one transaction: all of them or none."""
        encoded = encode_items(items)
        if not encoded:
            self._check_open()
            return
        await self._run(lambda conn: self._append(conn, encoded))

    async def replace_newest_items(
        self, expected: list[TResponseInputItem], items: list[TResponseInputItem]
    ) -> bool:
        """In one transaction, replace the newest `len(expected)` items with `items` if they
        still equal `expected`; False (nothing changed) if the history moved on meanwhile."""
        encode_items(expected)
        encoded = encode_items(items)
        messages = self._messages
        newest = (
            sa.select(messages.c.id, messages.c.message_data)
            .where(messages.c.session_id == self.session_id)
            .order_by(messages.c.id.desc())
            .limit(len(expected))
        )

        def replace(conn: sa.Connection) -> bool:
            self._lock_session(conn)
            rows = conn.execute(newest).all()
            if decode_items([row.message_data for row in reversed(rows)]) != expected:
                return False
            if rows:
                conn.execute(
                    sa.delete(messages).where(
                        messages.c.session_id == self.session_id, messages.c.id >= rows[-1].id
                    )
                )
            self._append(conn, encoded)
            return True

        return await self._run(replace)

    async def pop_item(self) -> TResponseInputItem | None:
        """Remove and return the newest item (one transaction); None if there is none."""
        messages = self._messages
        newest = (
            sa.select(messages.c.id, messages.c.message_data)
            .where(messages.c.session_id == self.session_id)
            .order_by(messages.c.id.desc())
            .limit(1)
            .with_for_update()
        )

        def pop(conn: sa.Connection) -> str | None:
            self._lock_session(conn)
            row = conn.execute(newest).first()
            if row is None:
                return None
            conn.execute(sa.delete(messages).where(messages.c.id == row.id))
            return str(row.message_data)

        text = await self._run(pop)
        return None if text is None else decode_item(text)

    async def clear_session(self) -> None:
        """Remove every item of this session, and its row in the sessions table."""

        def clear(conn: sa.Connection) -> None:
            self._lock_session(conn)
            for table in (self._messages, self._sessions):
                conn.execute(sa.delete(table).where(table.c.session_id == self.session_id))

        await self._run(clear)

    def close(self) -> None:
        """Stop the session (later calls raise `UserError`); dispose the engine if it owns it.

        Idempotent. Waits for a call in progress, so async code should prefer `aclose()`.
        """
        with self._lock:
            was_open, self._is_closed = not self._is_closed, True
            if was_open and self._owns_engine:
                self._engine.dispose()

    async def _run(self, work: _Work[_T]) -> _T:
        """Run `work` in one transaction in a worker thread, one call of this object at a time."""
        return await self._in_worker_thread(self._run_in_thread, work)

    def _run_in_thread(self, work: _Work[_T]) -> _T:
        with self._lock:
            self._check_open()
            if self._needs_tables:
                self._create_tables()
            try:
                with self._engine.begin() as conn:
                    return work(conn)
            except sa.exc.IntegrityError:
                # Another writer created this session's row after `add_items` found none;
                # the transaction rolled back whole, and its retry finds the row.
                with self._engine.begin() as conn:
                    return work(conn)

    def _create_tables(self) -> None:
        try:
            self._metadata.create_all(self._engine)
        except sa.exc.DBAPIError:
            # Another process created them between the check and the CREATE: check again.
            self._metadata.create_all(self._engine)
        self._needs_tables = False

    def _append(self, conn: sa.Connection, encoded: list[str]) -> None:
        """Insert `encoded` items after the newest, creating the session's row if needed."""
        if not encoded:
            return
        if not self._lock_session(conn):
            conn.execute(sa.insert(self._sessions).values(session_id=self.session_id))
        rows = [{"session_id": self.session_id, "message_data": text} for text in encoded]
        conn.execute(sa.insert(self._messages), rows)

    def _lock_session(self, conn: sa.Connection) -> bool:
        """Touch the session's row, locking it until commit; False if it has no row."""
        sessions = self._sessions
        touched = conn.execute(
            sa.update(sessions)
            .where(sessions.c.session_id == self.session_id)
            .values(updated_at=sa.func.current_timestamp())
        )
        return touched.rowcount > 0


def _timestamp(name: str) -> sa.Column[Any]:
    return sa.Column(
        name,
        sa.TIMESTAMP(timezone=False),
        server_default=sa.text("CURRENT_TIMESTAMP"),
        nullable=False,
    )
