"""Tool input/output guardrails: allow, reject_content, raise_exception, in the call's scope."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from structagents import (
    Agent,
    RunConfig,
    RunContextWrapper,
    RunHooks,
    Runner,
    ToolCallOutputItem,
    ToolExecutionConfig,
    ToolGuardrailFunctionOutput,
    ToolInputGuardrail,
    ToolInputGuardrailData,
    ToolInputGuardrailTripwireTriggered,
    ToolOutputGuardrailData,
    ToolOutputGuardrailTripwireTriggered,
    UserError,
    function_tool,
    tool_input_guardrail,
    tool_output_guardrail,
)
from structagents.testing import ScriptedModel, assistant_message, function_call

pytestmark = pytest.mark.anyio


def outputs(result: Any) -> list[str]:
    return [i.raw_item["output"] for i in result.new_items if isinstance(i, ToolCallOutputItem)]


def two_turns(*calls: tuple[str, str]) -> ScriptedModel:
    return ScriptedModel(
        [
            [function_call(name, {}, call_id=call_id) for name, call_id in calls],
            [assistant_message("done")],
        ]
    )


class Recorder(RunHooks[Any]):
    def __init__(self) -> None:
        self.events: list[str] = []

    async def on_tool_start(self, context: RunContextWrapper[Any], agent: Any, tool: Any) -> None:
        self.events.append(f"start {tool.name}")

    async def on_tool_end(
        self, context: RunContextWrapper[Any], agent: Any, tool: Any, result: Any
    ) -> None:
        self.events.append(f"end {tool.name} {result}")


async def test_allow_runs_the_tool_and_records_both_results() -> None:
    seen: list[tuple[str, str]] = []

    @tool_input_guardrail
    def check_in(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        seen.append((data.context.tool_name, data.context.tool_arguments))
        return ToolGuardrailFunctionOutput.allow(output_info="fine")

    @tool_output_guardrail
    async def check_out(data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
        seen.append(("output", data.output))
        return ToolGuardrailFunctionOutput.allow()

    @function_tool(tool_input_guardrails=[check_in], tool_output_guardrails=[check_out])
    def weather() -> str:
        return "sunny"

    result = await Runner.run(Agent("a", model=two_turns(("weather", "c1")), tools=[weather]), "x")
    assert outputs(result) == ["sunny"]
    assert seen == [("weather", "{}"), ("output", "sunny")]
    [in_result] = result.tool_input_guardrail_results
    assert in_result.guardrail is check_in
    assert in_result.output.output_info == "fine"
    assert in_result.output.behavior == {"type": "allow"}
    [out_result] = result.tool_output_guardrail_results
    assert out_result.guardrail is check_out
    assert out_result.guardrail.get_name() == "check_out"


async def test_input_reject_content_skips_the_tool_and_the_model_gets_the_message() -> None:
    ran: list[str] = []
    hooks = Recorder()

    @tool_input_guardrail(name="no_secrets")
    def block(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        return ToolGuardrailFunctionOutput.reject_content("not allowed", output_info={"why": 1})

    @function_tool(tool_input_guardrails=[block])
    def secret() -> str:
        ran.append("secret")
        return "the secret"

    model = two_turns(("secret", "c1"))
    result = await Runner.run(Agent("a", model=model, tools=[secret]), "x", hooks=hooks)
    assert ran == []
    assert hooks.events == []
    assert outputs(result) == ["not allowed"]
    assert model.calls[1].input[-1]["output"] == "not allowed"
    assert result.final_output == "done"
    assert result.tool_input_guardrail_results[0].guardrail.get_name() == "no_secrets"


async def test_output_reject_content_replaces_the_output() -> None:
    hooks = Recorder()

    @tool_output_guardrail
    def redact(data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
        if "ssn" in str(data.output):
            return ToolGuardrailFunctionOutput.reject_content("[redacted]")
        return ToolGuardrailFunctionOutput.allow()

    @function_tool(tool_output_guardrails=[redact])
    def lookup() -> str:
        return "ssn 123"

    model = two_turns(("lookup", "c1"))
    result = await Runner.run(Agent("a", model=model, tools=[lookup]), "x", hooks=hooks)
    assert outputs(result) == ["[redacted]"]
    assert model.calls[1].input[-1]["output"] == "[redacted]"
    assert hooks.events == ["start lookup", "end lookup [redacted]"]


@pytest.mark.parametrize("where", ["input", "output"])
async def test_raise_exception_cancels_the_sibling_calls_which_clean_up(where: str) -> None:
    sibling_started = anyio.Event()
    cleaned: list[str] = []

    async def trip(data: Any) -> ToolGuardrailFunctionOutput:
        await sibling_started.wait()
        return ToolGuardrailFunctionOutput.raise_exception(output_info="bad")

    @function_tool
    async def slow() -> str:
        sibling_started.set()
        try:
            await anyio.sleep_forever()
        finally:
            cleaned.append("slow")
        return "never"

    def value() -> str:
        return "value"

    error: type[ToolInputGuardrailTripwireTriggered | ToolOutputGuardrailTripwireTriggered]
    if where == "input":
        guarded = function_tool(value, tool_input_guardrails=[tool_input_guardrail(trip)])
        error = ToolInputGuardrailTripwireTriggered
    else:
        guarded = function_tool(value, tool_output_guardrails=[tool_output_guardrail(trip)])
        error = ToolOutputGuardrailTripwireTriggered
    model = two_turns(("slow", "c1"), ("value", "c2"))
    with pytest.raises(error) as caught:
        await Runner.run(Agent("a", model=model, tools=[slow, guarded]), "x")
    assert cleaned == ["slow"]
    tripped: Any = caught.value
    assert tripped.output.output_info == "bad"
    assert tripped.guardrail.get_name() == "trip"
    assert len(model.calls) == 1


async def test_the_first_deciding_guardrail_wins_and_later_ones_do_not_run() -> None:
    order: list[str] = []

    def make(name: str, decision: ToolGuardrailFunctionOutput) -> ToolInputGuardrail[Any]:
        def check(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
            order.append(name)
            return decision

        return ToolInputGuardrail(check, name=name)

    guards = [
        make("one", ToolGuardrailFunctionOutput.allow()),
        make("two", ToolGuardrailFunctionOutput.reject_content("stop")),
        make("three", ToolGuardrailFunctionOutput.raise_exception()),
    ]

    @function_tool(tool_input_guardrails=guards)
    def tool() -> str:
        return "ran"

    result = await Runner.run(Agent("a", model=two_turns(("tool", "c1")), tools=[tool]), "x")
    assert order == ["one", "two"]
    assert outputs(result) == ["stop"]


async def test_the_tool_timeout_covers_its_guardrails() -> None:
    @tool_input_guardrail
    async def hangs(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    @function_tool(tool_input_guardrails=[hangs], timeout=0.01)
    def tool() -> str:
        return "ran"

    result = await Runner.run(Agent("a", model=two_turns(("tool", "c1")), tools=[tool]), "x")
    assert outputs(result) == ["Tool 'tool' timed out after 0.01 seconds."]


async def test_a_guardrail_that_raises_fails_the_run_with_its_error() -> None:
    @tool_output_guardrail
    def broken(data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
        raise ValueError("guardrail bug")

    @function_tool(tool_output_guardrails=[broken])
    def tool() -> str:
        return "ran"

    with pytest.raises(ValueError, match="guardrail bug"):
        await Runner.run(Agent("a", model=two_turns(("tool", "c1")), tools=[tool]), "x")


async def test_a_guardrail_returning_the_wrong_type_is_a_user_error() -> None:
    @tool_input_guardrail
    def sloppy(data: ToolInputGuardrailData) -> Any:
        return True

    @function_tool(tool_input_guardrails=[sloppy])
    def tool() -> str:
        return "ran"

    with pytest.raises(UserError, match="ToolGuardrailFunctionOutput"):
        await Runner.run(Agent("a", model=two_turns(("tool", "c1")), tools=[tool]), "x")


async def test_agent_as_tool_takes_tool_guardrails() -> None:
    inner = Agent("inner", model=ScriptedModel([[assistant_message("inner says hi")]]))

    @tool_output_guardrail
    def shout(data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
        return ToolGuardrailFunctionOutput.reject_content(str(data.output).upper())

    @tool_input_guardrail
    def sees_input(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        assert data.context.tool_arguments == '{"input":"hello"}'
        return ToolGuardrailFunctionOutput.allow()

    tool = inner.as_tool(
        "ask_inner", "Ask.", tool_input_guardrails=[sees_input], tool_output_guardrails=[shout]
    )
    model = ScriptedModel(
        [
            [function_call("ask_inner", {"input": "hello"}, call_id="c1")],
            [assistant_message("done")],
        ]
    )
    result = await Runner.run(Agent("outer", model=model, tools=[tool]), "x")
    assert outputs(result) == ["INNER SAYS HI"]
    assert len(result.tool_input_guardrail_results) == 1


async def test_streamed_run_exposes_tool_guardrail_results() -> None:
    @tool_input_guardrail
    def ok(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        return ToolGuardrailFunctionOutput.allow()

    @function_tool(tool_input_guardrails=[ok])
    def tool() -> str:
        return "ran"

    agent = Agent("a", model=two_turns(("tool", "c1")), tools=[tool])
    async with Runner.run_streamed(agent, "x", run_config=RunConfig()) as streamed:
        async for _ in streamed.stream_events():
            pass
    assert [r.guardrail for r in streamed.tool_input_guardrail_results] == [ok]
    assert streamed.tool_output_guardrail_results == []


@pytest.mark.parametrize("before_approval", [False, True])
async def test_guardrails_and_approvals_order(before_approval: bool) -> None:
    checked: list[str] = []

    @tool_input_guardrail
    def no_root(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        checked.append(data.context.tool_arguments)
        if "/root" in data.context.tool_arguments:
            return ToolGuardrailFunctionOutput.reject_content("not there")
        return ToolGuardrailFunctionOutput.allow()

    @function_tool(needs_approval=True, tool_input_guardrails=[no_root])
    def delete(path: str) -> str:
        return f"deleted {path}"

    model = ScriptedModel(
        [
            [
                function_call("delete", {"path": "/root"}, call_id="c1"),
                function_call("delete", {"path": "/tmp"}, call_id="c2"),
            ],
            [assistant_message("done")],
        ]
    )
    config = RunConfig(
        tool_execution=ToolExecutionConfig(pre_approval_tool_input_guardrails=before_approval)
    )
    agent = Agent("a", model=model, tools=[delete])
    paused = await Runner.run(agent, "x", run_config=config)
    waiting = [item.call_id for item in paused.interruptions]
    if before_approval:
        # the rejected call is answered at once; only the allowed one waits for a human
        assert waiting == ["c2"]
        assert outputs(paused) == ["not there"]
        assert len(checked) == 2
    else:
        assert waiting == ["c1", "c2"]
        assert checked == []
    state = paused.to_state()
    for item in paused.interruptions:
        state.approve(item)
    result = await Runner.run(agent, state, run_config=config)
    assert result.final_output == "done"
    # after approval the guardrails run again, right before each tool
    assert sorted(outputs(result)[-2:]) == ["deleted /tmp", "not there"]
