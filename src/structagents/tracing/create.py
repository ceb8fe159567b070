"""`trace()` and the span functions. Spans are not started until `with` (or `.start()`).

Every span function takes `span_id` (default: a new id), `parent` (default: the current span,
else the current trace) and `disabled` (return a span that records nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._log import logger
from .config import TracingConfig
from .setup import get_trace_provider
from .span_data import (
    AgentSpanData,
    CustomSpanData,
    FunctionSpanData,
    GenerationSpanData,
    GuardrailSpanData,
    HandoffSpanData,
    MCPListToolsSpanData,
    ResponseSpanData,
    SpeechGroupSpanData,
    SpeechSpanData,
    TaskSpanData,
    TranscriptionSpanData,
    TurnSpanData,
)
from .spans import Span, TSpanData
from .traces import Trace

if TYPE_CHECKING:
    from openai.types.responses import Response

__all__ = [
    "agent_span",
    "custom_span",
    "function_span",
    "generation_span",
    "get_current_span",
    "get_current_trace",
    "guardrail_span",
    "handoff_span",
    "mcp_tools_span",
    "response_span",
    "speech_group_span",
    "speech_span",
    "task_span",
    "trace",
    "transcription_span",
    "turn_span",
]

Parent = Trace | Span[Any] | None


def trace(
    workflow_name: str,
    trace_id: str | None = None,
    group_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    tracing: TracingConfig | None = None,
    disabled: bool = False,
) -> Trace:
    """A new trace for a workflow. Runs started inside `with trace(...):` join it, so several
    runs form one workflow. `group_id` links traces of one conversation; `metadata` is
    attached to the trace; `tracing` may carry an export `api_key`."""
    provider = get_trace_provider()
    if provider.get_current_trace() is not None:
        logger.warning("A trace is already current; starting a new one inside it.")
    return provider.create_trace(
        name=workflow_name,
        trace_id=trace_id,
        group_id=group_id,
        metadata=metadata,
        tracing=tracing,
        disabled=disabled,
    )


def get_current_trace() -> Trace | None:
    """The trace current in this context, if any."""
    return get_trace_provider().get_current_trace()


def get_current_span() -> Span[Any] | None:
    """The span current in this context, if any (inside a tool: that tool call's span)."""
    return get_trace_provider().get_current_span()


def _span(data: TSpanData, span_id: str | None, parent: Parent, disabled: bool) -> Span[TSpanData]:
    return get_trace_provider().create_span(data, span_id, parent, disabled)


def agent_span(
    name: str,
    handoffs: list[str] | None = None,
    tools: list[str] | None = None,
    output_type: str | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[AgentSpanData]:
    """A span for one agent's part of a run."""
    data = AgentSpanData(name=name, handoffs=handoffs, tools=tools, output_type=output_type)
    return _span(data, span_id, parent, disabled)


def task_span(
    name: str, span_id: str | None = None, parent: Parent = None, disabled: bool = False
) -> Span[TaskSpanData]:
    """A span for one top-level run."""
    return _span(TaskSpanData(name=name), span_id, parent, disabled)


def turn_span(
    turn: int,
    agent_name: str,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[TurnSpanData]:
    """A span for one turn of the run loop."""
    data = TurnSpanData(turn=turn, agent_name=agent_name)
    return _span(data, span_id, parent, disabled)


def function_span(
    name: str,
    input: str | None = None,
    output: str | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[FunctionSpanData]:
    """A span for one tool (function) call."""
    data = FunctionSpanData(name=name, input=input, output=output)
    return _span(data, span_id, parent, disabled)


def generation_span(
    input: Sequence[Mapping[str, Any]] | None = None,
    output: Sequence[Mapping[str, Any]] | None = None,
    model: str | None = None,
    model_config: Mapping[str, Any] | None = None,
    usage: dict[str, Any] | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[GenerationSpanData]:
    """A span for a model generation with its messages (e.g. a Chat Completions call)."""
    data = GenerationSpanData(
        input=input, output=output, model=model, model_config=model_config, usage=usage
    )
    return _span(data, span_id, parent, disabled)


def response_span(
    response: Response | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[ResponseSpanData]:
    """A span for one Responses-API call."""
    data = ResponseSpanData(response=response)
    return _span(data, span_id, parent, disabled)


def handoff_span(
    from_agent: str | None = None,
    to_agent: str | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[HandoffSpanData]:
    """A span for a handoff between agents."""
    data = HandoffSpanData(from_agent=from_agent, to_agent=to_agent)
    return _span(data, span_id, parent, disabled)


def custom_span(
    name: str,
    data: dict[str, Any] | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[CustomSpanData]:
    """A span of your own; put what you want to record in `data`."""
    span_data = CustomSpanData(name=name, data=data or {})
    return _span(span_data, span_id, parent, disabled)


def guardrail_span(
    name: str,
    triggered: bool = False,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[GuardrailSpanData]:
    """A span for one guardrail check."""
    data = GuardrailSpanData(name=name, triggered=triggered)
    return _span(data, span_id, parent, disabled)


def transcription_span(
    model: str | None = None,
    input: str | None = None,
    input_format: str | None = "pcm",
    output: str | None = None,
    model_config: Mapping[str, Any] | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[TranscriptionSpanData]:
    """A span for speech-to-text."""
    data = TranscriptionSpanData(
        input=input, input_format=input_format, output=output, model=model,
        model_config=model_config,
    )  # fmt: skip
    return _span(data, span_id, parent, disabled)


def speech_span(
    model: str | None = None,
    input: str | None = None,
    output: str | None = None,
    output_format: str | None = "pcm",
    model_config: Mapping[str, Any] | None = None,
    first_content_at: str | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[SpeechSpanData]:
    """A span for text-to-speech."""
    data = SpeechSpanData(
        input=input, output=output, output_format=output_format, model=model,
        model_config=model_config, first_content_at=first_content_at,
    )  # fmt: skip
    return _span(data, span_id, parent, disabled)


def speech_group_span(
    input: str | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[SpeechGroupSpanData]:
    """A span grouping speech spans."""
    data = SpeechGroupSpanData(input=input)
    return _span(data, span_id, parent, disabled)


def mcp_tools_span(
    server: str | None = None,
    result: list[str] | None = None,
    span_id: str | None = None,
    parent: Parent = None,
    disabled: bool = False,
) -> Span[MCPListToolsSpanData]:
    """A span for listing an MCP server's tools."""
    data = MCPListToolsSpanData(server=server, result=result)
    return _span(data, span_id, parent, disabled)
