"""The tool phase: every call in its own cancel scope, concurrently, results in call order."""

from __future__ import annotations

import contextlib
import inspect
import math
from typing import Any

import anyio

from .._agent import Agent
from .._items import RunItem, ToolApprovalItem, ToolCallOutputItem
from .._run_context import ToolContext
from .._state import RunState
from .._tools import FunctionToolResult, default_tool_timeout_error_message
from ..exceptions import ToolTimeoutError
from . import _lifecycle as lifecycle
from ._approvals import approval_decision, approval_item, rejection_message
from ._boundary import first_error, is_cancellation
from ._env import RunEnv
from ._tool_calls import FunctionToolRun, ToolRun
from ._tool_guards import check_tool_input, check_tool_output

__all__ = ["final_output_from_tools", "run_tools"]


async def run_tools(
    env: RunEnv, state: RunState, agent: Agent[Any], runs: list[ToolRun]
) -> tuple[list[RunItem], list[ToolApprovalItem]]:
    """Run all of a turn's tool calls at once; return their output items in the model's order,
    and the calls that wait for a human's approval (those never start).

    Every kind of call goes through `_run_call`, after its approval check; a rejected call's
    output tells the model it was not approved. An exception escaping a call (one its tool did
    not turn into a message) cancels the other calls; once all have stopped, the error of the
    earliest call is raised (a `KeyboardInterrupt`/`SystemExit`-like one first).
    """
    for budget in env.budgets:
        budget.before_tool_calls(len(runs))
    outputs: list[Any] = [_WAITING] * len(runs)
    errors: list[BaseException | None] = [None] * len(runs)
    limiter = env.limiter
    # Decided once per turn: with no tracing, hooks, run-wide timeout or limiter, a call whose
    # tool has no timeout or guardrails of its own is only its invocation.
    bare = (
        limiter is None
        and env.tracing is None
        and env.hooks is None
        and agent.hooks is None
        and not env.config.tool_timeout
    )

    async with anyio.create_task_group() as tg:

        async def run_one(index: int) -> None:
            run = runs[index]
            try:
                if run.needs_approval is not False:
                    ctx = state.context_wrapper
                    decision = await approval_decision(ctx, run)
                    if decision is None and _guards_before_approval(env, run):
                        message = await check_tool_input(
                            state,
                            run.input_guardrails,
                            _tool_context(env, state, agent, run),
                            agent,
                        )
                        if message is not None:
                            outputs[index] = run.output_item(agent, message)
                        return
                    if decision is not True:
                        if decision is False:
                            outputs[index] = run.output_item(
                                agent, await rejection_message(ctx, run, env.config)
                            )
                        return
                if bare and run.is_bare():
                    output = await run.invoke(_tool_context(env, state, agent, run))
                    outputs[index] = run.output_item(agent, output)
                elif limiter is None:
                    outputs[index] = await _run_call(env, state, agent, run)
                else:
                    async with limiter:
                        outputs[index] = await _run_call(env, state, agent, run)
            except BaseException as exc:
                # Kept, not left to escape the task: on asyncio a KeyboardInterrupt escaping a
                # task leaves the event loop at once, skipping the run's cleanup.
                if is_cancellation(exc):
                    raise
                errors[index] = exc
                tg.cancel_scope.cancel()

        for index in range(len(runs)):
            tg.start_soon(run_one, index)

    error = first_error(errors)
    if error is not None:
        raise error
    if _WAITING not in outputs:
        return outputs, []
    done = [output for output in outputs if output is not _WAITING]
    waiting = [
        approval_item(agent, run)
        for run, output in zip(runs, outputs, strict=False)
        if output is _WAITING
    ]
    return done, waiting


_WAITING: Any = object()
"""The output slot of a call that waits for approval."""


async def _run_call(env: RunEnv, state: RunState, agent: Agent[Any], run: ToolRun) -> RunItem:
    """One call, whatever its kind, in its own cancel scope (the timeout covers its guardrails)
    and its own function span: input guardrails, start hook, the call, output guardrails; then
    the end hook.

    A rejecting input guardrail's message is the output and the tool's hooks do not fire."""
    tool_ctx = _tool_context(env, state, agent, run)
    timeout = run.timeout_seconds or env.config.tool_timeout
    with lifecycle.function_span(
        env, tool_ctx.tool_name, tool_ctx.tool_arguments, tool_ctx.tool_call_id
    ) as span:
        deadline = anyio.current_time() + timeout if timeout else math.inf
        started = False
        # Without a timeout the task's own cancel scope is the call's (anyio gives every task
        # one): a second, never cancelled on its own, would only cost.
        with anyio.CancelScope(deadline=deadline) if timeout else _NO_SCOPE as scope:
            guardrails = run.input_guardrails
            output = (
                await check_tool_input(state, guardrails, tool_ctx, agent) if guardrails else None
            )
            if output is None:
                started = run.has_hooks
                if started:
                    await lifecycle.tool_start(env, tool_ctx, agent, run.tool)
                output = await run.invoke(tool_ctx)
                if guardrails := run.output_guardrails:
                    output = await check_tool_output(state, guardrails, tool_ctx, agent, output)
        # A sync tool's thread cannot be interrupted: past its deadline it is reported late.
        if (
            timeout
            and scope is not None
            and (scope.cancelled_caught or anyio.current_time() >= deadline)
        ):
            lifecycle.tool_failed(span, "Tool timed out", {"timeout_seconds": timeout})
            output = await _timed_out(run, tool_ctx, timeout)
        if started:
            await lifecycle.tool_end(env, tool_ctx, agent, run.tool, output, span)
    return run.output_item(agent, output)


_NO_SCOPE: contextlib.nullcontext[None] = contextlib.nullcontext()


def _tool_context(
    env: RunEnv, state: RunState, agent: Agent[Any], run: ToolRun
) -> ToolContext[Any]:
    ctx = ToolContext.from_run_context(
        state.context_wrapper,
        tool_name=run.tool_name,
        tool_call_id=run.call_id,
        tool_arguments=run.arguments,
        agent=agent,
        run_config=env.config,
    )
    namespace = run.call.get("namespace")
    if isinstance(namespace, str):
        ctx.tool_namespace = namespace
    return ctx


def _guards_before_approval(env: RunEnv, run: ToolRun) -> bool:
    """Whether a call waiting for approval runs its input guardrails first (`ToolExecutionConfig
    .pre_approval_tool_input_guardrails`)."""
    options = env.config.tool_execution
    return bool(options and options.pre_approval_tool_input_guardrails and run.input_guardrails)


async def _timed_out(run: ToolRun, ctx: ToolContext[Any], seconds: float) -> Any:
    error = ToolTimeoutError(run.tool_name, seconds)
    if run.timeout_behavior == "raise_exception":
        raise error
    if run.timeout_error_function is None:
        return default_tool_timeout_error_message(tool_name=run.tool_name, timeout_seconds=seconds)
    message = run.timeout_error_function(ctx, error)
    return await message if inspect.isawaitable(message) else message


async def final_output_from_tools(
    state: RunState,
    agent: Agent[Any],
    runs: list[ToolRun],
    outputs: list[RunItem],
) -> tuple[bool, Any]:
    """Apply `agent.tool_use_behavior` to a turn's function tool results (as the reference,
    other kinds of calls never end the run)."""
    behavior = agent.tool_use_behavior
    if behavior == "run_llm_again":
        return False, None
    results = [
        FunctionToolResult(tool=run.tool, output=item.output, run_item=item)
        for run, item in zip(runs, outputs, strict=False)
        if isinstance(run, FunctionToolRun) and isinstance(item, ToolCallOutputItem)
    ]
    if not results:
        return False, None
    if behavior == "stop_on_first_tool":
        return True, results[0].output
    if isinstance(behavior, dict):
        stop_names = behavior["stop_at_tool_names"]
        for result in results:
            if result.tool.name in stop_names:
                return True, result.output
        return False, None
    decision = behavior(state.context_wrapper, results)
    if inspect.isawaitable(decision):
        decision = await decision
    return decision.is_final_output, decision.final_output
