"""Agent.as_tool options: on_stream, parameters / input_builder / include_input_schema,
is_enabled; the nested run stays inside the calling tool's cancel scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio
import pytest
from pydantic import BaseModel

from structagents import (
    Agent,
    AgentToolStreamEvent,
    Runner,
    StructuredToolInputBuilderOptions,
    UserError,
)
from structagents.testing import ModelStep, ScriptedModel, function_call


def outer_calling(tool: str, arguments: dict[str, Any]) -> ScriptedModel:
    return ScriptedModel([[function_call(tool, arguments, call_id="t1")], "outer done"])


async def test_on_stream_receives_the_nested_runs_events() -> None:
    seen: list[AgentToolStreamEvent] = []

    async def on_stream(event: AgentToolStreamEvent) -> None:
        seen.append(event)

    inner = Agent(name="Inner", model=ScriptedModel(["inner answer"]))
    tool = inner.as_tool("ask_inner", "Ask.", on_stream=on_stream)
    outer_model = outer_calling("ask_inner", {"input": "hello"})
    result = await Runner.run(Agent(name="Outer", model=outer_model, tools=[tool]), "go")
    assert result.final_output == "outer done"
    outputs = [i for i in outer_model.calls[1].input if i.get("type") == "function_call_output"]
    assert outputs[0]["output"] == "inner answer"
    kinds = {e["event"].type for e in seen}
    assert {"agent_updated_stream_event", "raw_response_event", "run_item_stream_event"} <= kinds
    assert all(e["agent"] is inner for e in seen)
    assert seen[0]["tool_call"] is not None
    assert seen[0]["tool_call"]["call_id"] == "t1"
    assert result.context_wrapper.usage.requests == 3  # outer 2 + nested 1


@dataclass
class Trip:
    city: str
    days: int


class Booking(BaseModel):
    hotel: str


async def test_structured_parameters_reach_the_nested_run_as_a_message() -> None:
    inner_model = ScriptedModel(["planned"])
    inner = Agent(name="Planner", model=inner_model)
    tool = inner.as_tool("plan", "Plan a trip.", parameters=Trip)
    assert tool.params_json_schema["required"] == ["city", "days"]
    outer = Agent(
        name="Outer", model=outer_calling("plan", {"city": "Oslo", "days": 3}), tools=[tool]
    )
    await Runner.run(outer, "go")
    [message] = inner_model.calls[0].input
    text = message["content"]
    assert '"city": "Oslo"' in text
    assert '"days": 3' in text
    assert "- city (string, required)" in text


async def test_input_builder_and_include_input_schema() -> None:
    received: list[StructuredToolInputBuilderOptions] = []

    async def builder(options: StructuredToolInputBuilderOptions) -> str:
        received.append(options)
        return f"Book {options['params']['hotel']}"

    inner_model = ScriptedModel(["booked"])
    tool = Agent(name="B", model=inner_model).as_tool(
        "book", "Book.", parameters=Booking, input_builder=builder, include_input_schema=True
    )
    outer = Agent(name="Outer", model=outer_calling("book", {"hotel": "Grand"}), tools=[tool])
    await Runner.run(outer, "go")
    assert inner_model.calls[0].input == [{"role": "user", "content": "Book Grand"}]
    [options] = received
    assert options["json_schema"] is not None
    assert "hotel" in options["json_schema"]["properties"]


async def test_invalid_structured_arguments_go_back_to_the_model() -> None:
    inner_model = ScriptedModel(["never"])
    tool = Agent(name="P", model=inner_model).as_tool("plan", "Plan.", parameters=Trip)
    outer_model = outer_calling("plan", {"city": "Oslo"})
    await Runner.run(Agent(name="Outer", model=outer_model, tools=[tool]), "go")
    outputs = [i for i in outer_model.calls[1].input if i.get("type") == "function_call_output"]
    assert "Invalid JSON input for tool plan" in outputs[0]["output"]
    assert inner_model.calls == ()


def test_bad_parameters_are_user_errors() -> None:
    with pytest.raises(UserError, match="dataclass or pydantic"):
        Agent(name="P").as_tool("plan", "Plan.", parameters=int)
    with pytest.raises(UserError, match="need parameters"):
        Agent(name="P").as_tool("plan", "Plan.", include_input_schema=True)


async def test_is_enabled_hides_the_agent_tool() -> None:
    tool = Agent(name="I", model=ScriptedModel()).as_tool(
        "ask", "Ask.", is_enabled=lambda c, a: False
    )
    model = ScriptedModel(["no tools"])
    await Runner.run(Agent(name="O", model=model, tools=[tool]), "go")
    assert model.calls[0].tools == []


async def test_cancelling_the_outer_run_cancels_the_streamed_nested_run() -> None:
    started = anyio.Event()
    never = anyio.Event()

    async def on_stream(event: AgentToolStreamEvent) -> None:
        started.set()

    inner = Agent(name="Inner", model=ScriptedModel([ModelStep(output=[], wait_for=never)]))
    tool = inner.as_tool("ask", "Ask.", on_stream=on_stream)
    outer = Agent(name="Outer", model=outer_calling("ask", {"input": "x"}), tools=[tool])
    with anyio.fail_after(60):
        async with anyio.create_task_group() as tg:
            tg.start_soon(Runner.run, outer, "go")
            await started.wait()
            tg.cancel_scope.cancel()
    assert not never.is_set()
