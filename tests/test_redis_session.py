"""RedisSession against a real redis-server on loopback: runs, concurrency, TTL, key layout.

The behaviour every session shares runs in test_sessions.py and test_session_runs.py, which
include Redis; this file covers what is Redis's own. Redis works in worker threads, so trio
runs with its real clock (an autojumping mock clock would race the session write deadline).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
import redis

from structagents import Agent, Runner, UserError, function_tool
from structagents.sessions.redis import RedisSession
from structagents.testing import ScriptedModel, function_call


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def prefix() -> str:
    return f"test:{uuid.uuid4().hex}"


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@function_tool
def lookup(key: str) -> str:
    return f"value of {key}"


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


async def test_fifty_concurrent_runs_on_one_conversation_lose_nothing(
    redis_url: str, prefix: str
) -> None:
    async def one_run(index: int) -> None:
        model = ScriptedModel(
            [[function_call("lookup", {"key": str(index)}, call_id=f"c{index}")], f"answer {index}"]
        )
        async with RedisSession.from_url("shared", url=redis_url, key_prefix=prefix) as session:
            agent = Agent(name="a", model=model, tools=[lookup])
            await Runner.run(agent, f"q{index}", session=session)

    async with anyio.create_task_group() as tg:
        for index in range(50):
            tg.start_soon(one_run, index)

    async with RedisSession.from_url("shared", url=redis_url, key_prefix=prefix) as session:
        stored = await session.get_items()
    assert len(stored) == 50 * 4
    for index in range(50):  # each turn (input, call, output) is one contiguous write
        start = stored.index(user(f"q{index}"))
        assert stored[start + 1]["call_id"] == f"c{index}"
        assert stored[start + 2]["output"] == f"value of {index}"
        assert any(
            item.get("content", [{}])[0].get("text") == f"answer {index}"
            for item in stored[start + 3 :]
            if item.get("role") == "assistant"
        )


async def test_ttl_is_set_on_every_write(client: redis.Redis, prefix: str) -> None:
    session = RedisSession("ttl", redis_client=client, key_prefix=prefix, ttl=300)
    await session.add_items([user("hello")])
    messages_ttl = client.ttl(f"{prefix}:ttl:messages")
    assert 0 < messages_ttl <= 300
    assert 0 < client.ttl(f"{prefix}:ttl") <= 300
    client.expire(f"{prefix}:ttl:messages", 5)
    await session.add_items([user("again")])  # a write renews the TTL
    assert client.ttl(f"{prefix}:ttl:messages") > 5


async def test_without_ttl_nothing_expires(client: redis.Redis, prefix: str) -> None:
    session = RedisSession("forever", redis_client=client, key_prefix=prefix)
    await session.add_items([user("hello")])
    assert client.ttl(f"{prefix}:forever:messages") == -1


async def test_keys_and_values_follow_the_reference_layout(
    client: redis.Redis, prefix: str
) -> None:
    session = RedisSession("conv", redis_client=client, key_prefix=prefix)
    await session.add_items([user("a"), user("b")])
    raw = client.lrange(f"{prefix}:conv:messages", 0, -1)
    assert [json.loads(value) for value in raw] == [user("a"), user("b")]
    meta = client.hgetall(f"{prefix}:conv")
    assert meta[b"session_id"] == b"conv"
    assert {b"created_at", b"updated_at"} <= set(meta)
    # Items written by another client (say the reference SDK) read back.
    client.rpush(f"{prefix}:conv:messages", json.dumps(user("c")))
    assert await session.get_items(limit=2) == [user("b"), user("c")]
    assert await session.pop_item() == user("c")
    await session.clear_session()
    assert client.exists(f"{prefix}:conv", f"{prefix}:conv:messages") == 0


async def test_replace_newest_items_is_refused_when_the_history_moved_on(
    client: redis.Redis, prefix: str
) -> None:
    session = RedisSession("r", redis_client=client, key_prefix=prefix)
    await session.add_items([user("a"), user("b"), user("c")])
    assert await session.replace_newest_items([user("b"), user("c")], [user("bc")])
    assert await session.get_items() == [user("a"), user("bc")]
    assert not await session.replace_newest_items([user("zzz")], [user("x")])
    assert await session.get_items() == [user("a"), user("bc")]


def test_an_asyncio_client_is_refused_with_the_fix(redis_url: str) -> None:
    import redis.asyncio

    async_client = redis.asyncio.Redis.from_url(redis_url)
    with pytest.raises(UserError, match=r"synchronous redis\.Redis"):
        RedisSession("x", redis_client=async_client)  # type: ignore[arg-type]


def test_a_bad_ttl_is_a_user_error(client: redis.Redis) -> None:
    with pytest.raises(UserError, match="ttl"):
        RedisSession("x", redis_client=client, ttl=0)


async def test_ping_and_close(redis_url: str, prefix: str) -> None:
    session = RedisSession.from_url("p", url=redis_url, key_prefix=prefix)
    assert await session.ping()
    await session.aclose()
    with pytest.raises(UserError, match="closed"):
        await session.get_items()
    unreachable = RedisSession.from_url("p", url="redis://127.0.0.1:1/0")
    assert not await unreachable.ping()
    await unreachable.aclose()
