"""Streamed runs: event order, backpressure, early exit, errors, cancel modes, the gate."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from structagents import (
    Agent,
    AgentUpdatedStreamEvent,
    GuardrailFunctionOutput,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    Model,
    ModelResponse,
    RawResponsesStreamEvent,
    RunConfig,
    RunContextWrapper,
    RunItemStreamEvent,
    Runner,
    StreamEvent,
    ToolCallItem,
    ToolCallOutputItem,
    UserError,
    function_tool,
    input_guardrail,
    open_run,
)
from structagents.testing import ModelStep, ScriptedModel, assistant_message, function_call


def describe(event: StreamEvent) -> str:
    if isinstance(event, RawResponsesStreamEvent):
        return f"raw:{event.data_dict['type']}"
    if isinstance(event, RunItemStreamEvent):
        return f"item:{event.name}"
    return f"agent:{event.new_agent.name}"


class SlowTool:
    """A tool that signals when it starts and stays running until released."""

    def __init__(self) -> None:
        self.started = anyio.Event()
        self.release = anyio.Event()
        self.cleaned_up = False
        self.finished = False
        probe = self

        @function_tool
        async def slow(label: str) -> str:
            probe.started.set()
            try:
                await probe.release.wait()
                probe.finished = True
                return f"slow {label}"
            finally:
                probe.cleaned_up = True

        self.tool = slow


@function_tool
def shout(text: str) -> str:
    return text.upper()


async def test_event_order_for_a_tool_calling_run() -> None:
    model = ScriptedModel([[function_call("shout", {"text": "a"}, call_id="c1")], "Done now."])
    agent = Agent(name="helper", model=model, tools=[shout])
    async with open_run(agent, "go") as stream:
        events = [describe(event) async for event in stream]

    assert events == [
        "agent:helper",
        "raw:response.created",
        "raw:response.output_item.added",
        "raw:response.function_call_arguments.delta",
        "raw:response.function_call_arguments.done",
        "raw:response.output_item.done",
        "raw:response.completed",
        "item:tool_called",
        "item:tool_output",
        "raw:response.created",
        "raw:response.output_item.added",
        "raw:response.content_part.added",
        "raw:response.output_text.delta",
        "raw:response.output_text.delta",
        "raw:response.output_text.done",
        "raw:response.content_part.done",
        "raw:response.output_item.done",
        "raw:response.completed",
        "item:message_output_created",
    ]
    assert stream.is_complete
    assert stream.result.final_output == "Done now."
    assert stream.final_output == "Done now."
    assert stream.current_turn == 2
    assert stream.usage.requests == 2
    assert stream.to_input_list() == stream.result.to_input_list()


async def test_text_deltas_carry_the_text() -> None:
    model = ScriptedModel(["Hello there, traveller."])
    deltas: list[str] = []
    async with open_run(Agent(name="a", model=model), "hi") as stream:
        async for event in stream:
            if not isinstance(event, RawResponsesStreamEvent):
                continue
            if event.data_dict["type"] == "response.output_text.delta":
                deltas.append(event.data_dict["delta"])
    assert deltas == ["Hello ", "there, ", "traveller."]


async def test_run_streamed_is_the_reference_spelling() -> None:
    model = ScriptedModel([[function_call("shout", {"text": "x"}, call_id="c1")], "ok"])
    async with Runner.run_streamed(Agent(name="a", model=model, tools=[shout]), "hi") as result:
        names = [
            event.name
            async for event in result.stream_events()
            if isinstance(event, RunItemStreamEvent)
        ]
    assert names == ["tool_called", "tool_output", "message_output_created"]
    assert result.final_output == "ok"
    assert [type(i) for i in result.new_items][:2] == [ToolCallItem, ToolCallOutputItem]


async def test_using_a_streamed_run_without_entering_it_says_how() -> None:
    result = Runner.run_streamed(Agent(name="a", model=ScriptedModel(["x"])), "hi")
    with pytest.raises(UserError, match=r"async with Runner\.run_streamed"):
        result.stream_events()
    with pytest.raises(UserError, match="async with"):
        async for _ in result:
            pass
    with pytest.raises(UserError, match="not finished"):
        _ = result.result


class CountingModel(Model):
    """Streams `count` text deltas and counts how many it produced."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.produced = 0

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        raise AssertionError("streaming only")

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        for i in range(self.count):
            self.produced += 1
            yield {"type": "response.output_text.delta", "delta": f"{i} "}
        text = "".join(f"{i} " for i in range(self.count))
        self.produced += 1
        yield {
            "type": "response.completed",
            "response": {"id": "r1", "output": [assistant_message(text)], "usage": None},
        }


async def test_a_slow_reader_slows_the_run_and_memory_stays_bounded() -> None:
    model = CountingModel(count=200)
    config = RunConfig(stream_buffer_size=4)
    received = 0
    async with open_run(Agent(name="a", model=model), "hi", run_config=config) as stream:
        await anyio.wait_all_tasks_blocked()
        # Buffer (4) full of: the agent event + 3 deltas; the 4th delta waits to be sent.
        assert model.produced == 4
        async for _ in stream:
            received += 1
            if received == 10:
                await anyio.wait_all_tasks_blocked()
                assert model.produced <= 10 + 4
    assert received == 1 + 201 + 1  # agent, deltas + completed, message item
    assert stream.final_output.startswith("0 1 2")


async def test_breaking_out_cancels_the_run_and_nothing_is_left_running() -> None:
    probe = SlowTool()
    model = ScriptedModel([[function_call("slow", {"label": "x"}, call_id="c1")], "never"])
    agent = Agent(name="a", model=model, tools=[probe.tool])
    async with open_run(agent, "go") as stream:
        async for event in stream:
            if isinstance(event, RunItemStreamEvent) and event.name == "tool_called":
                await probe.started.wait()
                break
    assert probe.cleaned_up
    assert not probe.finished
    assert stream.is_complete
    probe.release.set()
    await anyio.wait_all_tasks_blocked()
    assert not probe.finished
    assert len(model.calls) == 1


async def test_leaving_after_the_first_event_cancels_the_run() -> None:
    never = anyio.Event()
    model = ScriptedModel([ModelStep(output=[assistant_message("x")], wait_for=never)])
    async with open_run(Agent(name="a", model=model), "go") as stream:
        first = await stream.__anext__()
    assert isinstance(first, AgentUpdatedStreamEvent)
    assert stream.is_complete
    assert stream.result.final_output is None
    assert len(model.calls) == 1


async def test_an_exception_in_the_block_cancels_the_run_and_propagates() -> None:
    probe = SlowTool()
    model = ScriptedModel([[function_call("slow", {"label": "x"}, call_id="c1")]])
    with pytest.raises(KeyError, match="reader failed"):
        async with open_run(Agent(name="a", model=model, tools=[probe.tool]), "go"):
            await probe.started.wait()
            raise KeyError("reader failed")
    assert probe.cleaned_up
    assert not probe.finished


async def test_cancelling_the_reader_cancels_the_run() -> None:
    probe = SlowTool()
    model = ScriptedModel([[function_call("slow", {"label": "x"}, call_id="c1")]])
    with anyio.CancelScope() as scope:
        async with open_run(Agent(name="a", model=model, tools=[probe.tool]), "go") as stream:
            async with anyio.create_task_group() as tg:

                async def cancel_once_the_tool_runs() -> None:
                    await probe.started.wait()
                    scope.cancel()

                tg.start_soon(cancel_once_the_tool_runs)
                async for _ in stream:
                    pass
    assert scope.cancelled_caught
    assert probe.cleaned_up
    assert not probe.finished


async def test_error_mid_stream_surfaces_from_the_loop() -> None:
    cut = ModelStep(output=[assistant_message("partial answer")], error=ConnectionError("cut"))
    seen: list[str] = []
    with pytest.raises(ConnectionError, match="cut"):
        async with open_run(Agent(name="a", model=ScriptedModel([cut])), "go") as stream:
            async for event in stream:
                seen.append(describe(event))
    assert "raw:response.output_text.delta" in seen
    assert "raw:response.completed" not in seen
    assert stream.is_complete


async def test_unread_run_error_is_raised_at_block_exit() -> None:
    model = ScriptedModel([ValueError("model broke")])
    with pytest.raises(ValueError, match="model broke"):
        async with open_run(Agent(name="a", model=model), "go") as stream:
            while not stream.is_complete:
                await anyio.wait_all_tasks_blocked()
                await anyio.lowlevel.checkpoint()


async def test_tripwire_and_max_turns_arrive_through_the_stream() -> None:
    @input_guardrail
    def trip(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=True)

    agent = Agent(name="a", model=ScriptedModel(["x"]), input_guardrails=[trip])
    with pytest.raises(InputGuardrailTripwireTriggered):
        async with open_run(agent, "go") as stream:
            async for _ in stream:
                pass

    looping = ScriptedModel(
        [[function_call("shout", {"text": "a"}, call_id=f"c{i}")] for i in range(3)]
    )
    with pytest.raises(MaxTurnsExceeded) as info:
        async with open_run(Agent(name="a", model=looping, tools=[shout]), "go", max_turns=2) as s:
            async for _ in s:
                pass
    assert info.value.run_data is not None
    assert len(info.value.run_data.raw_responses) == 2


async def test_after_turn_cancel_finishes_and_keeps_the_current_turn() -> None:
    probe = SlowTool()
    model = ScriptedModel([[function_call("slow", {"label": "x"}, call_id="c1")], "never asked"])
    agent = Agent(name="a", model=model, tools=[probe.tool])
    names: list[str] = []
    async with open_run(agent, "go") as stream:
        async for event in stream:
            if isinstance(event, RunItemStreamEvent):
                names.append(event.name)
                if event.name == "tool_called":
                    stream.cancel(mode="after_turn")
                    await probe.started.wait()
                    probe.release.set()
    assert probe.finished
    assert names == ["tool_called", "tool_output"]
    result = stream.result
    assert result.final_output is None
    assert [type(i) for i in result.new_items] == [ToolCallItem, ToolCallOutputItem]
    assert len(model.calls) == 1


async def test_immediate_cancel_stops_now_and_ends_the_stream_cleanly() -> None:
    probe = SlowTool()
    model = ScriptedModel([[function_call("slow", {"label": "x"}, call_id="c1")], "never"])
    async with open_run(Agent(name="a", model=model, tools=[probe.tool]), "go") as stream:
        async for _ in stream:
            if probe.started.is_set() or stream.current_turn:
                await probe.started.wait()
                stream.cancel()
    assert probe.cleaned_up
    assert not probe.finished
    assert stream.result.final_output is None
    assert len(model.calls) == 1
    with pytest.raises(UserError, match="cancel mode"):
        stream.cancel(mode="later")  # type: ignore[arg-type]


def gated_agent(gate: anyio.Event, *, trip: bool) -> Agent[Any]:
    @input_guardrail
    async def slow_check(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
        await gate.wait()
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=trip)

    model = ScriptedModel(["one two three four five six"])
    return Agent(name="a", model=model, input_guardrails=[slow_check])


async def test_gate_holds_raw_events_until_guardrails_pass() -> None:
    gate = anyio.Event()
    config = RunConfig(gate_stream_on_guardrails=True)
    seen: list[str] = []
    async with open_run(gated_agent(gate, trip=False), "hi", run_config=config) as stream:
        async with anyio.create_task_group() as tg:

            async def read() -> None:
                async for event in stream:
                    seen.append(describe(event))

            tg.start_soon(read)
            await anyio.wait_all_tasks_blocked()
            assert seen == ["agent:a"]
            gate.set()
    assert seen[1:4] == [
        "raw:response.created",
        "raw:response.output_item.added",
        "raw:response.content_part.added",
    ]
    assert seen.count("raw:response.output_text.delta") == 6
    assert seen[-1] == "item:message_output_created"


async def test_gate_drops_held_events_when_a_guardrail_trips() -> None:
    gate = anyio.Event()
    config = RunConfig(gate_stream_on_guardrails=True)
    seen: list[str] = []
    errors: list[Exception] = []
    async with open_run(gated_agent(gate, trip=True), "hi", run_config=config) as stream:
        async with anyio.create_task_group() as tg:

            async def read() -> None:
                try:
                    async for event in stream:
                        seen.append(describe(event))
                except InputGuardrailTripwireTriggered as exc:
                    errors.append(exc)

            tg.start_soon(read)
            await anyio.wait_all_tasks_blocked()
            gate.set()
    assert seen == ["agent:a"]
    assert len(errors) == 1


async def test_without_the_gate_raw_events_flow_before_guardrails_finish() -> None:
    gate = anyio.Event()
    seen: list[str] = []
    async with open_run(gated_agent(gate, trip=False), "hi") as stream:
        async with anyio.create_task_group() as tg:

            async def read() -> None:
                async for event in stream:
                    seen.append(describe(event))

            tg.start_soon(read)
            await anyio.wait_all_tasks_blocked()
            assert "raw:response.output_text.delta" in seen
            assert "item:message_output_created" not in seen
            gate.set()
    assert seen[-1] == "item:message_output_created"


async def test_models_that_cannot_stream_still_run_streamed() -> None:
    class PlainModel(Model):
        async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
            return ModelResponse(output=[assistant_message("plain")], response_id="p1")

    async with open_run(Agent(name="a", model=PlainModel()), "hi") as stream:
        events = [describe(event) async for event in stream]
    assert events == ["agent:a", "raw:response.completed", "item:message_output_created"]
    assert stream.result.final_output == "plain"
    assert stream.result.last_response_id == "p1"


async def test_a_stream_without_completed_event_is_a_model_behavior_error() -> None:
    from structagents import ModelBehaviorError

    class Truncated(Model):
        async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
            raise AssertionError("streaming only")

        async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
            yield {"type": "response.output_text.delta", "delta": "half"}

    with pytest.raises(ModelBehaviorError, match=r"response\.completed"):
        async with open_run(Agent(name="a", model=Truncated()), "hi") as stream:
            async for _ in stream:
                pass


async def test_a_streamed_run_can_only_be_entered_once() -> None:
    result = Runner.run_streamed(Agent(name="a", model=ScriptedModel(["x"])), "hi")
    async with result:
        async for _ in result:
            pass
    with pytest.raises(UserError, match="already started"):
        async with result:
            pass
