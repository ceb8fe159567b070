"""The guarantees of a run as a task group: tripwires, cancellation, ordering, limits."""

from __future__ import annotations

from typing import Any

import anyio
import anyio.lowlevel
import pytest

from structagents import (
    Agent,
    GuardrailFunctionOutput,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    ModelBehaviorError,
    RunConfig,
    RunContextWrapper,
    Runner,
    RunTimeoutError,
    ToolCallOutputItem,
    ToolTimeoutError,
    function_tool,
    input_guardrail,
)
from structagents.testing import ModelStep, ScriptedModel, function_call


class ToolProbe:
    """Counts tool starts and cleanups, and lets a test hold tools open."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self.cleaned_up: list[str] = []
        self.release = anyio.Event()
        self.all_started = anyio.Event()
        self.expected = 1

    def make_tool(self, name: str = "work") -> Any:
        probe = self

        @function_tool(name_override=name)
        async def work(label: str) -> str:
            probe.started.append(label)
            if len(probe.started) == probe.expected:
                probe.all_started.set()
            try:
                await probe.release.wait()
                probe.finished.append(label)
                return f"done {label}"
            finally:
                probe.cleaned_up.append(label)

        return work


def tripwire_guardrail(gate: anyio.Event | None = None, *, trip: bool = True) -> Any:
    @input_guardrail
    async def check(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
        if gate is not None:
            await gate.wait()
        return GuardrailFunctionOutput(output_info={"checked": input}, tripwire_triggered=trip)

    return check


async def test_tripwire_cancels_slow_model_call_and_no_tool_starts() -> None:
    probe = ToolProbe()
    never = anyio.Event()
    model = ScriptedModel(
        [ModelStep(output=[function_call("work", {"label": "a"}, call_id="c1")], wait_for=never)]
    )
    agent = Agent(
        name="a", model=model, tools=[probe.make_tool()], input_guardrails=[tripwire_guardrail()]
    )

    with pytest.raises(InputGuardrailTripwireTriggered) as info:
        await Runner.run(agent, "hello")

    assert len(model.calls) == 1  # the model call was in flight, then cancelled
    assert probe.started == []
    assert info.value.guardrail_result.output.output_info == {"checked": "hello"}
    assert info.value.run_data is not None
    assert info.value.run_data.raw_responses == []


async def test_first_turn_tools_wait_for_every_guardrail() -> None:
    probe = ToolProbe()
    gate = anyio.Event()
    model = ScriptedModel([[function_call("work", {"label": "a"}, call_id="c1")]])
    agent = Agent(
        name="a",
        model=model,
        tools=[probe.make_tool()],
        input_guardrails=[tripwire_guardrail(gate)],
    )
    outcome: list[BaseException] = []

    async def run() -> None:
        try:
            await Runner.run(agent, "hello")
        except InputGuardrailTripwireTriggered as exc:
            outcome.append(exc)

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        # The model has answered with a tool call; the guardrail has not decided yet.
        while not model.calls:
            await anyio.lowlevel.checkpoint()
        for _ in range(50):
            await anyio.lowlevel.checkpoint()
        assert probe.started == []
        gate.set()

    assert len(outcome) == 1
    assert probe.started == []


async def test_passing_guardrails_let_the_run_continue() -> None:
    probe = ToolProbe()
    probe.release.set()
    model = ScriptedModel([[function_call("work", {"label": "a"}, call_id="c1")], "finished"])
    agent = Agent(
        name="a",
        model=model,
        tools=[probe.make_tool()],
        input_guardrails=[tripwire_guardrail(trip=False)],
    )
    result = await Runner.run(agent, "hello")
    assert result.final_output == "finished"
    assert probe.finished == ["a"]
    assert [r.output.tripwire_triggered for r in result.input_guardrail_results] == [False]


async def test_blocking_guardrail_finishes_before_the_model_is_called() -> None:
    model = ScriptedModel(["never sent"])
    seen_calls: list[int] = []

    @input_guardrail(run_in_parallel=False)
    async def blocking(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
        await anyio.sleep(0.01)
        seen_calls.append(len(model.calls))
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=True)

    agent = Agent(name="a", model=model, input_guardrails=[blocking])
    with pytest.raises(InputGuardrailTripwireTriggered):
        await Runner.run(agent, "hello")
    assert seen_calls == [0]
    assert model.calls == ()


async def test_only_starting_agent_and_run_config_guardrails_run_on_first_turn() -> None:
    ran: list[str] = []

    def named(label: str) -> Any:
        @input_guardrail(name=label)
        def check(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
            ran.append(label)
            return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)

        return check

    model = ScriptedModel(["hi"])
    agent = Agent(name="a", model=model, input_guardrails=[named("agent")])
    result = await Runner.run(agent, "x", run_config=RunConfig(input_guardrails=[named("config")]))
    assert sorted(ran) == ["agent", "config"]
    names = [r.guardrail.get_name() for r in result.input_guardrail_results]
    assert sorted(names) == ["agent", "config"]  # in the order they finished


async def test_guardrail_error_is_raised_unwrapped() -> None:
    @input_guardrail
    async def broken(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
        raise LookupError("guardrail failed")

    agent = Agent(name="a", model=ScriptedModel(["hi"]), input_guardrails=[broken])
    with pytest.raises(LookupError, match="guardrail failed"):
        await Runner.run(agent, "x")


async def test_tripwire_that_already_fired_wins_over_a_later_model_error() -> None:
    tripped = anyio.Event()
    model = ScriptedModel([ModelStep(error=ConnectionError("model down"), wait_for=tripped)])

    @input_guardrail
    async def trip(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
        tripped.set()
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=True)

    agent = Agent(name="a", model=model, input_guardrails=[trip])
    with pytest.raises(InputGuardrailTripwireTriggered):
        await Runner.run(agent, "x")


async def test_caller_cancellation_mid_tool_leaves_nothing_running() -> None:
    probe = ToolProbe()
    probe.expected = 3
    calls = [function_call("work", {"label": str(i)}, call_id=f"c{i}") for i in range(3)]
    model = ScriptedModel([calls, "unreachable"])
    agent = Agent(name="a", model=model, tools=[probe.make_tool()])
    returned = anyio.Event()

    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:

            async def run() -> None:
                try:
                    await Runner.run(agent, "go")
                finally:
                    returned.set()

            tg.start_soon(run)
            await probe.all_started.wait()
            scope.cancel()

    assert scope.cancelled_caught
    assert returned.is_set()
    assert sorted(probe.cleaned_up) == ["0", "1", "2"]
    assert probe.finished == []
    # Nothing the run started is still around to act later.
    probe.release.set()
    for _ in range(20):
        await anyio.lowlevel.checkpoint()
    assert probe.finished == []
    assert len(model.calls) == 1


async def test_tool_results_keep_call_order_when_finishing_in_reverse() -> None:
    order: list[int] = []
    events = [anyio.Event() for _ in range(5)]

    @function_tool
    async def step(index: int) -> int:
        if index + 1 < len(events):
            await events[index + 1].wait()
        order.append(index)
        events[index].set()
        return index * 10

    calls = [function_call("step", {"index": i}, call_id=f"c{i}") for i in range(5)]
    model = ScriptedModel([calls, "done"])
    result = await Runner.run(Agent(name="a", model=model, tools=[step]), "go")

    assert order == [4, 3, 2, 1, 0]
    outputs = [item for item in result.new_items if isinstance(item, ToolCallOutputItem)]
    assert [item.output for item in outputs] == [0, 10, 20, 30, 40]
    sent = [item for item in model.calls[1].input if item.get("type") == "function_call_output"]
    assert [item["call_id"] for item in sent] == [f"c{i}" for i in range(5)]


async def test_tool_timeout_tells_the_model_and_the_run_completes() -> None:
    never = anyio.Event()
    cleaned = anyio.Event()

    @function_tool(timeout=0.05)
    async def stuck() -> str:
        try:
            await never.wait()
        finally:
            cleaned.set()
        return "unreachable"

    model = ScriptedModel([[function_call("stuck", {}, call_id="c1")], "gave up politely"])
    result = await Runner.run(Agent(name="a", model=model, tools=[stuck]), "go")

    assert result.final_output == "gave up politely"
    assert cleaned.is_set()
    sent = model.calls[1].input[-1]
    assert sent == {
        "type": "function_call_output",
        "call_id": "c1",
        "output": "Tool 'stuck' timed out after 0.05 seconds.",
    }


async def test_run_config_tool_timeout_and_raise_behaviour() -> None:
    never = anyio.Event()

    @function_tool(timeout_behavior="raise_exception")
    async def stuck() -> str:
        await never.wait()
        return "unreachable"

    model = ScriptedModel([[function_call("stuck", {}, call_id="c1")]])
    with pytest.raises(ToolTimeoutError) as info:
        await Runner.run(
            Agent(name="a", model=model, tools=[stuck]),
            "go",
            run_config=RunConfig(tool_timeout=0.05),
        )
    assert info.value.tool_name == "stuck"
    assert info.value.timeout_seconds == 0.05


async def test_max_turns_raises_after_exactly_n_model_calls() -> None:
    @function_tool
    def noop() -> str:
        return "ok"

    model = ScriptedModel([[function_call("noop", {}, call_id=f"c{i}")] for i in range(10)])
    with pytest.raises(MaxTurnsExceeded) as info:
        await Runner.run(Agent(name="a", model=model, tools=[noop]), "loop", max_turns=3)
    assert len(model.calls) == 3
    assert info.value.run_data is not None
    assert len(info.value.run_data.raw_responses) == 3
    assert len(info.value.run_data.new_items) == 6


async def test_run_timeout_cancels_everything_and_raises_timeout_error() -> None:
    probe = ToolProbe()
    model = ScriptedModel([[function_call("work", {"label": "a"}, call_id="c1")]])
    agent = Agent(name="a", model=model, tools=[probe.make_tool()])
    with pytest.raises(TimeoutError) as info:
        await Runner.run(agent, "go", run_config=RunConfig(run_timeout=0.05))
    assert isinstance(info.value, RunTimeoutError)
    assert probe.started == ["a"]
    assert probe.cleaned_up == ["a"]
    assert probe.finished == []


async def test_a_thousand_parallel_tool_calls_complete() -> None:
    @function_tool
    async def echo(n: int) -> int:
        return n

    calls = [function_call("echo", {"n": i}, call_id=f"c{i}") for i in range(1000)]
    model = ScriptedModel([calls, "all done"])
    result = await Runner.run(Agent(name="a", model=model, tools=[echo]), "go")
    outputs = [item.output for item in result.new_items if isinstance(item, ToolCallOutputItem)]
    assert outputs == list(range(1000))
    assert result.final_output == "all done"


async def test_max_concurrent_tools_bounds_concurrency() -> None:
    running = 0
    peak = 0

    @function_tool
    async def busy(n: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        for _ in range(3):
            await anyio.lowlevel.checkpoint()
        running -= 1
        return n

    calls = [function_call("busy", {"n": i}, call_id=f"c{i}") for i in range(20)]
    model = ScriptedModel([calls, "ok"])
    await Runner.run(
        Agent(name="a", model=model, tools=[busy]),
        "go",
        run_config=RunConfig(max_concurrent_tools=3),
    )
    assert peak == 3


async def test_tool_error_cancels_sibling_tools_and_is_raised_unwrapped() -> None:
    probe = ToolProbe()

    @function_tool(failure_error_function=None)
    async def fail() -> str:
        await probe.all_started.wait()
        raise ValueError("tool failed")

    calls = [
        function_call("work", {"label": "slow"}, call_id="c0"),
        function_call("fail", {}, call_id="c1"),
    ]
    agent = Agent(name="a", model=ScriptedModel([calls]), tools=[probe.make_tool(), fail])
    with pytest.raises(ValueError, match="tool failed"):
        await Runner.run(agent, "go")
    assert probe.cleaned_up == ["slow"]
    assert probe.finished == []


async def test_when_several_tools_fail_the_earliest_call_error_wins() -> None:
    both_running = anyio.Event()
    arrived = 0

    @function_tool(failure_error_function=None)
    async def fail(kind: str) -> str:
        nonlocal arrived
        # Shielded, so both calls fail even though the first failure cancels the phase.
        with anyio.CancelScope(shield=True):
            arrived += 1
            if arrived == 2:
                both_running.set()
            await both_running.wait()
        raise KeyError(kind) if kind == "late" else ValueError(kind)

    calls = [
        function_call("fail", {"kind": "early"}, call_id="c1"),
        function_call("fail", {"kind": "late"}, call_id="c2"),
    ]
    agent = Agent(name="a", model=ScriptedModel([calls]), tools=[fail])
    with pytest.raises(ValueError, match="early"):
        await Runner.run(agent, "go")


async def test_unknown_tool_is_a_model_behavior_error() -> None:
    model = ScriptedModel([[function_call("missing", {}, call_id="c1")]])
    with pytest.raises(ModelBehaviorError, match="missing"):
        await Runner.run(Agent(name="a", model=model), "go")


async def test_model_error_surfaces_unwrapped() -> None:
    model = ScriptedModel([ConnectionError("boom")])
    with pytest.raises(ConnectionError, match="boom"):
        await Runner.run(Agent(name="a", model=model), "go")


async def test_a_sync_tool_past_its_timeout_is_reported_as_timed_out() -> None:
    import threading

    release = threading.Event()

    @function_tool(timeout=0.05)
    def blocking() -> str:
        release.wait(5)  # a worker thread cannot be interrupted...
        return "finished anyway"

    async def release_later() -> None:
        await anyio.sleep(0.1)  # ...so it is let go once the deadline has passed
        release.set()

    model = ScriptedModel([[function_call("blocking", {}, call_id="c1")], "ok"])
    async with anyio.create_task_group() as tg:
        tg.start_soon(release_later)
        await Runner.run(Agent(name="a", model=model, tools=[blocking]), "go")
    assert model.calls[1].input[-1]["output"] == "Tool 'blocking' timed out after 0.05 seconds."
