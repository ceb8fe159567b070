"""Handoffs between agents, input filters, nested history, and agents as tools."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from pydantic import BaseModel

from structagents import (
    Agent,
    AgentHooks,
    FunctionTool,
    GuardrailFunctionOutput,
    HandoffCallItem,
    HandoffInputData,
    HandoffOutputItem,
    MessageOutputItem,
    RunConfig,
    RunContextWrapper,
    RunHooks,
    RunItemStreamEvent,
    Runner,
    ToolCallItem,
    ToolCallOutputItem,
    Usage,
    UserError,
    function_tool,
    handoff,
    handoff_filters,
    input_guardrail,
    open_run,
    output_guardrail,
)
from structagents.testing import (
    ModelStep,
    ScriptedModel,
    assistant_message,
    function_call,
    handoff_call,
)


@function_tool
def lookup_order(order_id: int) -> str:
    """Find an order."""
    return f"order {order_id}: shipped"


def triage_and_specialist(
    triage_steps: list[Any], specialist_steps: list[Any], **handoff_options: Any
) -> tuple[Agent[Any], Agent[Any], ScriptedModel, ScriptedModel]:
    specialist_model = ScriptedModel(specialist_steps)
    specialist = Agent(name="Billing", instructions="Handle billing.", model=specialist_model)
    triage_model = ScriptedModel(triage_steps)
    target: Any = handoff(specialist, **handoff_options) if handoff_options else specialist
    triage = Agent(
        name="Triage",
        instructions="Route the user.",
        model=triage_model,
        tools=[lookup_order],
        handoffs=[target],
    )
    return triage, specialist, triage_model, specialist_model


async def test_triage_hands_off_to_a_specialist() -> None:
    triage, specialist, triage_model, specialist_model = triage_and_specialist(
        [[handoff_call("Billing", call_id="h1")]], ["Your refund is on its way."]
    )
    result = await Runner.run(triage, "I want a refund")

    assert result.final_output == "Your refund is on its way."
    assert result.last_agent is specialist
    assert [type(i) for i in result.new_items] == [
        HandoffCallItem,
        HandoffOutputItem,
        MessageOutputItem,
    ]
    handoff_output = result.new_items[1]
    assert isinstance(handoff_output, HandoffOutputItem)
    assert (handoff_output.source_agent, handoff_output.target_agent) == (triage, specialist)
    assert handoff_output.raw_item == {
        "type": "function_call_output",
        "call_id": "h1",
        "output": '{"assistant": "Billing"}',
    }
    # The handoff is offered to the model, and the specialist sees the full history.
    offered = triage_model.calls[0].handoffs
    assert [(h.tool_name, h.agent_name) for h in offered] == [("transfer_to_billing", "Billing")]
    assert specialist_model.calls[0].system_instructions == "Handle billing."
    assert specialist_model.calls[0].input == [
        {"role": "user", "content": "I want a refund"},
        result.new_items[0].to_input_item(),
        result.new_items[1].to_input_item(),
    ]


async def test_streamed_handoff_events() -> None:
    triage, _, _, _ = triage_and_specialist([[handoff_call("Billing", call_id="h1")]], ["done"])
    seen: list[str] = []
    async with open_run(triage, "hi") as stream:
        async for event in stream:
            if isinstance(event, RunItemStreamEvent):
                seen.append(event.name)
            elif event.type == "agent_updated_stream_event":
                seen.append(f"agent:{event.new_agent.name}")
    assert seen == [
        "agent:Triage",
        "handoff_requested",
        "handoff_occured",
        "agent:Billing",
        "message_output_created",
    ]


class Reason(BaseModel):
    reason: str


async def test_invalid_handoff_arguments_go_back_to_the_model() -> None:
    received: list[Reason] = []

    async def on_handoff(ctx: RunContextWrapper[Any], data: Reason) -> None:
        received.append(data)

    triage, specialist, triage_model, _ = triage_and_specialist(
        [
            [handoff_call("Billing", {"why": "oops"}, call_id="h1")],
            [handoff_call("Billing", {"reason": "refund"}, call_id="h2")],
        ],
        ["handled"],
        on_handoff=on_handoff,
        input_type=Reason,
    )
    result = await Runner.run(triage, "hi")

    assert result.final_output == "handled"
    assert result.last_agent is specialist
    assert received == [Reason(reason="refund")]
    error_output = triage_model.calls[1].input[-1]
    assert error_output["call_id"] == "h1"
    assert "Invalid arguments for handoff transfer_to_billing" in error_output["output"]
    schema = triage_model.calls[0].handoffs[0].input_json_schema
    assert schema["required"] == ["reason"]
    assert schema["additionalProperties"] is False


async def test_input_filter_removes_tool_items_for_the_next_agent() -> None:
    triage, _, _, specialist_model = triage_and_specialist(
        [
            [function_call("lookup_order", {"order_id": 7}, call_id="t1")],
            [assistant_message("Passing you on."), handoff_call("Billing", call_id="h1")],
        ],
        ["refunded"],
        input_filter=handoff_filters.remove_all_tools,
    )
    result = await Runner.run(triage, "refund order 7")

    assert specialist_model.calls[0].input == [
        {"role": "user", "content": "refund order 7"},
        assistant_message("Passing you on."),
    ]
    # The run's own record keeps everything.
    assert [type(i) for i in result.new_items] == [
        ToolCallItem,
        ToolCallOutputItem,
        MessageOutputItem,
        HandoffCallItem,
        HandoffOutputItem,
        MessageOutputItem,
    ]


async def test_run_config_handoff_input_filter_is_the_default() -> None:
    seen: list[HandoffInputData] = []

    async def keep_only_the_question(data: HandoffInputData) -> HandoffInputData:
        seen.append(data)
        return data.clone(pre_handoff_items=(), new_items=())

    triage, _, _, specialist_model = triage_and_specialist(
        [
            [function_call("lookup_order", {"order_id": 1}, call_id="t1")],
            [handoff_call("Billing", call_id="h1")],
        ],
        ["ok"],
    )
    await Runner.run(
        triage, "question", run_config=RunConfig(handoff_input_filter=keep_only_the_question)
    )
    assert specialist_model.calls[0].input == [{"role": "user", "content": "question"}]
    data = seen[0]
    assert data.input_history == ({"role": "user", "content": "question"},)
    assert [type(i) for i in data.pre_handoff_items] == [ToolCallItem, ToolCallOutputItem]
    assert [type(i) for i in data.new_items] == [HandoffCallItem, HandoffOutputItem]


async def test_nest_handoff_history_gives_one_summary_message() -> None:
    # the reference's transcript format: `role: text` for one-line messages, else the JSON item
    triage, _, _, specialist_model = triage_and_specialist(
        [
            [function_call("lookup_order", {"order_id": 7}, call_id="t1")],
            [handoff_call("Billing", call_id="h1")],
        ],
        ["ok"],
    )
    await Runner.run(triage, "refund order 7", run_config=RunConfig(nest_handoff_history=True))

    assert specialist_model.calls[0].input == [
        {
            "role": "assistant",
            "content": (
                "For context, here is the conversation so far between the user and the "
                "previous agent:\n"
                "<CONVERSATION HISTORY>\n"
                "1. user: refund order 7\n"
                '2. {"type": "function_call", "id": "t1", "call_id": "t1", "name": "lookup_order", '
                '"arguments": "{\\"order_id\\":7}", "status": "completed"}\n'
                '3. {"type": "function_call_output", "call_id": "t1", '
                '"output": "order 7: shipped"}\n'
                '4. {"type": "function_call", "id": "h1", "call_id": "h1", '
                '"name": "transfer_to_billing", "arguments": "{}", "status": "completed"}\n'
                '5. {"type": "function_call_output", "call_id": "h1", '
                '"output": "{\\"assistant\\": \\"Billing\\"}"}\n'
                "</CONVERSATION HISTORY>"
            ),
        }
    ]


async def test_handoff_history_mapper_builds_the_next_input() -> None:
    def last_user_message_only(transcript: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [item for item in transcript if item.get("role") == "user"][-1:]

    triage, _, _, specialist_model = triage_and_specialist(
        [[assistant_message("one moment"), handoff_call("Billing", call_id="h1")]], ["ok"]
    )
    config = RunConfig(nest_handoff_history=True, handoff_history_mapper=last_user_message_only)
    await Runner.run(triage, "help", run_config=config)
    assert specialist_model.calls[0].input == [{"role": "user", "content": "help"}]


async def test_after_a_filtered_handoff_the_history_keeps_growing() -> None:
    triage, specialist, _, specialist_model = triage_and_specialist(
        [[handoff_call("Billing", call_id="h1")]],
        [[function_call("lookup_order", {"order_id": 2}, call_id="t2")], "done"],
        input_filter=handoff_filters.remove_all_tools,
    )
    specialist.tools.append(lookup_order)
    await Runner.run(triage, "hi")
    second_input = specialist_model.calls[1].input
    assert second_input[0] == {"role": "user", "content": "hi"}
    assert [item.get("type") for item in second_input[1:]] == [
        "function_call",
        "function_call_output",
    ]


async def test_several_handoffs_in_one_turn_take_the_first() -> None:
    other = Agent(name="Shipping", model=ScriptedModel([]))
    triage, specialist, _, _ = triage_and_specialist(
        [[handoff_call("Billing", call_id="h1"), handoff_call("Shipping", call_id="h2")]], ["ok"]
    )
    triage = triage.clone(handoffs=[specialist, other])
    result = await Runner.run(triage, "hi")
    assert result.last_agent is specialist
    outputs = {item.raw_item["call_id"]: item for item in result.new_items[2:4]}
    assert isinstance(outputs["h1"], HandoffOutputItem)
    assert outputs["h2"].raw_item["output"] == "Multiple handoffs detected, ignoring this one."
    assert other.model.calls == ()  # type: ignore[union-attr]


async def test_tools_in_the_handoff_turn_finish_before_the_switch() -> None:
    finished = anyio.Event()

    @function_tool
    async def slow_note(text: str) -> str:
        await anyio.sleep(0.01)
        finished.set()
        return "noted"

    triage, specialist, _, specialist_model = triage_and_specialist(
        [
            [
                function_call("slow_note", {"text": "x"}, call_id="t1"),
                handoff_call("Billing", call_id="h1"),
            ]
        ],
        ["ok"],
    )
    triage = triage.clone(tools=[slow_note])
    result = await Runner.run(triage, "hi")
    assert finished.is_set()
    assert [type(i) for i in result.new_items] == [
        ToolCallItem,
        HandoffCallItem,
        ToolCallOutputItem,
        HandoffOutputItem,
        MessageOutputItem,
    ]
    assert specialist_model.calls[0].input[3]["output"] == "noted"
    assert result.last_agent is specialist


async def test_guardrails_follow_the_agents() -> None:
    ran: list[str] = []

    def out_guard(label: str) -> Any:
        @output_guardrail(name=label)
        def check(ctx: RunContextWrapper[Any], agent: Agent[Any], output: Any) -> Any:
            ran.append(label)
            return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)

        return check

    @input_guardrail
    def specialist_input(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
        ran.append("specialist input")
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)

    triage, specialist, _, _ = triage_and_specialist(
        [[handoff_call("Billing", call_id="h1")]], ["ok"]
    )
    specialist.output_guardrails.append(out_guard("specialist output"))
    specialist.input_guardrails.append(specialist_input)
    triage.output_guardrails.append(out_guard("triage output"))
    result = await Runner.run(
        triage, "hi", run_config=RunConfig(output_guardrails=[out_guard("config output")])
    )
    assert sorted(ran) == ["config output", "specialist output"]
    assert [r.agent for r in result.output_guardrail_results] == [specialist, specialist]


async def test_handoff_hooks_fire() -> None:
    events: list[str] = []

    class RunRecorder(RunHooks[Any]):
        async def on_handoff(self, context: Any, from_agent: Any, to_agent: Any) -> None:
            events.append(f"run:{from_agent.name}->{to_agent.name}")

        async def on_agent_start(self, context: Any, agent: Any) -> None:
            events.append(f"start:{agent.name}")

    class AgentRecorder(AgentHooks[Any]):
        async def on_handoff(self, context: Any, agent: Any, source: Any) -> None:
            events.append(f"agent:{source.name}->{agent.name}")

    called: list[str] = []
    triage, specialist, _, _ = triage_and_specialist(
        [[handoff_call("Billing", call_id="h1")]],
        ["ok"],
        on_handoff=lambda ctx: called.append("on_handoff"),
    )
    triage.hooks = AgentRecorder()  # the source's hooks fire, as in the reference
    specialist.hooks = AgentRecorder()
    await Runner.run(triage, "hi", hooks=RunRecorder())
    assert events == [
        "start:Triage",
        "run:Triage->Billing",
        "agent:Triage->Billing",
        "start:Billing",
    ]
    assert called == ["on_handoff"]


async def test_disabled_handoffs_are_not_offered() -> None:
    triage, _, triage_model, _ = triage_and_specialist(["no handoff"], [], is_enabled=False)
    await Runner.run(triage, "hi")
    assert triage_model.calls[0].handoffs == []


def test_handoff_misuse_is_a_user_error() -> None:
    target = Agent(name="t")
    with pytest.raises(UserError, match="on_handoff"):
        handoff(target, input_type=Reason)
    with pytest.raises(UserError, match=r"on_handoff\(ctx, data\)"):
        handoff(target, input_type=Reason, on_handoff=lambda ctx: None)
    with pytest.raises(UserError, match="handoffs takes agents"):
        Agent(name="a", handoffs=["Billing"])  # type: ignore[list-item]


async def test_agent_as_tool_runs_a_nested_run_and_adds_its_usage() -> None:
    translator_model = ScriptedModel(
        [ModelStep(output=[assistant_message("Bonjour")], usage=Usage(requests=1, total_tokens=5))]
    )
    translator = Agent(name="French translator", model=translator_model)
    orchestrator_model = ScriptedModel(
        [
            ModelStep(
                output=[function_call("translate", {"input": "Hello"}, call_id="c1")],
                usage=Usage(requests=1, total_tokens=10),
            ),
            ModelStep(
                output=[assistant_message("It is Bonjour.")],
                usage=Usage(requests=1, total_tokens=20),
            ),
        ]
    )
    orchestrator = Agent(
        name="Orchestrator",
        model=orchestrator_model,
        tools=[translator.as_tool("translate", "Translate to French.")],
    )
    result = await Runner.run(orchestrator, "How do you say hello?")

    assert result.final_output == "It is Bonjour."
    assert translator_model.calls[0].input == [{"role": "user", "content": "Hello"}]
    assert orchestrator_model.calls[1].input[-1]["output"] == "Bonjour"
    assert (result.usage.requests, result.usage.total_tokens) == (3, 35)
    tool = orchestrator.tools[0]
    assert isinstance(tool, FunctionTool)
    assert (tool.name, tool.description) == ("translate", "Translate to French.")
    assert tool.params_json_schema["required"] == ["input"]


async def test_agent_as_tool_custom_output_extractor() -> None:
    inner = Agent(name="Inner Agent", model=ScriptedModel(["raw answer"]))

    async def extract(result: Any) -> str:
        return f"{len(result.new_items)} item(s): {result.final_output}"

    outer_model = ScriptedModel(
        [[function_call("inner_agent", {"input": "q"}, call_id="c1")], "ok"]
    )
    outer = Agent(
        name="Outer", model=outer_model, tools=[inner.as_tool(custom_output_extractor=extract)]
    )
    await Runner.run(outer, "go")
    assert outer_model.calls[1].input[-1]["output"] == "1 item(s): raw answer"


async def test_cancelling_the_outer_run_cancels_the_nested_run() -> None:
    started = anyio.Event()
    cleaned_up: list[bool] = []
    finished: list[bool] = []

    @function_tool
    async def research(topic: str) -> str:
        started.set()
        try:
            await anyio.sleep_forever()
        finally:
            cleaned_up.append(True)
        finished.append(True)
        return "never"

    inner_model = ScriptedModel([[function_call("research", {"topic": "x"}, call_id="r1")], "nope"])
    inner = Agent(name="Researcher", model=inner_model, tools=[research])
    outer_model = ScriptedModel([[function_call("researcher", {"input": "dig"}, call_id="c1")]])
    outer = Agent(name="Lead", model=outer_model, tools=[inner.as_tool()])

    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:

            async def cancel_when_started() -> None:
                await started.wait()
                scope.cancel()

            tg.start_soon(cancel_when_started)
            await Runner.run(outer, "go")

    assert scope.cancelled_caught
    assert cleaned_up == [True]
    assert finished == []
    assert len(inner_model.calls) == 1
    assert len(outer_model.calls) == 1


async def test_streamed_to_input_list_keeps_the_whole_run_after_a_filtered_handoff() -> None:
    triage, _, _, _ = triage_and_specialist(
        [
            [function_call("lookup_order", {"order_id": 1}, call_id="t1")],
            [handoff_call("Billing", call_id="h1")],
        ],
        ["done"],
        input_filter=handoff_filters.remove_all_tools,
    )
    async with open_run(triage, "hi") as stream:
        async for _ in stream:
            pass
    assert stream.to_input_list() == stream.result.to_input_list()
    assert len(stream.to_input_list()) == 6


async def test_filtering_a_server_kept_conversation_is_a_user_error() -> None:
    triage, _, _, _ = triage_and_specialist(
        [[handoff_call("Billing", call_id="h1")]],
        ["never"],
        input_filter=handoff_filters.remove_all_tools,
    )
    with pytest.raises(UserError, match="client-side history"):
        await Runner.run(triage, "hi", previous_response_id="resp_0")
