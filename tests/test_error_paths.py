"""Error paths at the edges of a run (issue #16): errors keep their identity and cause when
streamed, BaseExceptions are never wrapped in groups, bad input is refused before anything
runs or is stored, `cancel()` works before the stream is entered."""

from __future__ import annotations

import traceback
from typing import Any

import anyio
import pytest

from structagents import (
    Agent,
    AgentsException,
    MemorySession,
    RunConfig,
    Runner,
    SessionSettings,
    SessionWriteTimeoutError,
    UserError,
    function_tool,
    open_run,
)
from structagents.testing import ScriptedModel, function_call


class ToolFailure(Exception):
    pass


class Abort(BaseException):
    """A BaseException that is neither KeyboardInterrupt nor SystemExit."""


async def run_to_end(agent: Agent[Any], input: Any, *, streamed: bool, **kwargs: Any) -> Any:
    """Run `agent` with `Runner.run`, or streamed, reading every event."""
    if not streamed:
        return await Runner.run(agent, input, **kwargs)
    async with open_run(agent, input, **kwargs) as stream:
        async for _ in stream:
            pass
    return stream.result


def failing_agent(raised: list[BaseException], make: Any) -> Agent[Any]:
    def fail() -> str:
        try:
            raise KeyError("the real cause")
        except KeyError as cause:
            error = make()
            raised.append(error)
            raise error from cause

    tool = function_tool(fail, name_override="fail", failure_error_function=None)
    model = ScriptedModel([[function_call("fail", {}, call_id="c1")], "never"])
    return Agent(name="a", model=model, tools=[tool])


@pytest.mark.parametrize("streamed", [False, True], ids=["run", "streamed"])
async def test_a_tool_error_keeps_identity_cause_and_traceback(streamed: bool) -> None:
    raised: list[BaseException] = []
    agent = failing_agent(raised, lambda: ToolFailure("tool broke"))

    with pytest.raises(ToolFailure) as info:
        await run_to_end(agent, "hi", streamed=streamed)

    assert info.value is raised[0]
    assert isinstance(info.value.__cause__, KeyError)
    assert info.value.__cause__.args == ("the real cause",)
    assert not info.value.__suppress_context__ or info.value.__cause__ is not None
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert "fail" in frames  # the tool's own frame is still in the traceback


@pytest.mark.parametrize("streamed", [False, True], ids=["run", "streamed"])
async def test_a_base_exception_from_a_tool_is_not_wrapped_in_a_group(streamed: bool) -> None:
    raised: list[BaseException] = []
    agent = failing_agent(raised, lambda: Abort("stop everything"))

    with pytest.raises(Abort) as info:
        await run_to_end(agent, "hi", streamed=streamed)

    assert info.value is raised[0]
    assert isinstance(info.value.__cause__, KeyError)


@pytest.mark.parametrize("streamed", [False, True], ids=["run", "streamed"])
async def test_a_base_exception_wins_over_a_sibling_tool_error(streamed: bool) -> None:
    urgent_raising = anyio.Event()

    @function_tool(failure_error_function=None)
    async def ordinary() -> str:
        with anyio.CancelScope(shield=True):  # fails too, after its sibling did
            await urgent_raising.wait()
        raise ToolFailure("ordinary")

    @function_tool(failure_error_function=None)
    async def urgent() -> str:
        urgent_raising.set()
        raise Abort("urgent")

    calls = [function_call("ordinary", {}, call_id="c1"), function_call("urgent", {}, call_id="c2")]
    agent = Agent(name="a", model=ScriptedModel([calls]), tools=[ordinary, urgent])
    with pytest.raises(Abort):  # though the ordinary error comes from the earlier call
        await run_to_end(agent, "hi", streamed=streamed)


class SlowWriteSession(MemorySession):
    async def add_items(self, items: list[dict[str, Any]]) -> None:
        await anyio.sleep(60)
        await super().add_items(items)


@function_tool
def lookup(key: str) -> str:
    return f"value of {key}"


@pytest.mark.parametrize("streamed", [False, True], ids=["run", "streamed"])
async def test_a_slow_session_write_is_an_agents_timeout_error_with_run_data(
    streamed: bool,
) -> None:
    session = SlowWriteSession("slow")
    model = ScriptedModel([[function_call("lookup", {"key": "a"}, call_id="c1")], "done"])
    agent = Agent(name="a", model=model, tools=[lookup])
    config = RunConfig(session_write_timeout=0.05)

    with pytest.raises(TimeoutError) as info:
        await run_to_end(agent, "hi", streamed=streamed, session=session, run_config=config)

    error = info.value
    assert isinstance(error, SessionWriteTimeoutError)
    assert isinstance(error, AgentsException)
    assert (error.session_id, error.timeout_seconds) == ("slow", 0.05)
    assert error.run_data is not None
    assert [item.type for item in error.run_data.new_items] == [
        "tool_call_item",
        "tool_call_output_item",
    ]
    assert await session.get_items() == []


class CountingSession(MemorySession):
    def __init__(self) -> None:
        super().__init__("counted")
        self.reads = 0

    async def get_items(self, limit: int | None = None) -> list[dict[str, Any]]:
        self.reads += 1
        return await super().get_items(limit)


@pytest.mark.parametrize("streamed", [False, True], ids=["run", "streamed"])
@pytest.mark.parametrize(
    ("bad_input", "named"),
    [
        ([1, 2], "input item 0 is 1 (int)"),
        ([None], "input item 0 is None"),
        ([{"role": "user", "content": "hi"}, "text"], "input item 1 is 'text' (str)"),
        ([{"content": "no role"}], "input item 0 ({'content': 'no role'}) has neither"),
    ],
)
async def test_malformed_input_items_are_refused_before_anything_runs(
    streamed: bool, bad_input: list[Any], named: str
) -> None:
    model = ScriptedModel(["never"])
    session = CountingSession()
    agent = Agent(name="a", model=model)

    with pytest.raises(UserError, match=named.replace("(", r"\(").replace(")", r"\)")):
        await run_to_end(agent, bad_input, streamed=streamed, session=session)

    assert len(model.calls) == 0
    assert session.reads == 0
    assert await session.get_items() == []
    # the next run with a history limit works
    ok = ScriptedModel(["fine"])
    again = await Runner.run(
        Agent(name="a", model=ok),
        "hi",
        session=session,
        run_config=RunConfig(session_settings=SessionSettings(limit=5)),
    )
    assert again.final_output == "fine"


@pytest.mark.parametrize("streamed", [False, True], ids=["run", "streamed"])
async def test_a_non_json_input_item_with_a_session_is_refused_before_turn_one(
    streamed: bool,
) -> None:
    ran: list[str] = []

    @function_tool
    def side_effect() -> str:
        ran.append("tool")
        return "done"

    model = ScriptedModel([[function_call("side_effect", {}, call_id="c1")], "ok"])
    agent = Agent(name="a", model=model, tools=[side_effect])
    session = MemorySession("s")
    bad = [{"role": "user", "content": "hi", "when": object()}]

    with pytest.raises(UserError, match="input item 0 is not JSON-serialisable"):
        await run_to_end(agent, bad, streamed=streamed, session=session)

    assert ran == []
    assert len(model.calls) == 0
    assert await session.get_items() == []


def test_non_json_input_without_a_session_is_not_checked_for_json() -> None:
    # Without a session nothing is stored, so only the item shape is checked.
    model = ScriptedModel(["ok"])
    result = Runner.run_sync(
        Agent(name="a", model=model), [{"role": "user", "content": "hi", "extra": object()}]
    )
    assert result.final_output == "ok"


@pytest.mark.parametrize("output_type", [[int], {"a": int}, "int", 3])
def test_an_output_type_that_is_not_a_type_is_a_user_error(output_type: Any) -> None:
    with pytest.raises(UserError, match="output_type must be a type"):
        Agent(name="a", output_type=output_type)


@pytest.mark.parametrize("output_type", [list[int], int | None, dict[str, int], int])
def test_output_types_that_are_types_are_accepted(output_type: Any) -> None:
    assert Agent(name="a", output_type=output_type).output_type == output_type


@pytest.mark.parametrize("mode", ["immediate", "after_turn"])
async def test_cancel_before_the_block_is_entered_stops_the_run(mode: Any) -> None:
    model = ScriptedModel([[function_call("lookup", {"key": "a"}, call_id="c1")], "done"])
    agent = Agent(name="a", model=model, tools=[lookup])
    stream = Runner.run_streamed(agent, "hi")
    stream.cancel(mode)
    async with stream:
        events = [event async for event in stream.stream_events()]

    assert len(model.calls) == 0
    assert events == [] or [type(e).__name__ for e in events] == ["AgentUpdatedStreamEvent"]
    assert stream.is_complete
    assert stream.result.final_output is None
    assert stream.result.new_items == []
