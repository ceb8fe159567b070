"""The tool phase: every call in its own cancel scope, concurrently, results in call order."""

from __future__ import annotations

import inspect
import math
from typing import Any

import anyio

from .._agent import Agent
from .._items import ItemHelpers, ToolCallOutputItem
from .._run_context import RunContextWrapper, ToolContext
from .._state import RunState
from .._tools import FunctionTool, FunctionToolResult, default_tool_timeout_error_message
from ..exceptions import ToolTimeoutError
from . import _lifecycle as lifecycle
from ._env import RunEnv
from ._turn import ToolRun

__all__ = ["final_output_from_tools", "run_function_tools"]


async def run_function_tools(
    env: RunEnv, state: RunState, agent: Agent[Any], runs: list[ToolRun]
) -> list[ToolCallOutputItem]:
    """Run all of a turn's tool calls at once and return their outputs in the model's order.

    An exception escaping a tool (one its `failure_error_function` did not turn into a message)
    cancels the other calls; once all have stopped, the error of the earliest call is raised.
    """
    outputs: list[Any] = [None] * len(runs)
    errors: dict[int, Exception] = {}
    ctx = state.context_wrapper
    limiter = env.limiter

    async with anyio.create_task_group() as tg:

        async def run_one(index: int) -> None:
            try:
                if limiter is None:
                    outputs[index] = await _invoke(env, ctx, agent, runs[index])
                else:
                    async with limiter:
                        outputs[index] = await _invoke(env, ctx, agent, runs[index])
            except Exception as exc:
                errors[index] = exc
                tg.cancel_scope.cancel()

        for index in range(len(runs)):
            tg.start_soon(run_one, index)

    if errors:
        raise errors[min(errors)]
    return [
        ToolCallOutputItem(
            agent, ItemHelpers.tool_call_output_item(run.call["call_id"], output), output
        )
        for run, output in zip(runs, outputs, strict=False)
    ]


async def _invoke(env: RunEnv, ctx: RunContextWrapper[Any], agent: Agent[Any], run: ToolRun) -> Any:
    tool = run.tool
    arguments = run.call.get("arguments") or ""
    tool_ctx = ToolContext.from_run_context(
        ctx,
        tool_name=tool.name,
        tool_call_id=run.call["call_id"],
        tool_arguments=arguments,
        agent=agent,
        run_config=env.config,
    )
    await lifecycle.tool_start(env, tool_ctx, agent, tool)
    timeout = tool.timeout_seconds or env.config.tool_timeout
    deadline = anyio.current_time() + timeout if timeout else math.inf
    with anyio.CancelScope(deadline=deadline) as scope:
        output = await tool.on_invoke_tool(tool_ctx, arguments)
    # A sync tool's thread cannot be interrupted: past its deadline it is reported late.
    if timeout and (scope.cancelled_caught or anyio.current_time() >= deadline):
        output = await _timed_out(tool, tool_ctx, timeout)
    await lifecycle.tool_end(env, tool_ctx, agent, tool, output)
    return output


async def _timed_out(tool: FunctionTool, ctx: ToolContext[Any], seconds: float) -> Any:
    error = ToolTimeoutError(tool.name, seconds)
    if tool.timeout_behavior == "raise_exception":
        raise error
    if tool.timeout_error_function is None:
        return default_tool_timeout_error_message(tool_name=tool.name, timeout_seconds=seconds)
    message = tool.timeout_error_function(ctx, error)
    return await message if inspect.isawaitable(message) else message


async def final_output_from_tools(
    state: RunState,
    agent: Agent[Any],
    runs: list[ToolRun],
    outputs: list[ToolCallOutputItem],
) -> tuple[bool, Any]:
    """Apply `agent.tool_use_behavior` to a turn's tool results."""
    behavior = agent.tool_use_behavior
    if behavior == "run_llm_again":
        return False, None
    if behavior == "stop_on_first_tool":
        return True, outputs[0].output
    if isinstance(behavior, dict):
        stop_names = behavior["stop_at_tool_names"]
        for run, item in zip(runs, outputs, strict=False):
            if run.tool.name in stop_names:
                return True, item.output
        return False, None
    results = [
        FunctionToolResult(tool=run.tool, output=item.output, run_item=item)
        for run, item in zip(runs, outputs, strict=False)
    ]
    decision = behavior(state.context_wrapper, results)
    if inspect.isawaitable(decision):
        decision = await decision
    return decision.is_final_output, decision.final_output
