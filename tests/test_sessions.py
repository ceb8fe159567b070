"""Sessions: MemorySession, SQLiteSession (in memory and on a file) and RedisSession keep
history alike."""

from __future__ import annotations

import gc
import os
import sqlite3
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import anyio.to_thread
import pytest

from structagents.exceptions import UserError
from structagents.sessions.base import Session, SessionSettings
from structagents.sessions.memory import MemorySession
from structagents.sessions.openai_compaction import ReplaceableSession
from structagents.sessions.redis import RedisSession
from structagents.sessions.sqlite import SQLiteSession


@dataclass
class Backend:
    """Opens sessions of one kind; SQLite ones are closed after the test."""

    kind: str
    db_file: Path
    redis_url: str = ""
    opened: list[SQLiteSession | RedisSession] = field(default_factory=list)

    @property
    def is_shared(self) -> bool:
        """Whether two objects with one session_id see the same history."""
        return self.kind in ("sqlite-file", "redis")

    def open(self, session_id: str = "s", **kwargs: Any) -> Session:
        if self.kind == "memory":
            return MemorySession(session_id, **kwargs)
        if self.kind == "redis":
            prefix = f"test:{self.db_file.parent.name}"  # one namespace per test
            redis = RedisSession.from_url(
                session_id, url=self.redis_url, key_prefix=prefix, **kwargs
            )
            self.opened.append(redis)
            return redis
        db_path = self.db_file if self.is_shared else ":memory:"
        session = SQLiteSession(session_id, db_path, **kwargs)
        self.opened.append(session)
        return session


@pytest.fixture(params=["memory", "sqlite-memory", "sqlite-file", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    url = request.getfixturevalue("redis_url") if request.param == "redis" else ""
    backend = Backend(request.param, tmp_path / "history.db", url)
    yield backend
    for session in backend.opened:
        session.close()


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def user_text(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "input_text", "text": text}]}


def open_fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


# Behaviour every session shares


async def test_every_kind_is_a_session(backend: Backend) -> None:
    session = backend.open("conversation-1")
    assert isinstance(session, Session)
    assert session.session_id == "conversation-1"
    assert MemorySession().session_id == "default"


async def test_items_come_back_oldest_first(backend: Backend) -> None:
    session = backend.open()
    await session.add_items([user("a"), user("b")])
    await session.add_items([user("c")])
    assert await session.get_items() == [user("a"), user("b"), user("c")]


async def test_limit_gives_the_newest_items_oldest_first(backend: Backend) -> None:
    session = backend.open()
    await session.add_items([user(str(n)) for n in range(5)])
    assert await session.get_items(limit=2) == [user("3"), user("4")]
    assert await session.get_items(limit=0) == []
    assert await session.get_items(limit=10) == [user(str(n)) for n in range(5)]


async def test_settings_limit_applies_when_no_limit_is_given(backend: Backend) -> None:
    session = backend.open(session_settings=SessionSettings(limit=2))
    await session.add_items([user(str(n)) for n in range(5)])
    assert await session.get_items() == [user("3"), user("4")]
    assert await session.get_items(limit=3) == [user("2"), user("3"), user("4")]
    from_dict = backend.open("other", session_settings={"limit": 1})
    await from_dict.add_items([user("x"), user("y")])
    assert await from_dict.get_items() == [user("y")]


async def test_a_negative_limit_is_a_user_error(backend: Backend) -> None:
    with pytest.raises(UserError, match="limit"):
        await backend.open().get_items(limit=-1)


async def test_pop_item_on_an_empty_session_returns_none(backend: Backend) -> None:
    assert await backend.open().pop_item() is None


async def test_pop_item_removes_and_returns_the_newest_item(backend: Backend) -> None:
    session = backend.open()
    await session.add_items([user("a"), user("b")])
    assert await session.pop_item() == user("b")
    assert await session.get_items() == [user("a")]
    assert await session.pop_item() == user("a")
    assert await session.pop_item() is None


async def test_clear_session_removes_every_item(backend: Backend) -> None:
    session = backend.open()
    await session.add_items([user("a"), user("b")])
    await session.clear_session()
    assert await session.get_items() == []
    await session.add_items([user("c")])
    assert await session.get_items() == [user("c")]


async def test_nested_items_round_trip_through_json(backend: Backend) -> None:
    items: list[dict[str, Any]] = [
        {
            "role": "user",
            "content": [{"type": "input_text", "text": 'héllo ✓ \n"quoted"'}],
        },
        {"type": "function_call", "call_id": "c1", "name": "f", "arguments": '{"x": [1, 2]}'},
        {"type": "function_call_output", "call_id": "c1", "output": "3"},
        {"type": "custom", "nested": {"list": [1, 2.5, None, True, {"deep": []}], "empty": {}}},
    ]
    session = backend.open()
    await session.add_items(items)
    assert await session.get_items() == items


async def test_stored_items_do_not_change_with_the_objects_given_or_returned(
    backend: Backend,
) -> None:
    session = backend.open()
    item = user_text("a")
    await session.add_items([item])
    item["content"][0]["text"] = "changed after add"
    (returned,) = await session.get_items()
    returned["content"].append("changed after get")
    assert await session.get_items() == [user_text("a")]


async def test_an_item_that_is_not_json_stores_nothing(backend: Backend) -> None:
    session = backend.open()
    with pytest.raises(UserError, match="item 1 is not JSON"):
        await session.add_items([user("ok"), {"role": "user", "content": object()}])
    assert await session.get_items() == []


async def test_sessions_with_different_ids_stay_separate(backend: Backend) -> None:
    first, second = backend.open("first"), backend.open("second")
    await first.add_items([user("1a"), user("1b")])
    await second.add_items([user("2a")])
    assert await first.pop_item() == user("1b")
    await second.clear_session()
    await second.add_items([user("2b")])
    assert await first.get_items() == [user("1a")]
    assert await second.get_items() == [user("2b")]


async def test_replace_newest_items_is_refused_once_the_history_moved_on(
    backend: Backend,
) -> None:
    session, other = backend.open(), backend.open()
    if not backend.is_shared:
        other = session
    assert isinstance(session, ReplaceableSession)  # every built-in session is
    await session.add_items([user("a"), user("b"), user("c")])
    assert await session.replace_newest_items([user("b"), user("c")], [user("bc")])
    assert await other.get_items() == [user("a"), user("bc")]
    await other.add_items([user("d")])
    assert not await session.replace_newest_items([user("bc")], [user("x")])
    assert not await session.replace_newest_items([user("z")] * 9, [])
    assert await session.get_items() == [user("a"), user("bc"), user("d")]
    assert await session.replace_newest_items([], [user("e")])
    assert await other.get_items() == [user("a"), user("bc"), user("d"), user("e")]


# Concurrency and cancellation


async def test_twenty_concurrent_writers_lose_nothing(backend: Backend) -> None:
    # On a file, two objects with the same session_id share the writers.
    sessions = [backend.open(), backend.open()] if backend.is_shared else [backend.open()]

    async def write(writer: int) -> None:
        batch = [{"writer": writer, "n": n} for n in range(5)]
        await sessions[writer % len(sessions)].add_items(batch)

    async with anyio.create_task_group() as tg:
        for writer in range(20):
            tg.start_soon(write, writer)

    items = await sessions[0].get_items()
    assert len(items) == 100
    batches = [items[start : start + 5] for start in range(0, 100, 5)]
    for batch in batches:  # each add_items landed whole, in order
        assert batch == [{"writer": batch[0]["writer"], "n": n} for n in range(5)]
    assert sorted(batch[0]["writer"] for batch in batches) == list(range(20))


async def test_concurrent_pops_return_each_item_exactly_once(backend: Backend) -> None:
    sessions = [backend.open(), backend.open()] if backend.is_shared else [backend.open()]
    await sessions[0].add_items([{"n": n} for n in range(10)])
    popped: list[dict[str, Any] | None] = []

    async def pop(caller: int) -> None:
        popped.append(await sessions[caller % len(sessions)].pop_item())

    async with anyio.create_task_group() as tg:
        for caller in range(20):
            tg.start_soon(pop, caller)

    assert sorted(item["n"] for item in popped if item is not None) == list(range(10))
    assert popped.count(None) == 10
    assert await sessions[-1].get_items() == []


@pytest.mark.parametrize("checkpoints_before_cancel", range(8))
async def test_a_cancelled_add_items_stores_all_items_or_none(
    backend: Backend, checkpoints_before_cancel: int
) -> None:
    session = backend.open()
    items = [{"n": n} for n in range(1000)]
    async with anyio.create_task_group() as tg:
        tg.start_soon(session.add_items, items)
        for _ in range(checkpoints_before_cancel):
            await anyio.lowlevel.checkpoint()
        tg.cancel_scope.cancel()
    # The cancelled write has settled: a later write lands after it, never before.
    await session.add_items([{"n": "after"}])
    stored = await session.get_items()
    assert stored in ([{"n": "after"}], [*items, {"n": "after"}])


async def test_a_write_cancelled_in_flight_waits_for_its_transaction(tmp_path: Path) -> None:
    db_path = tmp_path / "history.db"
    session = SQLiteSession("s", db_path, busy_timeout=60)
    await session.clear_session()  # creates the file and its tables
    other_writer = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    await anyio.to_thread.run_sync(other_writer.execute, "BEGIN IMMEDIATE")
    writer_scope = anyio.CancelScope()
    is_writer_done = False

    async def write() -> None:
        nonlocal is_writer_done
        with writer_scope:
            await session.add_items([{"n": n} for n in range(1000)])
        is_writer_done = True

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(write)
            await anyio.wait_all_tasks_blocked()  # its transaction waits for other_writer
            writer_scope.cancel()
            await anyio.wait_all_tasks_blocked()
            assert not is_writer_done  # cancelled, yet still waiting for its transaction
            await anyio.to_thread.run_sync(other_writer.execute, "ROLLBACK")
        assert len(await session.get_items()) == 1000
    finally:
        other_writer.close()
        session.close()


# SQLiteSession specifics


async def test_a_file_keeps_history_across_session_objects(tmp_path: Path) -> None:
    db_path = tmp_path / "history.db"
    async with SQLiteSession("s", db_path) as writer:
        await writer.add_items([user("a"), user("b")])
    async with SQLiteSession("s", str(db_path)) as reader:
        assert await reader.get_items() == [user("a"), user("b")]


async def test_in_memory_databases_are_private_to_each_object() -> None:
    async with SQLiteSession("s") as first, SQLiteSession("s") as second:
        await first.add_items([user("a")])
        assert await second.get_items() == []


async def test_reads_and_writes_the_reference_sdk_schema(tmp_path: Path) -> None:
    db_path = tmp_path / "reference.db"

    def write_like_the_reference() -> None:
        with sqlite3.connect(db_path) as conn:
            conn.execute(
                "CREATE TABLE agent_sessions (session_id TEXT PRIMARY KEY,"
                " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
                " updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
            )
            conn.execute(
                "CREATE TABLE agent_messages (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " session_id TEXT NOT NULL, message_data TEXT NOT NULL,"
                " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
            )
            conn.execute("INSERT INTO agent_sessions (session_id) VALUES ('s')")
            conn.execute(
                "INSERT INTO agent_messages (session_id, message_data)"
                ' VALUES (\'s\', \'{"role": "user", "content": "old"}\')'
            )
        conn.close()

    def read_raw() -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(db_path)
        try:
            return conn.execute(
                "SELECT m.session_id, m.message_data, s.updated_at IS NOT NULL"
                " FROM agent_messages m JOIN agent_sessions s USING (session_id) ORDER BY m.id"
            ).fetchall()
        finally:
            conn.close()

    await anyio.to_thread.run_sync(write_like_the_reference)
    async with SQLiteSession("s", db_path) as session:
        assert await session.get_items() == [user("old")]
        await session.add_items([user("new")])
    assert await anyio.to_thread.run_sync(read_raw) == [
        ("s", '{"role": "user", "content": "old"}', 1),
        ("s", '{"role": "user", "content": "new"}', 1),
    ]


async def test_closing_sessions_leaks_no_file_descriptors_or_warnings(tmp_path: Path) -> None:
    db_path = tmp_path / "history.db"
    async with SQLiteSession("warm-up", db_path) as session:
        await session.add_items([user("a")])
    before = open_fd_count()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(200):
            session = SQLiteSession(f"s{n}", db_path)
            await session.add_items([user(str(n))])
            assert await session.get_items() == [user(str(n))]
            if n == 0:
                assert open_fd_count() > before  # the count does see an open session
            if n % 2:
                session.close()
            else:
                await session.aclose()
        del session
        gc.collect()
    assert open_fd_count() == before
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


async def test_a_closed_session_says_so(tmp_path: Path) -> None:
    session = SQLiteSession("s", tmp_path / "history.db")
    await session.add_items([user("a")])
    session.close()
    session.close()
    await session.aclose()
    with pytest.raises(UserError, match="closed"):
        await session.get_items()
    with pytest.raises(UserError, match="closed"):
        await session.add_items([])
    with pytest.raises(UserError, match="closed"):
        await session.pop_item()
    with pytest.raises(UserError, match="closed"):
        await session.clear_session()


async def test_leaving_async_with_closes_the_session_even_when_cancelled(tmp_path: Path) -> None:
    with anyio.CancelScope() as scope:
        async with SQLiteSession("s", tmp_path / "history.db") as session:
            await session.add_items([user("a")])
            scope.cancel()
            await anyio.sleep_forever()
    assert scope.cancelled_caught
    with pytest.raises(UserError, match="closed"):
        await session.get_items()


def test_one_session_object_serves_asyncio_and_trio_in_turn(tmp_path: Path) -> None:
    session = SQLiteSession("s", tmp_path / "history.db")

    async def write_concurrently(tag: str) -> None:
        async with anyio.create_task_group() as tg:
            for n in range(5):
                tg.start_soon(session.add_items, [{"tag": tag, "n": n}])

    async def count() -> int:
        return len(await session.get_items())

    try:
        anyio.run(write_concurrently, "asyncio", backend="asyncio")
        anyio.run(write_concurrently, "trio", backend="trio")
        assert anyio.run(count, backend="asyncio") == 10
    finally:
        session.close()


def test_table_names_must_be_plain_identifiers() -> None:
    with pytest.raises(UserError, match="table name"):
        SQLiteSession("s", messages_table="messages; DROP TABLE x")


# SessionSettings


def test_session_settings_resolve_lays_set_values_over_the_base() -> None:
    base = SessionSettings(limit=5)
    assert base.resolve(None) is base
    assert base.resolve(SessionSettings()) == SessionSettings(limit=5)
    assert base.resolve(SessionSettings(limit=2)) == SessionSettings(limit=2)
    assert base.resolve({"limit": 3}) == SessionSettings(limit=3)
    assert base.resolve({}).to_dict() == {"limit": 5}


def test_session_settings_reject_what_they_do_not_know() -> None:
    with pytest.raises(UserError, match="max_items"):
        SessionSettings().resolve({"max_items": 3})
    with pytest.raises(UserError, match="limit"):
        SessionSettings(limit=-1)
    with pytest.raises(UserError, match="SessionSettings or a dict"):
        MemorySession(session_settings=3)  # type: ignore[arg-type]


async def test_rows_that_do_not_each_hold_one_item_are_never_merged(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    async with SQLiteSession("s", path) as session:
        await session.add_items([user("ok")])
    with sqlite3.connect(path) as conn:  # two rows that only parse as one item together
        conn.executemany(
            "INSERT INTO agent_messages (session_id, message_data) VALUES ('s', ?)",
            [('{"role": "user", "content": ["a"',), ('"b"]}',)],
        )
    async with SQLiteSession("s", path) as session:
        with pytest.raises(ValueError, match="Expecting"):
            await session.get_items()
        assert await session.get_items(limit=0) == []
