"""Tool input and output guardrails, run in order inside a call's own cancel scope."""

from __future__ import annotations

from typing import Any

from .._agent import Agent
from .._run_context import ToolContext
from .._state import RunState
from .._tool_guardrails import (
    ToolInputGuardrail,
    ToolInputGuardrailData,
    ToolInputGuardrailResult,
    ToolOutputGuardrail,
    ToolOutputGuardrailData,
    ToolOutputGuardrailResult,
)
from ..exceptions import ToolInputGuardrailTripwireTriggered, ToolOutputGuardrailTripwireTriggered

__all__ = ["check_tool_input", "check_tool_output"]


async def check_tool_input(
    state: RunState,
    guardrails: list[ToolInputGuardrail[Any]],
    ctx: ToolContext[Any],
    agent: Agent[Any],
) -> str | None:
    """Run the call's input guardrails; the first rejection's message, or `None` to go ahead.

    `raise_exception` raises `ToolInputGuardrailTripwireTriggered`."""
    data = ToolInputGuardrailData(context=ctx, agent=agent)
    for guardrail in guardrails:
        output = await guardrail.run(data)
        state.tool_input_guardrail_results.append(ToolInputGuardrailResult(guardrail, output))
        behavior = output.behavior
        if behavior["type"] == "raise_exception":
            raise ToolInputGuardrailTripwireTriggered(guardrail, output)
        if behavior["type"] == "reject_content":
            return behavior["message"]
    return None


async def check_tool_output(
    state: RunState,
    guardrails: list[ToolOutputGuardrail[Any]],
    ctx: ToolContext[Any],
    agent: Agent[Any],
    output: Any,
) -> Any:
    """Run the call's output guardrails; the output to send (a rejection's message replaces it).

    `raise_exception` raises `ToolOutputGuardrailTripwireTriggered`."""
    data = ToolOutputGuardrailData(context=ctx, agent=agent, output=output)
    for guardrail in guardrails:
        decision = await guardrail.run(data)
        state.tool_output_guardrail_results.append(ToolOutputGuardrailResult(guardrail, decision))
        behavior = decision.behavior
        if behavior["type"] == "raise_exception":
            raise ToolOutputGuardrailTripwireTriggered(guardrail, decision)
        if behavior["type"] == "reject_content":
            return behavior["message"]
    return output
