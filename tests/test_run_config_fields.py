"""RunConfig: tool_not_found_behavior, tool_error_formatter, reasoning_item_id_policy and
output_guardrail_blocked_message."""

from __future__ import annotations

from typing import Any

import pytest

from structagents import (
    Agent,
    GuardrailFunctionOutput,
    ModelBehaviorError,
    OutputGuardrailResult,
    RunConfig,
    Runner,
    ToolErrorFormatterArgs,
    UserError,
    function_tool,
    output_guardrail,
)
from structagents.testing import ModelCall, ScriptedModel, assistant_message, function_call


def outputs_seen(call: ModelCall) -> dict[str, Any]:
    return {
        i["call_id"]: i["output"] for i in call.input if i.get("type") == "function_call_output"
    }


def unknown_tool_model() -> ScriptedModel:
    return ScriptedModel([[function_call("nope", {"x": 1}, call_id="c1")], "recovered"])


async def test_an_unknown_tool_raises_by_default() -> None:
    with pytest.raises(ModelBehaviorError, match="'nope'"):
        await Runner.run(Agent(name="A", model=unknown_tool_model()), "hi")


async def test_an_unknown_tool_can_be_reported_to_the_model() -> None:
    model = unknown_tool_model()
    config = RunConfig(tool_not_found_behavior="return_error_to_model")
    result = await Runner.run(Agent(name="A", model=model), "hi", run_config=config)
    assert result.final_output == "recovered"
    assert outputs_seen(model.calls[1]) == {"c1": "Tool 'nope' not found."}
    assert [item.type for item in result.new_items] == [
        "tool_call_item",
        "tool_call_output_item",
        "message_output_item",
    ]


@pytest.mark.parametrize(
    ("formatter_result", "expected"),
    [
        ("No tool {name} here; use lookup.", "No tool nope here; use lookup."),
        (None, "Tool 'nope' not found."),
        (RuntimeError("formatter bug"), "Tool 'nope' not found."),
    ],
)
async def test_tool_error_formatter_words_the_error(formatter_result: Any, expected: str) -> None:
    seen: list[ToolErrorFormatterArgs[Any]] = []

    async def formatter(args: ToolErrorFormatterArgs[Any]) -> str | None:
        seen.append(args)
        if isinstance(formatter_result, Exception):
            raise formatter_result
        return None if formatter_result is None else formatter_result.format(name=args.tool_name)

    model = unknown_tool_model()
    config = RunConfig(
        tool_not_found_behavior="return_error_to_model", tool_error_formatter=formatter
    )
    await Runner.run(Agent(name="A", model=model), "hi", run_config=config, context="ctx")
    assert outputs_seen(model.calls[1]) == {"c1": expected}
    [args] = seen
    assert (args.kind, args.tool_type, args.tool_name, args.call_id) == (
        "tool_not_found",
        "function",
        "nope",
        "c1",
    )
    assert args.default_message == "Tool 'nope' not found."
    assert args.run_context.context == "ctx"


async def test_tool_error_formatter_words_rejected_approvals() -> None:
    @function_tool(needs_approval=True)
    def delete(path: str) -> str:
        """Delete a file.

        Args:
            path: The file.
        """
        return "deleted"

    def formatter(args: ToolErrorFormatterArgs[Any]) -> str:
        return f"{args.kind}: {args.tool_name} ({args.default_message})"

    model = ScriptedModel([[function_call("delete", {"path": "a"}, call_id="c1")], "ok"])
    agent = Agent(name="Files", model=model, tools=[delete])
    config = RunConfig(tool_error_formatter=formatter)
    state = (await Runner.run(agent, "go", run_config=config)).to_state()
    state.reject(state.get_interruptions()[0])
    result = await Runner.run(agent, state, run_config=config)
    assert result.final_output == "ok"
    assert outputs_seen(model.calls[1]) == {
        "c1": "approval_rejected: delete (Tool execution was not approved.)"
    }


async def test_reasoning_item_ids_can_be_omitted_from_the_model_input() -> None:
    reasoning = {"type": "reasoning", "id": "rs_1", "summary": []}

    def steps() -> list[Any]:
        return [[reasoning, function_call("nope", {}, call_id="c1")], "done"]

    for policy, expect_id in ((None, True), ("preserve", True), ("omit", False)):
        model = ScriptedModel(steps())
        config = RunConfig(tool_not_found_behavior="return_error_to_model")
        config.reasoning_item_id_policy = policy  # type: ignore[assignment]
        result = await Runner.run(Agent(name="R", model=model), "hi", run_config=config)
        [sent] = [i for i in model.calls[1].input if i.get("type") == "reasoning"]
        assert ("id" in sent) is expect_id
        assert result.new_items[0].raw_item.id == "rs_1"  # the run's items keep it
    with pytest.raises(UserError, match="reasoning_item_id_policy"):
        RunConfig(reasoning_item_id_policy="drop")  # type: ignore[arg-type]


@output_guardrail
def no_secrets(ctx: Any, agent: Any, output: Any) -> GuardrailFunctionOutput:
    return GuardrailFunctionOutput(output_info="secret!", tripwire_triggered="secret" in output)


async def test_a_blocked_message_answers_instead_of_raising() -> None:
    agent = Agent(
        name="G", model=ScriptedModel(["the secret is 42"]), output_guardrails=[no_secrets]
    )
    config = RunConfig(output_guardrail_blocked_message="I can't share that.")
    result = await Runner.run(agent, "hi", run_config=config)
    assert result.final_output == "I can't share that."
    assert result.output_guardrail_results[0].output.tripwire_triggered

    async def explain(tripped: OutputGuardrailResult) -> str:
        return f"Blocked ({tripped.output.output_info})"

    agent = agent.clone(model=ScriptedModel([[assistant_message("a secret")]]))
    result = await Runner.run(
        agent, "hi", run_config=RunConfig(output_guardrail_blocked_message=explain)
    )
    assert result.final_output == "Blocked (secret!)"
