"""The spans of one run: its trace (own or joined), task span, agent and turn spans.

Built by `RunEnv.create` (in the caller's context, so a run inside `with trace(...)` joins
it); `None` when tracing is off, and then no span object is ever created. The loop-level
spans are opened and closed by `_lifecycle` in the run's own task; spans of model calls,
tools and guardrails nest under the current one through contextvars.
"""

from __future__ import annotations

import contextvars
from collections.abc import Generator
from contextlib import contextmanager
from typing import Any

from .._agent import Agent
from .._config import RunConfig
from .._output_schema import output_schema_for
from .._usage import Usage
from ..tracing._errors import span_error_from
from ..tracing.config import include_task_and_turn_spans
from ..tracing.provider import TraceProvider
from ..tracing.scope import Scope
from ..tracing.setup import get_trace_provider
from ..tracing.span_data import AgentSpanData, TaskSpanData, TurnSpanData
from ..tracing.spans import Span
from ..tracing.traces import NoOpTrace, Trace

__all__ = ["RunTracing", "usage_json"]


def usage_json(usage: Usage) -> dict[str, Any]:
    """The usage fields spans record."""
    return {"requests": usage.requests, "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens, "total_tokens": usage.total_tokens}  # fmt: skip


class RunTracing:
    """What one run records, and whether it includes sensitive data (`include_data`)."""

    __slots__ = (
        "_agent_span",
        "_metadata",
        "_outer_span",
        "_span_token",
        "_task_span",
        "_trace_token",
        "_turn_span",
        "include_data",
        "owns_trace",
        "provider",
        "trace",
        "with_task_and_turns",
    )

    def __init__(
        self, provider: TraceProvider, trace: Trace, owns_trace: bool, config: RunConfig
    ) -> None:
        self.provider = provider
        self.trace = trace
        self.owns_trace = owns_trace
        self.include_data = config.trace_include_sensitive_data
        self.with_task_and_turns = include_task_and_turn_spans(config.tracing)
        self._task_span: Span[TaskSpanData] | None = None
        self._agent_span: Span[AgentSpanData] | None = None
        self._turn_span: Span[TurnSpanData] | None = None
        self._trace_token: contextvars.Token[Trace | None] | None = None
        self._span_token: contextvars.Token[Span[Any] | None] | None = None
        self._outer_span: Span[Any] | None = None
        self._metadata: dict[str, Any] | None = None

    @classmethod
    def for_run(cls, config: RunConfig) -> RunTracing | None:
        """The run's tracing, or None if it records nothing."""
        if config.tracing_disabled:
            return None
        provider = get_trace_provider()
        if provider.is_disabled():
            return None
        current = provider.get_current_trace()
        if current is not None:
            return None if isinstance(current, NoOpTrace) else cls(provider, current, False, config)
        trace = provider.create_trace(
            name=config.workflow_name,
            trace_id=config.trace_id,
            group_id=config.group_id,
            metadata=config.trace_metadata,
            tracing=config.tracing,
        )
        return None if isinstance(trace, NoOpTrace) else cls(provider, trace, True, config)

    @contextmanager
    def running(
        self, workflow_name: str, usage: Usage, conversation_id: str | None
    ) -> Generator[None, None, None]:
        """Around the whole run, in the run's task: start the trace (if the run owns it) and
        the task span; at the end close every open span, recording the run's error if any.
        A server-side `conversation_id` goes in the task and agent spans' metadata."""
        if conversation_id is not None:
            self._metadata = {"conversation_id": conversation_id}
        if self.owns_trace:
            self.trace.start()
            self._trace_token = Scope.set_current_trace(self.trace)
        outer = Scope.get_current_span()
        self._outer_span = None if self.owns_trace else outer
        self._span_token = Scope.set_current_span(outer)
        if self.with_task_and_turns:
            data = TaskSpanData(workflow_name, metadata=self._metadata)
            self._task_span = self._open(data, self._outer_span)
        try:
            yield
        except BaseException as exc:
            error = span_error_from(exc, include_message=self.include_data)
            for span in (self._turn_span, self._agent_span, self._task_span):
                if span is not None and span.error is None:
                    span.set_error(error)
            raise
        finally:
            self.end_agent()
            if self._task_span is not None:
                self._task_span.span_data.usage = usage_json(usage)
                self._task_span.finish()
                self._task_span = None
            if self._span_token is not None:
                Scope.reset_current_span(self._span_token)
            if self._trace_token is not None:
                self.trace.finish()
                Scope.reset_current_trace(self._trace_token)

    def _open(self, data: Any, parent: Span[Any] | None) -> Span[Any]:
        span = self.provider.create_span(data, parent=parent or self.trace)
        span.start()
        Scope.set_current_span(span)
        return span

    def start_agent(self, agent: Agent[Any]) -> None:
        """Open the agent's span (ending the previous agent's)."""
        self.end_agent()
        schema = output_schema_for(agent.output_type)
        output_type = "str" if schema is None else schema.name()
        data = AgentSpanData(agent.name, output_type=output_type, metadata=self._metadata)
        self._agent_span = self._open(data, self._task_span or self._outer_span)

    def needs_tool_names(self) -> bool:
        """Whether the current agent's span has yet to list its tools and handoffs."""
        return self._agent_span is not None and self._agent_span.span_data.tools is None

    def name_tools(self, tools: list[str], handoffs: list[str]) -> None:
        if self._agent_span is not None:
            self._agent_span.span_data.tools = tools
            self._agent_span.span_data.handoffs = handoffs

    def start_turn(self, turn: int, agent: Agent[Any]) -> None:
        """Open the turn's span (ending the previous turn's)."""
        self.end_turn()
        if self.with_task_and_turns:
            self._turn_span = self._open(TurnSpanData(turn, agent.name), self._agent_span)

    def end_turn(self) -> None:
        if self._turn_span is not None:
            self._turn_span.finish()
            self._turn_span = None
            Scope.set_current_span(self._agent_span)

    def end_agent(self) -> None:
        self.end_turn()
        if self._agent_span is not None:
            self._agent_span.finish()
            self._agent_span = None
            Scope.set_current_span(self._task_span or self._outer_span)
