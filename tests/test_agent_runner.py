"""`AgentRunner` behind `Runner`, `set_default_agent_runner`, and `RunOptions` as the carrier."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from typing_extensions import Unpack

from structagents import (
    Agent,
    AgentRunner,
    MemorySession,
    Runner,
    RunOptions,
    RunResult,
    RunResultStreaming,
    RunState,
    TResponseInputItem,
    get_default_agent_runner,
    set_default_agent_runner,
)
from structagents.testing import ScriptedModel


class RecordingRunner(AgentRunner):
    """Wraps every run, as an integration (e.g. a durable-execution runner) would."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []

    async def run(
        self,
        starting_agent: Agent[Any],
        input: str | list[TResponseInputItem] | RunState,
        **kwargs: Unpack[RunOptions[Any]],
    ) -> RunResult:
        self.seen.append(("run", dict(kwargs)))
        return await super().run(starting_agent, input, **kwargs)

    def run_streamed(
        self,
        starting_agent: Agent[Any],
        input: str | list[TResponseInputItem] | RunState,
        **kwargs: Unpack[RunOptions[Any]],
    ) -> RunResultStreaming:
        self.seen.append(("run_streamed", dict(kwargs)))
        return super().run_streamed(starting_agent, input, **kwargs)


@pytest.fixture
def recording() -> Iterator[RecordingRunner]:
    runner = RecordingRunner()
    set_default_agent_runner(runner)
    try:
        yield runner
    finally:
        set_default_agent_runner(None)


async def test_runner_delegates_to_the_default_agent_runner(recording: RecordingRunner) -> None:
    assert get_default_agent_runner() is recording
    session = MemorySession()
    agent = Agent(name="a", model=ScriptedModel(["one", "two"]))
    result = await Runner.run(agent, "hi", context={"user": 1}, max_turns=3, session=session)
    assert result.final_output == "one"
    async with Runner.run_streamed(agent, "again", session=session) as streamed:
        async for _ in streamed.stream_events():
            pass
    assert streamed.final_output == "two"
    assert [kind for kind, _ in recording.seen] == ["run", "run_streamed"]
    options = recording.seen[0][1]
    assert options["context"] == {"user": 1}
    assert options["max_turns"] == 3
    assert options["session"] is session
    assert set(options) == set(RunOptions.__annotations__)


def test_run_sync_goes_through_the_runner_s_run(recording: RecordingRunner) -> None:
    agent = Agent(name="a", model=ScriptedModel(["sync"]))
    assert Runner.run_sync(agent, "hi", backend="trio").final_output == "sync"
    assert [kind for kind, _ in recording.seen] == ["run"]


def test_none_restores_a_plain_agent_runner() -> None:
    set_default_agent_runner(RecordingRunner())
    set_default_agent_runner(None)
    assert type(get_default_agent_runner()) is AgentRunner


async def test_an_agent_runner_takes_run_options_directly() -> None:
    options: RunOptions[Any] = {"max_turns": 2, "context": "ctx"}
    agent = Agent(name="a", model=ScriptedModel(["direct"]))
    result = await AgentRunner().run(agent, "hi", **options)
    assert result.final_output == "direct"
    assert result.context_wrapper.context == "ctx"
