"""Server-backed sessions over FakeOpenAIServer: the Conversations API session, and history
compaction through `responses/compact` (automatic after a run, manual, under cancellation and
concurrent writes), plus the local `keep_turns` window.

Every request is real HTTP on loopback, so trio runs with its real clock here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from openai import AsyncOpenAI

from structagents import (
    Agent,
    MemorySession,
    ModelProviderError,
    ModelSettings,
    OpenAIConversationsSession,
    OpenAIResponsesCompactionArgs,
    OpenAIResponsesCompactionSession,
    Runner,
    Session,
    SessionSettings,
    SQLiteSession,
    UserError,
    function_tool,
)
from structagents.testing import FakeOpenAIServer, ScriptedModel, function_call


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def client(server: FakeOpenAIServer) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(base_url=server.base_url, api_key="test", max_retries=0) as client:
        yield client


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Session]:
    if request.param == "memory":
        yield MemorySession("chat")
        return
    async with SQLiteSession("chat", tmp_path / "chat.db") as sqlite_session:
        yield sqlite_session


@function_tool
def lookup(key: str) -> str:
    return f"value of {key}"


FORCE: OpenAIResponsesCompactionArgs = {"force": True}
INPUT_MODE: dict[str, Any] = {"compaction_mode": "input"}


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def compact_requests(server: FakeOpenAIServer) -> list[dict[str, Any]]:
    return [r.body for r in server.requests if r.path.endswith("/responses/compact")]


def tool_run_script(rounds: int) -> list[Any]:
    """A model that calls `lookup` `rounds` times, then answers."""
    steps: list[Any] = [
        [function_call("lookup", {"key": str(n)}, call_id=f"c{n}")] for n in range(rounds)
    ]
    return [*steps, "done"]


# The Conversations API session


async def test_conversations_session_creates_a_conversation_and_round_trips(
    server: FakeOpenAIServer, client: AsyncOpenAI
) -> None:
    session = OpenAIConversationsSession(openai_client=client)
    with pytest.raises(UserError, match="no conversation yet"):
        _ = session.session_id
    items = [user(f"m{n}") for n in range(45)]  # more than one write and one page
    await session.add_items(items)
    conversation = server.conversations[session.session_id]
    assert [item["content"] for item in conversation] == [f"m{n}" for n in range(45)]
    writes = [r for r in server.requests if r.method == "POST" and r.path.endswith("/items")]
    assert [len(r.body["items"]) for r in writes] == [20, 20, 5]

    stored = await session.get_items()
    assert [item["content"] for item in stored] == [f"m{n}" for n in range(45)]
    assert all(item["id"] for item in stored)
    newest = await session.get_items(limit=3)
    assert [item["content"] for item in newest] == ["m42", "m43", "m44"]

    popped = await session.pop_item()
    assert popped is not None
    assert popped["content"] == "m44"
    assert len(server.conversations[session.session_id]) == 44

    old_id = session.session_id
    await session.clear_session()
    assert old_id not in server.conversations
    await session.add_items([user("fresh")])
    assert session.session_id != old_id
    assert [item["content"] for item in await session.get_items()] == ["fresh"]


async def test_a_run_keeps_its_history_in_a_conversation(
    server: FakeOpenAIServer, client: AsyncOpenAI
) -> None:
    session = OpenAIConversationsSession(openai_client=client)
    model = ScriptedModel([*tool_run_script(1), "I remember"])
    agent = Agent(name="a", model=model, tools=[lookup])
    await Runner.run(agent, "first", session=session)
    await Runner.run(agent, "second", session=session)
    second_call_input = model.calls[-1].input
    assert [item.get("content") for item in second_call_input if item.get("role") == "user"] == [
        "first",
        "second",
    ]
    kinds = [item["type"] for item in server.conversations[session.session_id]]
    first_run = ["message", "function_call", "function_call_output", "message"]
    assert kinds == [*first_run, "message", "message"]


async def test_an_unknown_conversation_is_a_provider_error(client: AsyncOpenAI) -> None:
    session = OpenAIConversationsSession(conversation_id="conv_missing", openai_client=client)
    with pytest.raises(ModelProviderError, match="not found") as caught:
        await session.get_items()
    assert caught.value.status_code == 404


# Compaction


async def test_a_run_compacts_its_session_once_the_threshold_is_reached(
    server: FakeOpenAIServer, client: AsyncOpenAI, store: Session
) -> None:
    compacted = [user("q"), {"type": "compaction", "id": "cmp_1", "encrypted_content": "x"}]
    server.enqueue_compaction(compacted)
    session = OpenAIResponsesCompactionSession("chat", store, client=client)
    agent = Agent(name="a", model=ScriptedModel(tool_run_script(5)), tools=[lookup])

    result = await Runner.run(agent, "q", session=session)  # 11 candidates: 5 calls, 5 outputs

    (request,) = compact_requests(server)
    assert request == {"model": "gpt-4.1", "previous_response_id": result.last_response_id}
    assert await store.get_items() == compacted
    assert result.context_wrapper.usage.requests == 6 + 1  # the compaction request counts
    # The next run starts from the compacted history.
    follow_up = ScriptedModel(["hi again"])
    await Runner.run(Agent(name="a", model=follow_up), "again", session=session)
    assert follow_up.calls[0].input == [*compacted, user("again")]


async def test_below_the_threshold_nothing_is_sent(
    server: FakeOpenAIServer, client: AsyncOpenAI, store: Session
) -> None:
    session = OpenAIResponsesCompactionSession("chat", store, client=client)
    agent = Agent(name="a", model=ScriptedModel(tool_run_script(2)), tools=[lookup])
    await Runner.run(agent, "q", session=session)
    assert compact_requests(server) == []
    assert len(await store.get_items()) == 1 + 2 * 2 + 1


async def test_unstored_responses_are_compacted_from_the_input(
    server: FakeOpenAIServer, client: AsyncOpenAI, store: Session
) -> None:
    session = OpenAIResponsesCompactionSession(
        "chat", store, client=client, should_trigger_compaction=lambda context: True
    )
    model_settings = ModelSettings(store=False)
    agent = Agent(name="a", model=ScriptedModel(["ok"]), model_settings=model_settings)
    await Runner.run(agent, "q", session=session)
    (request,) = compact_requests(server)
    assert request["input"][0] == user("q")
    stored = await store.get_items()
    assert stored[0] == user("q")  # the fake keeps user messages, then one compaction item
    assert [item.get("type") for item in stored[1:]] == ["compaction"]


async def test_manual_compaction_in_input_mode(
    server: FakeOpenAIServer, client: AsyncOpenAI, store: Session
) -> None:
    session = OpenAIResponsesCompactionSession(
        "chat", store, client=client, compaction_mode="input"
    )
    history = [user("a"), {"role": "assistant", "content": "b"}, user("c")]
    await session.add_items(history)
    await session.run_compaction({"force": True})
    (request,) = compact_requests(server)
    assert request == {"model": "gpt-4.1", "input": history}
    stored = await store.get_items()
    assert stored[:2] == [user("a"), user("c")]
    assert stored[2]["type"] == "compaction"


async def test_a_cancelled_compaction_leaves_the_old_history(
    server: FakeOpenAIServer, client: AsyncOpenAI, store: Session
) -> None:
    session = OpenAIResponsesCompactionSession(
        "chat", store, client=client, compaction_mode="input"
    )
    history = [user("a"), {"role": "assistant", "content": "b"}]
    await session.add_items(history)
    hold = server.hold_compactions()
    with anyio.move_on_after(30) as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(session.run_compaction, FORCE)
            await hold.arrived.wait()
            tg.cancel_scope.cancel()  # mid-request
    assert not scope.cancelled_caught
    hold.release.set()
    assert await store.get_items() == history
    # Nothing is left half done: compaction works again afterwards.
    await session.run_compaction({"force": True})
    assert (await store.get_items())[-1]["type"] == "compaction"


async def test_a_write_during_compaction_is_never_overwritten(
    server: FakeOpenAIServer, client: AsyncOpenAI, store: Session
) -> None:
    session = OpenAIResponsesCompactionSession(
        "chat", store, client=client, compaction_mode="input"
    )
    await session.add_items([user("a"), {"role": "assistant", "content": "b"}])

    def compact_while_someone_writes(body: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"type": "compaction", "id": "cmp", "encrypted_content": "x"}]

    server.enqueue_compaction(compact_while_someone_writes)
    hold = server.hold_compactions()
    async with anyio.create_task_group() as tg:
        tg.start_soon(session.run_compaction, FORCE)
        await hold.arrived.wait()
        await store.add_items([user("written meanwhile")])  # another writer, same store
        hold.release.set()
    stored = await store.get_items()
    assert stored[-1] == user("written meanwhile")
    assert len(stored) == 3  # the stale replacement was refused


async def test_with_a_limit_only_the_model_visible_suffix_is_compacted(
    server: FakeOpenAIServer, client: AsyncOpenAI, tmp_path: Path
) -> None:
    async with SQLiteSession("chat", tmp_path / "c.db", session_settings={"limit": 4}) as store:
        session = OpenAIResponsesCompactionSession(
            "chat", store, client=client, should_trigger_compaction=lambda context: True
        )
        old = [user("old 1"), {"role": "assistant", "content": "x"}]
        recent = [user("new"), {"role": "assistant", "content": "y"}, user("newer")]
        await store.add_items([*old, *recent])
        await session.run_compaction({"response_id": "resp_1"})
        (request,) = compact_requests(server)
        assert request["input"] == recent  # input mode: the response saw only the window
        stored = await store.get_items(limit=100)
        assert stored[:2] == old
        assert stored[2:4] == [user("new"), user("newer")]
        assert stored[4]["type"] == "compaction"


async def test_a_session_without_atomic_replace_is_restored_when_compaction_fails(
    server: FakeOpenAIServer, client: AsyncOpenAI
) -> None:
    class FourMethodSession:
        """A user's session: only the protocol's four methods, and adding fails once."""

        session_id = "s"
        session_settings: SessionSettings | None = None

        def __init__(self) -> None:
            self.items: list[dict[str, Any]] = []
            self.fail_next_add = False

        async def get_items(self, limit: int | None = None) -> list[dict[str, Any]]:
            return list(self.items if limit is None else self.items[-limit:])

        async def add_items(self, items: list[dict[str, Any]]) -> None:
            if self.fail_next_add:
                self.fail_next_add = False
                raise OSError("disk full")
            self.items.extend(items)

        async def pop_item(self) -> dict[str, Any] | None:
            return self.items.pop() if self.items else None

        async def clear_session(self) -> None:
            self.items.clear()

    store = FourMethodSession()
    session = OpenAIResponsesCompactionSession("s", store, client=client, compaction_mode="input")
    history = [user("a"), {"role": "assistant", "content": "b"}]
    await session.add_items(history)
    store.fail_next_add = True
    with pytest.raises(OSError, match="disk full"):
        await session.run_compaction({"force": True})
    assert store.items == history
    await session.run_compaction({"force": True})
    assert store.items[0] == user("a")
    assert store.items[-1]["type"] == "compaction"


async def test_a_failed_compaction_request_keeps_the_history(
    server: FakeOpenAIServer, client: AsyncOpenAI, store: Session
) -> None:
    def fail(body: dict[str, Any]) -> list[dict[str, Any]]:
        raise RuntimeError("compaction backend down")

    server.enqueue_compaction(fail)
    session = OpenAIResponsesCompactionSession(
        "chat", store, client=client, compaction_mode="input"
    )
    await session.add_items([user("a")])
    with pytest.raises(ModelProviderError) as caught:
        await session.run_compaction({"force": True})
    assert caught.value.status_code == 500
    assert await store.get_items() == [user("a")]


def test_misuse_is_a_user_error(tmp_path: Path) -> None:
    store = MemorySession()
    with pytest.raises(UserError, match="cannot wrap"):
        OpenAIResponsesCompactionSession("s", OpenAIConversationsSession(conversation_id="c"))
    with pytest.raises(UserError, match="OpenAI model"):
        OpenAIResponsesCompactionSession("s", store, model="claude-3")
    with pytest.raises(UserError, match="max_rollback_items"):
        OpenAIResponsesCompactionSession("s", store, max_rollback_items=0)


async def test_max_rollback_items_refuses_a_larger_history(
    server: FakeOpenAIServer, client: AsyncOpenAI
) -> None:
    store = MemorySession()
    session = OpenAIResponsesCompactionSession("s", store, client=client, max_rollback_items=2)
    await store.add_items([user("a"), user("b"), user("c")])
    with pytest.raises(UserError, match="max_rollback_items=2"):
        await session.run_compaction({"force": True, "compaction_mode": "input"})
    assert compact_requests(server) == []
    assert len(await store.get_items()) == 3


# keep_turns: a local window of whole turns


async def test_keep_turns_shows_the_model_only_the_newest_whole_turns(store: Session) -> None:
    agent = Agent(name="a", model=ScriptedModel(tool_run_script(1)), tools=[lookup])
    await Runner.run(agent, "turn 1", session=store)
    await Runner.run(
        Agent(name="a", model=ScriptedModel(tool_run_script(1)), tools=[lookup]),
        "turn 2",
        session=store,
    )
    model = ScriptedModel(["three"])
    config_settings = SessionSettings(keep_turns=1)
    from structagents import RunConfig

    await Runner.run(
        Agent(name="a", model=model),
        "turn 3",
        session=store,
        run_config=RunConfig(session_settings=config_settings),
    )
    seen = model.calls[0].input
    assert seen[0] == user("turn 2")  # the whole of turn 2: input, call, output, answer
    assert [item.get("type", "message") for item in seen] == [
        "message",
        "function_call",
        "function_call_output",
        "message",
        "message",
    ]
    assert len(await store.get_items()) == 4 + 4 + 2  # storage keeps every turn
