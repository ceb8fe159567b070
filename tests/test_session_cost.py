"""A turn's session cost does not grow with the stored history: counted, not timed.

A run reads its session once and appends each completed turn once, and what one append
costs the store (SQL statements, Redis commands, rows read) is the same with 100 stored items
as with 10 000. The timing side of this lives in benchmarks/sessions.py.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import redis

from structagents import Agent, Runner, SQLiteSession, function_tool
from structagents.sessions.redis import RedisSession
from structagents.testing import ScriptedModel, function_call


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@function_tool
def lookup(key: str) -> str:
    return f"value of {key}"


def history(size: int) -> list[dict[str, Any]]:
    return [{"role": "user", "content": f"m{n}"} for n in range(size)]


class CountingSession:
    """Delegates to a session and counts the calls a run makes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.session_id = inner.session_id
        self.session_settings = inner.session_settings
        self.reads: list[int | None] = []
        self.appends: list[int] = []

    async def get_items(self, limit: int | None = None) -> list[dict[str, Any]]:
        self.reads.append(limit)
        items: list[dict[str, Any]] = await self.inner.get_items(limit)
        return items

    async def add_items(self, items: list[dict[str, Any]]) -> None:
        self.appends.append(len(items))
        await self.inner.add_items(items)

    async def pop_item(self) -> dict[str, Any] | None:
        item: dict[str, Any] | None = await self.inner.pop_item()
        return item

    async def clear_session(self) -> None:
        await self.inner.clear_session()


async def test_a_run_reads_once_and_appends_each_turn_once(tmp_path: Path) -> None:
    async with SQLiteSession("s", tmp_path / "h.db") as sqlite_session:
        await sqlite_session.add_items(history(500))
        session = CountingSession(sqlite_session)
        script = [[function_call("lookup", {"key": str(n)}, call_id=f"c{n}")] for n in range(3)]
        agent = Agent(name="a", model=ScriptedModel([*script, "done"]), tools=[lookup])
        await Runner.run(agent, "go", session=session)
    assert session.reads == [None]
    assert session.appends == [3, 2, 2, 1]  # input + each turn's own items, never the history


async def statements_per_append(path: Path, stored: int) -> list[str]:
    async with SQLiteSession("s", path) as session:
        await session.add_items(history(stored))
        statements: list[str] = []
        connection = session._connection  # the session's own, opened by the write above
        assert connection is not None
        connection.set_trace_callback(statements.append)
        await session.add_items(history(4))
        connection.set_trace_callback(None)
        return statements


async def test_an_sqlite_append_runs_the_same_statements_at_100_and_10_000_items(
    tmp_path: Path,
) -> None:
    small = await statements_per_append(tmp_path / "small.db", 100)
    large = await statements_per_append(tmp_path / "large.db", 10_000)
    assert small == large
    assert not any(s.lstrip().upper().startswith("SELECT") for s in large)


def command_calls(client: redis.Redis) -> dict[str, int]:
    stats = client.info("commandstats")
    return {name: int(value["calls"]) for name, value in stats.items()}


async def redis_commands_per_append(client: redis.Redis, url: str, stored: int) -> dict[str, int]:
    prefix = f"cost:{uuid.uuid4().hex}"
    async with RedisSession.from_url("s", url=url, key_prefix=prefix) as session:
        await session.add_items(history(stored))
        before = command_calls(client)
        await session.add_items(history(4))
        after = command_calls(client)
    counts = {name: after[name] - before.get(name, 0) for name in after}
    counts.pop("cmdstat_info", None)
    return {name: count for name, count in counts.items() if count}


async def test_a_redis_append_sends_the_same_commands_at_100_and_10_000_items(
    redis_url: str,
) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        small = await redis_commands_per_append(client, redis_url, 100)
        large = await redis_commands_per_append(client, redis_url, 10_000)
    finally:
        client.close()
    assert small == large
    assert "cmdstat_lrange" not in large
    assert large["cmdstat_rpush"] == 1
