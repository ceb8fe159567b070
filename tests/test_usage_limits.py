"""RunConfig.usage_limits: each limit trips at the exact request or tool call, is shared with
agent-tool runs, and cancels what is still running."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from structagents import (
    Agent,
    RunConfig,
    Runner,
    Usage,
    UsageLimitExceeded,
    UsageLimits,
    UserError,
    function_tool,
    open_run,
)
from structagents.testing import ModelCall, ModelStep, ScriptedModel, function_call

calls: list[str] = []
# Async tools (no worker threads), so trio's autojumping clock never jumps to `fail_after`.


@function_tool
async def ping(n: int) -> str:
    """Ping.

    Args:
        n: A number.
    """
    calls.append(f"ping {n}")
    return "pong"


def looping_model(per_turn: int = 1, usage: Usage | None = None) -> ScriptedModel:
    """Asks for `per_turn` ping calls on every turn, forever."""

    def reply(call: ModelCall) -> Any:
        turn = len(model.calls)
        return ModelStep(
            output=[
                function_call("ping", {"n": turn}, call_id=f"c{turn}_{i}") for i in range(per_turn)
            ],
            usage=usage or Usage(),
        )

    model = ScriptedModel([ModelStep.respond(reply) for _ in range(20)])
    return model


def limited(**limits: int) -> RunConfig:
    return RunConfig(usage_limits=UsageLimits(**limits))


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    calls.clear()


async def test_request_limit_trips_before_the_request_that_would_exceed_it() -> None:
    model = looping_model()
    agent = Agent(name="L", model=model, tools=[ping])
    with pytest.raises(UsageLimitExceeded, match="request_limit=2") as caught:
        await Runner.run(agent, "go", run_config=limited(request_limit=2), max_turns=10)
    assert len(model.calls) == 2
    assert caught.value.limit == "request_limit"
    assert caught.value.run_data is not None
    assert len(caught.value.run_data.raw_responses) == 2


async def test_tool_calls_limit_trips_before_the_turn_that_would_exceed_it() -> None:
    model = looping_model(per_turn=2)
    agent = Agent(name="L", model=model, tools=[ping])
    with pytest.raises(UsageLimitExceeded, match="tool_calls_limit=3") as caught:
        await Runner.run(agent, "go", run_config=limited(tool_calls_limit=3))
    assert calls == ["ping 1", "ping 1"]  # turn 2's two calls would be calls 3 and 4
    assert caught.value.limit == "tool_calls_limit"
    assert len(model.calls) == 2


@pytest.mark.parametrize(
    "limit", ["input_tokens_limit", "output_tokens_limit", "total_tokens_limit"]
)
async def test_token_limits_trip_after_the_response_that_went_over(limit: str) -> None:
    usage = Usage(requests=1, input_tokens=60, output_tokens=60, total_tokens=60)
    model = looping_model(usage=usage)
    agent = Agent(name="L", model=model, tools=[ping])
    with pytest.raises(UsageLimitExceeded, match=f"{limit}=100") as caught:
        await Runner.run(agent, "go", run_config=limited(**{limit: 100}))
    assert len(model.calls) == 2
    assert caught.value.value == 120
    assert calls == ["ping 1"]  # the second response's tool call was never made


async def test_limits_are_shared_with_agent_tool_runs_and_not_turned_into_tool_messages() -> None:
    inner_model = looping_model()
    inner = Agent(name="Inner", model=inner_model, tools=[ping])
    outer_model = ScriptedModel(
        [[function_call("ask_inner", {"input": "go"}, call_id="o1")], "unreachable"]
    )
    outer = Agent(name="Outer", model=outer_model, tools=[inner.as_tool("ask_inner", "Inner.")])
    with pytest.raises(UsageLimitExceeded, match="request_limit=3") as caught:
        await Runner.run(outer, "hi", run_config=limited(request_limit=3))
    assert (len(outer_model.calls), len(inner_model.calls)) == (1, 2)
    assert caught.value.run_data is not None
    assert caught.value.run_data.last_agent is outer


async def test_a_tripped_limit_cancels_the_tools_still_running() -> None:
    cancelled = anyio.Event()

    @function_tool
    async def wait_forever() -> str:
        """Wait."""
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.set()
        return "never"

    inner = Agent(name="Inner", model=looping_model(), tools=[ping])
    outer_model = ScriptedModel(
        [
            [
                function_call("wait_forever", {}, call_id="w"),
                function_call("ask_inner", {"input": "go"}, call_id="a"),
            ]
        ]
    )
    outer = Agent(
        name="Outer", model=outer_model, tools=[wait_forever, inner.as_tool("ask_inner", "I.")]
    )
    with anyio.fail_after(60), pytest.raises(UsageLimitExceeded):
        await Runner.run(outer, "hi", run_config=limited(request_limit=2))
    assert cancelled.is_set()


async def test_a_streamed_run_raises_the_limit_from_its_stream() -> None:
    agent = Agent(name="L", model=looping_model(), tools=[ping])
    with pytest.raises(UsageLimitExceeded):
        async with open_run(agent, "go", run_config=limited(request_limit=1)) as run:
            async for _ in run.stream_events():
                pass
    assert calls == ["ping 1"]


def test_limits_are_validated_and_accept_dicts() -> None:
    with pytest.raises(UserError, match="request_limit"):
        UsageLimits(request_limit=-1)
    config = RunConfig(usage_limits={"tool_calls_limit": 2})  # type: ignore[arg-type]
    assert config.usage_limits == UsageLimits(tool_calls_limit=2)


@pytest.mark.parametrize(
    ("limits", "inner_requests", "pinged"),
    [
        # the outer call to ask_inner is call 1, the inner run's first ping call 2
        ({"tool_calls_limit": 2}, 2, ["ping 1"]),
        # the outer response brought 60 tokens: the inner run's first one goes over
        ({"total_tokens_limit": 100}, 1, []),
    ],
)
async def test_tool_call_and_token_limits_count_the_agent_tool_runs_too(
    limits: dict[str, int], inner_requests: int, pinged: list[str]
) -> None:
    usage = Usage(requests=1, input_tokens=30, output_tokens=30, total_tokens=60)
    inner_model = looping_model(usage=usage)
    inner = Agent(name="Inner", model=inner_model, tools=[ping])
    outer_model = ScriptedModel(
        [ModelStep(output=[function_call("ask_inner", {"input": "go"}, call_id="o1")], usage=usage)]
    )
    outer = Agent(name="Outer", model=outer_model, tools=[inner.as_tool("ask_inner", "Inner.")])
    run_config: Any = {"usage_limits": limits}  # the dict form, as the reference accepts
    with pytest.raises(UsageLimitExceeded) as caught:
        await Runner.run(outer, "hi", run_config=run_config)
    assert caught.value.limit == next(iter(limits))
    assert len(inner_model.calls) == inner_requests
    assert calls == pinged
