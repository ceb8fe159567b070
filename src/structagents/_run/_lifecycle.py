"""The one place each lifecycle point is announced: to tracing (spans), then to the run hooks,
then to the agent's hooks. Hooks and spans are fed from here only, so they never disagree.

Spans are opened before the hooks run and closed after, so a hook's own spans nest inside.
Without tracing (`env.tracing is None`) no span object is created.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

from .._agent import Agent
from .._guardrails import InputGuardrailResult, OutputGuardrailResult
from .._handoffs import Handoff
from .._items import TResponseInputItem
from .._run_context import RunContextWrapper
from .._state import RunState
from .._tools import Tool
from ..models.interface import Model, ModelResponse, ModelTracing
from ..tracing._errors import span_error_from
from ..tracing.span_data import (
    FunctionSpanData,
    GuardrailSpanData,
    HandoffSpanData,
    ResponseSpanData,
)
from ..tracing.spans import Span
from ._env import RunEnv
from ._tracing import RunTracing, usage_json

__all__ = [
    "agent_end",
    "agent_start",
    "function_span",
    "guarded",
    "handoff",
    "llm_end",
    "llm_start",
    "model_call_span",
    "model_tracing",
    "tool_end",
    "tool_failed",
    "tool_start",
    "traced_run",
    "turn_start",
]

R = TypeVar("R", InputGuardrailResult, OutputGuardrailResult)
_NO_SPAN: contextlib.nullcontext[None] = contextlib.nullcontext()


class _Opened:
    """`with` a span: start it as current; on exit record the error (with its text only when
    the run includes sensitive data) and finish it."""

    __slots__ = ("include_data", "span")

    def __init__(self, span: Span[Any], include_data: bool) -> None:
        self.span = span
        self.include_data = include_data

    def __enter__(self) -> Span[Any]:
        self.span.start(mark_as_current=True)
        return self.span

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None and self.span.error is None:
            self.span.set_error(span_error_from(exc, include_message=self.include_data))
        self.span.finish(reset_current=True)


def _opened(tracing: RunTracing, data: Any) -> _Opened:
    return _Opened(tracing.provider.create_span(data), tracing.include_data)


def traced_run(env: RunEnv, state: RunState) -> contextlib.AbstractContextManager[None]:
    """`with` this around the whole run, in the run's task: its trace and task span."""
    if env.tracing is None:
        return _NO_SPAN
    return env.tracing.running(
        env.config.workflow_name, state.context_wrapper.usage, state.conversation_id
    )


async def agent_start(env: RunEnv, ctx: RunContextWrapper[Any], agent: Agent[Any]) -> None:
    if env.tracing is not None:
        env.tracing.start_agent(agent)
    if env.hooks is not None:
        await env.hooks.on_agent_start(ctx, agent)
    if agent.hooks is not None:
        await agent.hooks.on_start(ctx, agent)


def turn_start(
    env: RunEnv, turn: int, agent: Agent[Any], tools: list[Tool], handoffs: list[Handoff[Any]]
) -> None:
    """A turn begins (after the agent's tools and handoffs are known)."""
    tracing = env.tracing
    if tracing is not None:
        if tracing.needs_tool_names():
            tracing.name_tools([tool.name for tool in tools], [h.agent_name for h in handoffs])
        tracing.start_turn(turn, agent)


async def agent_end(
    env: RunEnv, ctx: RunContextWrapper[Any], agent: Agent[Any], output: Any
) -> None:
    if env.hooks is not None:
        await env.hooks.on_agent_end(ctx, agent, output)
    if agent.hooks is not None:
        await agent.hooks.on_end(ctx, agent, output)
    if env.tracing is not None:
        env.tracing.end_agent()


def model_tracing(env: RunEnv) -> ModelTracing:
    """What the model is told about tracing for this run."""
    if env.tracing is None:
        return ModelTracing.DISABLED
    return ModelTracing.ENABLED if env.tracing.include_data else ModelTracing.ENABLED_WITHOUT_DATA


def model_call_span(
    env: RunEnv,
    agent: Agent[Any],
    model: Model,
    system_prompt: str | None,
    input_items: list[TResponseInputItem],
) -> contextlib.AbstractContextManager[Span[ResponseSpanData] | None]:
    """`with` this around one model call: its response span (None without tracing)."""
    tracing = env.tracing
    if tracing is None:
        return _NO_SPAN
    data = ResponseSpanData()
    name = getattr(model, "model", None)
    data.model = (
        name if isinstance(name, str) else agent.model if isinstance(agent.model, str) else None
    )
    if tracing.include_data:
        data.input = input_items
        data.instructions = system_prompt
    return _opened(tracing, data)


async def llm_start(
    env: RunEnv,
    ctx: RunContextWrapper[Any],
    agent: Agent[Any],
    system_prompt: str | None,
    input_items: list[TResponseInputItem],
) -> None:
    if env.hooks is not None:
        await env.hooks.on_llm_start(ctx, agent, system_prompt, input_items)
    if agent.hooks is not None:
        await agent.hooks.on_llm_start(ctx, agent, system_prompt, input_items)


async def llm_end(
    env: RunEnv,
    ctx: RunContextWrapper[Any],
    agent: Agent[Any],
    response: ModelResponse,
    span: Span[ResponseSpanData] | None = None,
) -> None:
    if span is not None:
        data = span.span_data
        data.response_id = response.response_id
        data.usage = usage_json(response.usage)
        if env.tracing is not None and env.tracing.include_data:
            data.output = response.to_input_items()
    if env.hooks is not None:
        await env.hooks.on_llm_end(ctx, agent, response)
    if agent.hooks is not None:
        await agent.hooks.on_llm_end(ctx, agent, response)


def function_span(
    env: RunEnv, tool_name: str, arguments: str, call_id: str | None
) -> contextlib.AbstractContextManager[Span[FunctionSpanData] | None]:
    """`with` this around one tool call: its span, current inside the tool (None without
    tracing). Calls run concurrently, so their spans are siblings."""
    tracing = env.tracing
    if tracing is None:
        return _NO_SPAN
    data = FunctionSpanData(tool_name, arguments if tracing.include_data else None, None)
    data.call_id = call_id
    return _opened(tracing, data)


def tool_failed(span: Span[Any] | None, message: str, data: dict[str, Any]) -> None:
    """Record on a tool call's span that it failed without raising (e.g. timed out)."""
    if span is not None:
        span.set_error({"message": message, "data": data})


async def tool_start(
    env: RunEnv, ctx: RunContextWrapper[Any], agent: Agent[Any], tool: Tool
) -> None:
    if env.hooks is not None:
        await env.hooks.on_tool_start(ctx, agent, tool)
    if agent.hooks is not None:
        await agent.hooks.on_tool_start(ctx, agent, tool)


async def tool_end(
    env: RunEnv,
    ctx: RunContextWrapper[Any],
    agent: Agent[Any],
    tool: Tool,
    result: Any,
    span: Span[FunctionSpanData] | None = None,
) -> None:
    if span is not None and env.tracing is not None and env.tracing.include_data:
        span.span_data.output = result
    if env.hooks is not None:
        await env.hooks.on_tool_end(ctx, agent, tool, result)
    if agent.hooks is not None:
        await agent.hooks.on_tool_end(ctx, agent, tool, result)


async def handoff(
    env: RunEnv, ctx: RunContextWrapper[Any], source: Agent[Any], target: Agent[Any]
) -> None:
    tracing = env.tracing
    with (
        _NO_SPAN if tracing is None else _opened(tracing, HandoffSpanData(source.name, target.name))
    ):
        if env.hooks is not None:
            await env.hooks.on_handoff(ctx, source, target)
        if source.hooks is not None:  # the source's hooks, as in the reference
            await source.hooks.on_handoff(ctx, target, source)


def guarded(
    env: RunEnv, name: str, check: Callable[[], Awaitable[R]]
) -> Callable[[], Awaitable[R]]:
    """`check` (one guardrail run), inside a guardrail span recording whether it tripped."""
    tracing = env.tracing
    if tracing is None:
        return check

    async def traced() -> R:
        with _opened(tracing, GuardrailSpanData(name)) as span:
            result = await check()
            span.span_data.triggered = result.output.tripwire_triggered
            return result

    return traced
