"""`Agent.as_tool`: run an agent as a tool of another agent, as a nested run."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ._config import DEFAULT_MAX_TURNS, RunConfig, coerce_run_config
from ._hooks import RunHooks
from ._naming import function_style_name
from ._result import RunResult
from ._run_context import RunContextWrapper, ToolContext
from ._runner import run_in_context
from ._tools import FunctionTool, NeedsApproval, function_tool
from ._usage import Usage
from .exceptions import UsageLimitExceeded, UserError

if TYPE_CHECKING:
    from ._agent import Agent
    from ._tool_guardrails import ToolInputGuardrail, ToolOutputGuardrail

__all__ = ["agent_as_tool"]


def agent_as_tool(
    agent: Agent[Any],
    *,
    tool_name: str | None,
    tool_description: str | None,
    custom_output_extractor: Callable[[RunResult], str | Awaitable[str]] | None,
    is_enabled: Any,
    run_config: RunConfig | dict[str, Any] | None,
    max_turns: int | None,
    hooks: RunHooks[Any] | None,
    tool_input_guardrails: list[ToolInputGuardrail[Any]] | None = None,
    tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None = None,
    needs_approval: NeedsApproval = False,
) -> FunctionTool:
    """See `Agent.as_tool`."""
    config = None if run_config is None else coerce_run_config(run_config)

    async def run_agent(ctx: ToolContext[Any], input: str) -> Any:
        """Send `input` to the agent and return its answer.

        Args:
            input: The request for the agent.
        """
        usage = Usage()
        try:
            result = await run_in_context(
                agent,
                input,
                RunContextWrapper(ctx.context, usage),
                {"max_turns": max_turns or DEFAULT_MAX_TURNS, "hooks": hooks, "run_config": config},
            )
        except UsageLimitExceeded as exc:
            exc.run_data = None  # the calling run reports its own data
            raise
        finally:  # requests made count even when the nested run fails or is cancelled
            ctx.usage.add(usage)
        if result.interruptions:
            raise UserError(
                f"Agent {agent.name!r}, used as a tool, paused for an approval: approvals inside "
                "a nested run are not supported; set needs_approval on the as_tool() instead."
            )
        if custom_output_extractor is None:
            return result.final_output
        output = custom_output_extractor(result)
        return await output if inspect.isawaitable(output) else output

    tool = function_tool(
        run_agent,
        name_override=tool_name or function_style_name(agent.name),
        description_override=tool_description or agent.handoff_description or "",
        is_enabled=is_enabled,
        tool_input_guardrails=tool_input_guardrails,
        tool_output_guardrails=tool_output_guardrails,
        needs_approval=needs_approval,
    )
    tool._agent_instance = agent
    return tool
