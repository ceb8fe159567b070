"""Runs with a session: history in, complete turns out, under cancellation and concurrency.

SQLite works in worker threads and session writes have a deadline, so trio runs with its real
clock here (an autojumping mock clock would jump to the deadline while a thread works).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import pytest

from structagents import (
    Agent,
    GuardrailFunctionOutput,
    InputGuardrailTripwireTriggered,
    MemorySession,
    OutputGuardrailTripwireTriggered,
    RunConfig,
    RunContextWrapper,
    RunItemStreamEvent,
    Runner,
    Session,
    SessionSettings,
    SQLiteSession,
    UserError,
    function_tool,
    input_guardrail,
    open_run,
    output_guardrail,
)
from structagents.testing import ScriptedModel, assistant_message, function_call


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def session(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Session]:
    if request.param == "memory":
        yield MemorySession("chat")
        return
    if request.param == "redis":
        from structagents.sessions.redis import RedisSession

        url = request.getfixturevalue("redis_url")
        async with RedisSession.from_url("chat", url=url, key_prefix=tmp_path.name) as redis:
            yield redis
        return
    async with SQLiteSession("chat", tmp_path / "chat.db") as sqlite_session:
        yield sqlite_session


@function_tool
def lookup(key: str) -> str:
    return f"value of {key}"


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


async def test_a_conversation_is_remembered_across_runs(session: Session) -> None:
    model = ScriptedModel(["Nice to meet you, Ada.", "Your name is Ada."])
    agent = Agent(name="a", model=model)

    first = await Runner.run(agent, "My name is Ada.", session=session)
    assert await session.get_items() == first.to_input_list()

    second = await Runner.run(agent, "What is my name?", session=session)
    assert model.calls[1].input == [*first.to_input_list(), user("What is my name?")]
    assert second.final_output == "Your name is Ada."
    stored = await session.get_items()
    assert stored == second.to_input_list()
    assert [item.get("role") for item in stored] == ["user", "assistant", "user", "assistant"]


async def test_each_completed_turn_is_written_as_it_completes(session: Session) -> None:
    written: list[int] = []

    @function_tool
    async def check_store(key: str) -> str:
        written.append(len(await session.get_items()))
        return "ok"

    model = ScriptedModel(
        [
            [function_call("check_store", {"key": "a"}, call_id="c1")],
            [function_call("check_store", {"key": "b"}, call_id="c2")],
            "done",
        ]
    )
    await Runner.run(Agent(name="a", model=model, tools=[check_store]), "go", session=session)
    # Nothing before the first turn completes; then input + call + output of turn 1.
    assert written == [0, 3]
    assert len(await session.get_items()) == 6


async def test_cancelling_during_a_tool_keeps_only_complete_turns(session: Session) -> None:
    started = anyio.Event()

    @function_tool
    async def slow(key: str) -> str:
        started.set()
        await anyio.sleep_forever()
        return "never"

    model = ScriptedModel(
        [
            [function_call("lookup", {"key": "a"}, call_id="c1")],
            [function_call("slow", {"key": "b"}, call_id="c2")],
        ]
    )
    agent = Agent(name="a", model=model, tools=[lookup, slow])
    async with anyio.create_task_group() as tg:

        async def run() -> None:
            await Runner.run(agent, "go", session=session)

        tg.start_soon(run)
        await started.wait()
        tg.cancel_scope.cancel()

    stored = await session.get_items()
    assert [item.get("type", item.get("role")) for item in stored] == [
        "user",
        "function_call",
        "function_call_output",
    ]

    # The conversation continues without repair: every call has its output.
    follow_up = ScriptedModel(["resumed"])
    result = await Runner.run(Agent(name="a", model=follow_up), "again?", session=session)
    assert result.final_output == "resumed"
    assert follow_up.calls[0].input == [*stored, user("again?")]


async def test_a_tripped_input_guardrail_writes_nothing(session: Session) -> None:
    @input_guardrail
    def block(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=True)

    agent = Agent(name="a", model=ScriptedModel(["x"]), input_guardrails=[block])
    with pytest.raises(InputGuardrailTripwireTriggered):
        await Runner.run(agent, "bad", session=session)
    assert await session.get_items() == []


async def test_a_rejected_final_answer_is_not_written(session: Session) -> None:
    @output_guardrail
    def reject(ctx: RunContextWrapper[Any], agent: Agent[Any], output: Any) -> Any:
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=True)

    model = ScriptedModel([[function_call("lookup", {"key": "a"}, call_id="c1")], "leaky answer"])
    agent = Agent(name="a", model=model, tools=[lookup], output_guardrails=[reject])
    with pytest.raises(OutputGuardrailTripwireTriggered):
        await Runner.run(agent, "go", session=session)
    stored = await session.get_items()
    assert [item.get("type", item.get("role")) for item in stored] == [
        "user",
        "function_call",
        "function_call_output",
    ]


async def test_after_turn_cancel_in_a_stream_persists_the_finished_turn(session: Session) -> None:
    model = ScriptedModel([[function_call("lookup", {"key": "a"}, call_id="c1")], "never"])
    agent = Agent(name="a", model=model, tools=[lookup])
    async with open_run(agent, "go", session=session) as stream:
        async for event in stream:
            if isinstance(event, RunItemStreamEvent) and event.name == "tool_called":
                stream.cancel(mode="after_turn")
    assert await session.get_items() == stream.result.to_input_list()
    assert len(await session.get_items()) == 3


async def test_session_settings_limit_what_the_model_sees(session: Session) -> None:
    await session.add_items([user("one"), assistant_message("two"), user("three")])
    model = ScriptedModel(["ok", "ok"])
    agent = Agent(name="a", model=model)
    await Runner.run(
        agent,
        "four",
        session=session,
        run_config=RunConfig(session_settings=SessionSettings(limit=2)),
    )
    assert model.calls[0].input == [assistant_message("two"), user("three"), user("four")]
    # Everything is still stored.
    assert len(await session.get_items()) == 5


async def test_session_input_callback_combines_history_and_input(session: Session) -> None:
    await session.add_items([user("old question"), assistant_message("old answer")])

    async def last_answer_only(
        history: list[dict[str, Any]], new_input: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        return [*history[-1:], *new_input]

    model = ScriptedModel(["ok"])
    await Runner.run(
        Agent(name="a", model=model),
        "new question",
        session=session,
        run_config=RunConfig(session_input_callback=last_answer_only),
    )
    assert model.calls[0].input == [assistant_message("old answer"), user("new question")]
    stored = await session.get_items()
    assert stored[2:] == [user("new question"), assistant_message("ok")]


async def test_pop_item_supports_correcting_the_last_exchange(session: Session) -> None:
    model = ScriptedModel(["Paris is in Germany.", "Paris is in France."])
    agent = Agent(name="a", model=model)
    await Runner.run(agent, "Where is Paris?", session=session)
    assert (await session.pop_item()) == assistant_message("Paris is in Germany.")
    assert (await session.pop_item()) == user("Where is Paris?")
    result = await Runner.run(agent, "Where is Paris, really?", session=session)
    assert model.calls[1].input == [user("Where is Paris, really?")]
    assert await session.get_items() == result.to_input_list()


async def test_session_and_server_side_state_are_exclusive(session: Session) -> None:
    with pytest.raises(UserError, match="not both"):
        await Runner.run(
            Agent(name="a", model=ScriptedModel([])),
            "x",
            session=session,
            previous_response_id="resp_1",
        )


async def test_twenty_concurrent_runs_on_one_file_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"

    async def one_run(index: int) -> None:
        model = ScriptedModel(
            [[function_call("lookup", {"key": str(index)}, call_id=f"c{index}")], f"answer {index}"]
        )
        async with SQLiteSession("shared", path) as session:
            agent = Agent(name="a", model=model, tools=[lookup])
            await Runner.run(agent, f"question {index}", session=session)

    async with anyio.create_task_group() as tg:
        for index in range(20):
            tg.start_soon(one_run, index)

    async with SQLiteSession("shared", path) as session:
        stored = await session.get_items()
    assert len(stored) == 20 * 4
    # Each run's first turn (input, call, output) is one contiguous write.
    for index in range(20):
        start = stored.index(user(f"question {index}"))
        assert stored[start + 1]["call_id"] == f"c{index}"
        assert stored[start + 2] == {
            "type": "function_call_output",
            "call_id": f"c{index}",
            "output": f"value of {index}",
        }


async def test_a_limit_never_hands_the_model_a_cut_off_tool_output(session: Session) -> None:
    await session.add_items(
        [
            user("weather?"),
            function_call("lookup", {"key": "w"}, call_id="c1"),
            {"type": "function_call_output", "call_id": "c1", "output": "sunny"},
            assistant_message("It is sunny."),
        ]
    )
    model = ScriptedModel(["ok"])
    config = RunConfig(session_settings=SessionSettings(limit=2))
    await Runner.run(
        Agent(name="a", model=model), "and tomorrow?", session=session, run_config=config
    )
    # The window of 2 began with the output of a call outside it: that output is left out.
    assert model.calls[0].input == [assistant_message("It is sunny."), user("and tomorrow?")]


class ListSession:
    """A session written by a user: just the four methods of the protocol."""

    session_id = "mine"

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    async def get_items(self, limit: int | None = None) -> list[dict[str, Any]]:
        return list(self.items if limit is None else self.items[-limit:])

    async def add_items(self, items: list[dict[str, Any]]) -> None:
        self.items.extend(items)

    async def pop_item(self) -> dict[str, Any] | None:
        return self.items.pop() if self.items else None

    async def clear_session(self) -> None:
        self.items.clear()


async def test_a_session_with_only_the_four_methods_works() -> None:
    session = ListSession()
    await Runner.run(Agent(name="a", model=ScriptedModel(["hello"])), "hi", session=session)  # type: ignore[arg-type]
    assert session.items == [user("hi"), assistant_message("hello")]


async def test_a_limit_drops_every_output_whose_call_it_cut_off(session: Session) -> None:
    await session.add_items(
        [
            user("two lookups"),
            function_call("lookup", {"key": "a"}, call_id="c1"),
            function_call("lookup", {"key": "b"}, call_id="c2"),
            {"type": "function_call_output", "call_id": "c1", "output": "a"},
            {"type": "function_call_output", "call_id": "c2", "output": "b"},
            assistant_message("done"),
        ]
    )
    model = ScriptedModel(["ok"])
    config = RunConfig(session_settings=SessionSettings(limit=4))
    await Runner.run(Agent(name="a", model=model), "again", session=session, run_config=config)
    assert [item.get("call_id") for item in model.calls[0].input] == [
        "c2",
        "c2",
        None,
        None,
    ]


class SlowWriteSession(MemorySession):
    def __init__(self) -> None:
        super().__init__("slow")
        self.writing = anyio.Event()

    async def add_items(self, items: list[dict[str, Any]]) -> None:
        self.writing.set()
        await anyio.sleep(60)
        await super().add_items(items)


async def test_cancelling_during_a_slow_session_write_stays_cancellation() -> None:
    session = SlowWriteSession()
    model = ScriptedModel([[function_call("lookup", {"key": "a"}, call_id="c1")], "done"])
    agent = Agent(name="a", model=model, tools=[lookup])
    config = RunConfig(session_write_timeout=0.2)
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(partial(Runner.run, agent, "hi", session=session, run_config=config))
            await session.writing.wait()
            scope.cancel()
    assert scope.cancelled_caught
    assert await session.get_items() == []


async def test_a_session_write_past_its_deadline_is_a_timeout_error() -> None:
    session = SlowWriteSession()
    model = ScriptedModel([[function_call("lookup", {"key": "a"}, call_id="c1")], "done"])
    agent = Agent(name="a", model=model, tools=[lookup])
    with pytest.raises(TimeoutError, match="session_write_timeout"):
        await Runner.run(
            agent, "hi", session=session, run_config=RunConfig(session_write_timeout=0.05)
        )
