"""Behaviours matched to the reference SDK where we used to differ by accident (issue 13)."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
from typing import Annotated, Any

import anyio
import pytest
from pydantic import Field

from structagents import (
    Agent,
    FunctionTool,
    GuardrailFunctionOutput,
    InputGuardrail,
    InputGuardrailTripwireTriggered,
    ModelBehaviorError,
    OutputGuardrail,
    OutputGuardrailTripwireTriggered,
    RunContextWrapper,
    Runner,
    ToolContext,
    Usage,
    UserError,
    function_tool,
)
from structagents.testing import ModelStep, ScriptedModel, function_call


def _names(results: list[Any]) -> list[str]:
    return [result.guardrail.get_name() for result in results]


def _tool_outputs(model: ScriptedModel) -> list[Any]:
    last = model.calls[-1].input
    return [item["output"] for item in last if item.get("type") == "function_call_output"]


# --- 1. a turn-1 model error cancels the racing input guardrails --------------------------


async def test_model_error_cancels_a_guardrail_that_never_finishes() -> None:
    started = anyio.Event()
    cancelled: list[bool] = []

    async def never_done(ctx: Any, agent: Any, input: Any) -> GuardrailFunctionOutput:
        started.set()
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled.append(True)
            raise
        raise AssertionError("unreachable")

    model = ScriptedModel([ModelStep(error=ConnectionError("model down"), wait_for=started)])
    agent = Agent(name="a", model=model, input_guardrails=[InputGuardrail(never_done)])
    with anyio.fail_after(5), pytest.raises(ConnectionError, match="model down"):
        await Runner.run(agent, "x")
    assert cancelled == [True]


async def test_model_error_ends_a_streamed_run_at_once() -> None:
    started = anyio.Event()

    async def never_done(ctx: Any, agent: Any, input: Any) -> GuardrailFunctionOutput:
        started.set()
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    model = ScriptedModel([ModelStep(error=ConnectionError("model down"), wait_for=started)])
    agent = Agent(name="a", model=model, input_guardrails=[InputGuardrail(never_done)])
    with anyio.fail_after(5), pytest.raises(ConnectionError, match="model down"):
        async with Runner.run_streamed(agent, "x") as result:
            async for _ in result.stream_events():
                pass


# --- 8. guardrail results in completion order, kept when another guardrail raised -------------


def _ordered_guardrails(kind: type[Any], *, second: str) -> list[Any]:
    """`first` finishes only after `second` has, so completion order is the reverse of the
    declaration order; `second` passes, trips or raises."""
    second_done = anyio.Event()

    async def first(ctx: Any, agent: Any, data: Any) -> GuardrailFunctionOutput:
        await second_done.wait()
        return GuardrailFunctionOutput(output_info="first", tripwire_triggered=False)

    async def second_fn(ctx: Any, agent: Any, data: Any) -> GuardrailFunctionOutput:
        second_done.set()
        if second == "raises":
            raise LookupError("guardrail exploded")
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=second == "trips")

    return [kind(first, name="first"), kind(second_fn, name="second")]


async def test_input_guardrail_results_come_in_completion_order() -> None:
    agent = Agent(
        name="a",
        model=ScriptedModel(["hi"]),
        input_guardrails=_ordered_guardrails(InputGuardrail, second="passes"),
    )
    result = await Runner.run(agent, "x")
    assert _names(result.input_guardrail_results) == ["second", "first"]


async def test_output_guardrail_results_come_in_completion_order() -> None:
    agent = Agent(
        name="a",
        model=ScriptedModel(["hi"]),
        output_guardrails=_ordered_guardrails(OutputGuardrail, second="passes"),
    )
    result = await Runner.run(agent, "x")
    assert _names(result.output_guardrail_results) == ["second", "first"]


async def test_results_of_passed_guardrails_are_kept_when_another_raises() -> None:
    def passes(ctx: Any, agent: Any, data: Any) -> GuardrailFunctionOutput:
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)

    async def raises(ctx: Any, agent: Any, data: Any) -> GuardrailFunctionOutput:
        await anyio.sleep(1)  # after `passes` has finished
        raise LookupError("guardrail exploded")

    agent = Agent(
        name="a",
        model=ScriptedModel(["hi"]),
        input_guardrails=[InputGuardrail(passes, name="passes")],
        output_guardrails=[
            OutputGuardrail(passes, name="out-passes"),
            OutputGuardrail(raises, name="out-raises"),
        ],
    )
    with pytest.raises(LookupError):
        async with Runner.run_streamed(agent, "x") as result:
            async for _ in result.stream_events():
                pass
    assert _names(result.input_guardrail_results) == ["passes"]
    assert _names(result.output_guardrail_results) == ["out-passes"]


@pytest.mark.parametrize("kind", [InputGuardrail, OutputGuardrail])
async def test_tripwire_reports_every_finished_guardrail(kind: type[Any]) -> None:
    passed = anyio.Event()

    def passes(ctx: Any, agent: Any, data: Any) -> GuardrailFunctionOutput:
        passed.set()
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)

    async def trips(ctx: Any, agent: Any, data: Any) -> GuardrailFunctionOutput:
        await passed.wait()
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=True)

    guardrails = [kind(trips, name="trips"), kind(passes, name="passes")]
    field = "input_guardrails" if kind is InputGuardrail else "output_guardrails"
    options: dict[str, Any] = {field: guardrails}
    agent = Agent(name="a", model=ScriptedModel(["hi"]), **options)
    error = (
        InputGuardrailTripwireTriggered
        if kind is InputGuardrail
        else (OutputGuardrailTripwireTriggered)
    )
    with pytest.raises(error) as info:
        await Runner.run(agent, "x")
    run_data = info.value.run_data
    assert run_data is not None
    results = getattr(run_data, field.replace("guardrails", "guardrail_results"))
    assert _names(results) == ["passes", "trips"]


# --- 9. usage -----------------------------------------------------------------------------


def test_usage_sums_cache_write_tokens_and_skips_zero_token_requests() -> None:
    total = Usage()
    one = Usage(requests=1, input_tokens=10, output_tokens=1, total_tokens=11)
    one.input_tokens_details.cache_write_tokens = 4
    total.add(one)
    total.add(copy.deepcopy(one))
    total.add(Usage(requests=1))  # a request that reported no tokens
    assert total.requests == 3
    assert total.input_tokens_details.cache_write_tokens == 8
    assert [
        entry.input_tokens_details.cache_write_tokens for entry in total.request_usage_entries
    ] == [4, 4]


def test_usage_entries_are_copied_not_shared() -> None:
    source = Usage()
    source.add(Usage(requests=1, input_tokens=5, total_tokens=5))
    total = Usage()
    total.add(source)
    total.request_usage_entries[0].input_tokens = 99
    assert source.request_usage_entries[0].input_tokens == 5


# --- 2. a tool raising CancelledError itself is the tool's error ------------------------------


@function_tool
async def ok_tool() -> str:
    return "ok"


async def _cancel_itself() -> str:
    raise asyncio.CancelledError("tool-cancelled")


async def test_tool_raising_cancelled_error_reports_it_to_the_model() -> None:
    model = ScriptedModel(
        [
            [
                function_call("ok_tool", {}, call_id="c1"),
                function_call("cancel_tool", {}, call_id="c2"),
            ],
            "final answer",
        ]
    )
    cancel_tool = function_tool(_cancel_itself, name_override="cancel_tool")
    agent = Agent(name="a", model=model, tools=[ok_tool, cancel_tool])
    result = await Runner.run(agent, "go")
    assert result.final_output == "final answer"
    assert _tool_outputs(model) == [
        "ok",
        "An error occurred while running the tool. Please try again. Error: tool-cancelled",
    ]


async def test_tool_cancelled_error_with_failure_function_none_fails_the_run() -> None:
    model = ScriptedModel([[function_call("cancel_tool", {}, call_id="c1")], "unreachable"])
    cancel_tool = function_tool(
        _cancel_itself, name_override="cancel_tool", failure_error_function=None
    )
    agent = Agent(name="a", model=model, tools=[cancel_tool])
    with pytest.raises(RuntimeError, match="tool-cancelled") as info:
        await Runner.run(agent, "go")
    assert isinstance(info.value.__cause__, asyncio.CancelledError)


async def test_hand_written_tool_raising_cancelled_error_fails_the_run() -> None:
    async def invoke(ctx: ToolContext[Any], arguments: str) -> str:
        raise asyncio.CancelledError()

    tool = FunctionTool("manual", "", {"type": "object", "properties": {}}, invoke)
    model = ScriptedModel([[function_call("manual", {}, call_id="c1")], "unreachable"])
    with pytest.raises(RuntimeError, match="Tool execution cancelled"):
        await Runner.run(Agent(name="a", model=model, tools=[tool]), "go")


async def test_a_real_cancel_of_the_run_still_cancels_the_tool() -> None:
    started = anyio.Event()

    @function_tool
    async def slow() -> str:
        started.set()
        await anyio.sleep_forever()
        return "unreachable"

    model = ScriptedModel([[function_call("slow", {}, call_id="c1")], "unreachable"])
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(Runner.run, Agent(name="a", model=model, tools=[slow]), "go")
            await started.wait()
            scope.cancel()
    assert scope.cancelled_caught
    assert len(model.calls) == 1


# --- 3. Annotated descriptions; 10. extra arguments ignored, title kept ------------------------


def test_annotated_string_descriptions_reach_the_schema() -> None:
    @function_tool
    def add(
        a: Annotated[int, "First number to add"],
        b: Annotated[int, Field(description="Second number")],
    ) -> int:
        """Add two numbers."""
        return a + b

    props = add.params_json_schema["properties"]
    assert props["a"]["description"] == "First number to add"
    assert props["b"]["description"] == "Second number"
    assert add.params_json_schema["title"] == "add_args"


def test_docstring_descriptions_win_over_annotations() -> None:
    @function_tool
    def add(
        a: Annotated[int, "from the annotation"], b: int = Field(1, description="field")
    ) -> int:
        """Add.

        Args:
            a: from the docstring
            b: from the docstring too
        """
        return a + b

    props = add.params_json_schema["properties"]
    assert props["a"]["description"] == "from the docstring"
    assert props["b"]["description"] == "from the docstring too"


async def test_extra_arguments_from_the_model_are_ignored() -> None:
    @function_tool
    def add(a: int, b: int) -> int:
        return a + b

    model = ScriptedModel([[function_call("add", {"a": 1, "b": 2, "c": 3}, call_id="c1")], "ok"])
    await Runner.run(Agent(name="a", model=model, tools=[add]), "go")
    assert _tool_outputs(model) == ["3"]


def test_hand_written_schema_is_made_strict_without_touching_the_original() -> None:
    async def invoke(ctx: ToolContext[Any], arguments: str) -> str:
        return ""

    schema = {"type": "object", "properties": {"x": {"type": "string"}}}
    tool = FunctionTool("t", "", schema, invoke)
    assert schema == {"type": "object", "properties": {"x": {"type": "string"}}}
    assert tool.params_json_schema["additionalProperties"] is False
    assert tool.params_json_schema["required"] == ["x"]
    loose = FunctionTool("t", "", schema, invoke, strict_json_schema=False)
    assert loose.params_json_schema == schema
    with pytest.raises(UserError, match="additional properties"):
        FunctionTool("t", "", {"type": "object", "additionalProperties": True}, invoke)
    with pytest.raises(TypeError, match="params_json_schema"):
        FunctionTool("t", "", "not a schema", invoke)  # type: ignore[arg-type]


# --- 4. callable objects; copies of a tool ----------------------------------------------------


class Counter:
    """Count calls."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    async def __call__(self, value: int) -> int:
        """Record a value.

        Args:
            value: the value to record
        """
        self.seen.append(value)
        return value


async def test_callable_objects_become_tools() -> None:
    counter = Counter()
    tool = function_tool(counter)
    assert tool.name == "Counter"
    assert tool.description == "Record a value."
    assert tool.params_json_schema["properties"]["value"]["description"] == "the value to record"
    model = ScriptedModel([[function_call("Counter", {"value": 7}, call_id="c1")], "ok"])
    await Runner.run(Agent(name="a", model=model, tools=[tool]), "go")
    assert counter.seen == [7]


@pytest.mark.parametrize("how", ["replace", "copy"])
async def test_a_copied_tool_reports_its_own_name(how: str) -> None:
    @function_tool(name_override="original", failure_error_function=None)
    def echo(value: str) -> str:
        return value

    if how == "replace":
        copied = dataclasses.replace(echo, name="copied")
    else:
        copied = copy.copy(echo)
        copied.name = "copied"
    ctx = ToolContext(None, tool_name="copied", tool_call_id="1", tool_arguments="{}")
    with pytest.raises(ModelBehaviorError, match="Invalid JSON input for tool copied"):
        await copied.on_invoke_tool(ctx, "{}")
    with pytest.raises(ModelBehaviorError, match="Invalid JSON input for tool original"):
        await echo.on_invoke_tool(ctx, "{}")
    assert await copied.on_invoke_tool(ctx, '{"value": "v"}') == "v"


async def test_a_copied_subclass_tool_runs_against_the_copy() -> None:
    @dataclasses.dataclass(eq=False)
    class SessionTool(FunctionTool):
        session: str = "original"

    async def invoke(self: SessionTool, ctx: ToolContext[Any], arguments: str) -> str:
        return self.session

    tool = SessionTool(
        "s", "", {"type": "object", "properties": {}}, lambda c, a: invoke(tool, c, a)
    )
    tool.on_invoke_tool = invoke.__get__(tool)
    copied = copy.copy(tool)
    copied.session = "copied"
    ctx = ToolContext(None, tool_name="s", tool_call_id="1", tool_arguments="{}")
    assert await copied.on_invoke_tool(ctx, "{}") == "copied"
    assert await tool.on_invoke_tool(ctx, "{}") == "original"


def test_run_context_wrapper_is_still_recognised() -> None:
    @function_tool
    def with_ctx(ctx: RunContextWrapper[Any], x: int) -> int:
        return x

    assert list(with_ctx.params_json_schema["properties"]) == ["x"]
