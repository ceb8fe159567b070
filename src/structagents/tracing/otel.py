"""`OpenTelemetryTracingProcessor`: runs as OpenTelemetry spans in the GenAI semantic conventions.

Needs the `structagents[otel]` extra. Spans go to the tracer provider your application set
(`opentelemetry.trace.set_tracer_provider`, or the one passed in), so they join the spans of
the rest of the application: a run's trace nests under the OpenTelemetry span current when it
started. Mapping:

- the trace: a span named after the workflow; `gen_ai.conversation.id` is the run's
  `conversation_id` (server-side conversation) if it has one, else the trace's `group_id`;
- agent span: `invoke_agent {agent}`; response/generation span: `chat {model}` (kind CLIENT)
  with `gen_ai.request.model`, `gen_ai.response.id`, `gen_ai.usage.input_tokens` /
  `output_tokens`; function span: `execute_tool {tool}` with `gen_ai.tool.name`,
  `gen_ai.tool.call.id`; handoff, guardrail and custom spans keep their own names;
- task and turn spans are not exported (their children attach to the next span up);
- an error (or cancellation) sets the span status to ERROR and `error.type`;
- content (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`,
  `gen_ai.tool.call.arguments` / `result`) only when the run includes sensitive data.

With a meter provider (yours, or the global one), model calls also record the
`gen_ai.client.token.usage` and `gen_ai.client.operation.duration` histograms.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import metrics as otel_metrics
from opentelemetry import trace as otel_trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from .processor_interface import TracingProcessor
from .span_data import (
    AgentSpanData,
    CustomSpanData,
    FunctionSpanData,
    GenerationSpanData,
    GuardrailSpanData,
    HandoffSpanData,
    ResponseSpanData,
    SpanData,
    TaskSpanData,
    TurnSpanData,
)

if TYPE_CHECKING:
    from .spans import Span
    from .traces import Trace

__all__ = ["OpenTelemetryTracingProcessor"]

_SKIPPED = (TaskSpanData, TurnSpanData)
_PROVIDER = "openai"


class OpenTelemetryTracingProcessor(TracingProcessor):
    """Turns traces and spans into OpenTelemetry spans (register with `add_trace_processor`)."""

    def __init__(
        self,
        tracer_provider: otel_trace.TracerProvider | None = None,
        meter_provider: otel_metrics.MeterProvider | None = None,
    ) -> None:
        self._tracer = otel_trace.get_tracer("structagents", tracer_provider=tracer_provider)
        meter = otel_metrics.get_meter("structagents", meter_provider=meter_provider)
        self._token_usage = meter.create_histogram(
            "gen_ai.client.token.usage", unit="{token}", description="Tokens used per request"
        )
        self._duration = meter.create_histogram(
            "gen_ai.client.operation.duration", unit="s", description="GenAI operation duration"
        )
        self._open: dict[str, otel_trace.Span] = {}
        self._conversations: dict[str, str] = {}
        self._lock = threading.Lock()

    def on_trace_start(self, trace: Trace) -> None:
        group_id = getattr(trace, "group_id", None)
        attributes: dict[str, Any] = {"structagents.trace_id": trace.trace_id}
        if group_id:
            attributes["gen_ai.conversation.id"] = group_id
            self._conversations[trace.trace_id] = group_id
        span = self._tracer.start_span(
            trace.name, context=otel_context.get_current(), attributes=attributes
        )
        self._open[trace.trace_id] = span

    def on_trace_end(self, trace: Trace) -> None:
        span = self._open.pop(trace.trace_id, None)
        self._conversations.pop(trace.trace_id, None)
        if span is not None:
            span.end()

    def on_span_start(self, span: Span[Any]) -> None:
        metadata = getattr(span.span_data, "metadata", None)
        if isinstance(metadata, dict) and isinstance(metadata.get("conversation_id"), str):
            self._conversations[span.trace_id] = metadata["conversation_id"]
        parent = self._parent_of(span)
        if isinstance(span.span_data, _SKIPPED):
            if parent is not None:
                self._open[span.span_id] = parent
            return
        name, kind, attributes = _describe(span.span_data)
        conversation = self._conversations.get(span.trace_id)
        if conversation is not None:
            attributes["gen_ai.conversation.id"] = conversation
        context = (
            otel_trace.set_span_in_context(parent)
            if parent is not None
            else otel_context.get_current()
        )
        start = getattr(span, "start_time_ns", None)
        self._open[span.span_id] = self._tracer.start_span(
            name, context=context, kind=kind, attributes=attributes, start_time=start
        )

    def _parent_of(self, span: Span[Any]) -> otel_trace.Span | None:
        if span.parent_id is not None:
            parent = self._open.get(span.parent_id)
            if parent is not None:
                return parent
        return self._open.get(span.trace_id)

    def on_span_end(self, span: Span[Any]) -> None:
        otel_span = self._open.pop(span.span_id, None)
        if otel_span is None or isinstance(span.span_data, _SKIPPED):
            return
        data = span.span_data
        for key, value in _end_attributes(data).items():
            otel_span.set_attribute(key, value)
        error = span.error
        if error is not None:
            details = error.get("data") or {}
            otel_span.set_attribute("error.type", str(details.get("type") or error["message"]))
            otel_span.set_status(Status(StatusCode.ERROR, error["message"]))
        end = getattr(span, "end_time_ns", None)
        otel_span.end(end_time=end)
        if isinstance(data, ResponseSpanData | GenerationSpanData):
            self._record_metrics(data, span, error is not None)

    def _record_metrics(
        self, data: ResponseSpanData | GenerationSpanData, span: Any, failed: bool
    ) -> None:
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": _PROVIDER,
        }
        if data.model:
            attributes["gen_ai.request.model"] = data.model
        start, end = getattr(span, "start_time_ns", None), getattr(span, "end_time_ns", None)
        if start is not None and end is not None:
            timing = dict(attributes)
            if failed:
                timing["error.type"] = str((span.error.get("data") or {}).get("type") or "error")
            self._duration.record((end - start) / 1e9, timing)
        usage = data.usage or {}
        for token_type in ("input", "output"):
            count = usage.get(f"{token_type}_tokens")
            if isinstance(count, int):
                self._token_usage.record(count, {**attributes, "gen_ai.token.type": token_type})

    def shutdown(self) -> None:
        with self._lock:
            self._open.clear()
            self._conversations.clear()

    def force_flush(self) -> None:
        flush = getattr(otel_trace.get_tracer_provider(), "force_flush", None)
        if callable(flush):
            flush()


def _chat_attributes(model: str | None) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": _PROVIDER,
    }
    if model:
        attributes["gen_ai.request.model"] = model
    return attributes


def _describe(data: SpanData) -> tuple[str, SpanKind, dict[str, Any]]:
    """The OpenTelemetry span name, kind and start attributes for one of our spans."""
    if isinstance(data, AgentSpanData):
        return (
            f"invoke_agent {data.name}",
            SpanKind.INTERNAL,
            {
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.provider.name": _PROVIDER,
                "gen_ai.agent.name": data.name,
            },
        )
    if isinstance(data, ResponseSpanData | GenerationSpanData):
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": _PROVIDER,
        }
        if data.model:
            attributes["gen_ai.request.model"] = data.model
        return f"chat {data.model}" if data.model else "chat", SpanKind.CLIENT, attributes
    if isinstance(data, FunctionSpanData):
        attributes = {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": data.name,
            "gen_ai.tool.type": "function",
        }
        if data.call_id:
            attributes["gen_ai.tool.call.id"] = data.call_id
        if data.input is not None:
            attributes["gen_ai.tool.call.arguments"] = data.input
        return f"execute_tool {data.name}", SpanKind.INTERNAL, attributes
    if isinstance(data, HandoffSpanData):
        attributes = {}
        if data.from_agent:
            attributes["structagents.handoff.from_agent"] = data.from_agent
        if data.to_agent:
            attributes["structagents.handoff.to_agent"] = data.to_agent
        return f"handoff {data.to_agent or ''}".strip(), SpanKind.INTERNAL, attributes
    if isinstance(data, GuardrailSpanData):
        return (
            f"guardrail {data.name}",
            SpanKind.INTERNAL,
            {"structagents.guardrail.name": data.name},
        )
    if isinstance(data, CustomSpanData):
        return data.name, SpanKind.INTERNAL, {}
    return data.type, SpanKind.INTERNAL, {}


def _end_attributes(data: SpanData) -> dict[str, Any]:
    """Attributes known only once a span ends (outputs, usage, outcomes)."""
    attributes: dict[str, Any] = {}
    if isinstance(data, ResponseSpanData):
        if data.response_id:
            attributes["gen_ai.response.id"] = data.response_id
        if data.instructions is not None:
            attributes["gen_ai.system_instructions"] = json.dumps(
                [{"type": "text", "content": data.instructions}]
            )
        if data.input is not None:
            attributes["gen_ai.input.messages"] = _dumps(_messages(data.input))
        if data.output is not None:
            attributes["gen_ai.output.messages"] = _dumps(_messages(data.output))
    if isinstance(data, GenerationSpanData):
        if data.input is not None:
            attributes["gen_ai.input.messages"] = _dumps(list(data.input))
        if data.output is not None:
            attributes["gen_ai.output.messages"] = _dumps(list(data.output))
    if isinstance(data, ResponseSpanData | GenerationSpanData):
        usage = data.usage or {}
        for ours, theirs in (("input_tokens", "input_tokens"), ("output_tokens", "output_tokens")):
            if isinstance(usage.get(ours), int):
                attributes[f"gen_ai.usage.{theirs}"] = usage[ours]
    elif isinstance(data, FunctionSpanData) and data.output is not None:
        attributes["gen_ai.tool.call.result"] = str(data.output)
    elif isinstance(data, GuardrailSpanData):
        attributes["structagents.guardrail.triggered"] = data.triggered
    elif isinstance(data, CustomSpanData):
        for key, value in data.data.items():
            if isinstance(value, str | bool | int | float):
                attributes[f"structagents.custom.{key}"] = value
    return attributes


def _dumps(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _messages(items: str | list[Any]) -> list[dict[str, Any]]:
    """Responses-API items as GenAI semantic-convention messages (role + parts)."""
    if isinstance(items, str):
        return [{"role": "user", "parts": [{"type": "text", "content": items}]}]
    messages: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        kind = item.get("type", "message")
        if kind == "function_call":
            part = {"type": "tool_call", "id": item.get("call_id"), "name": item.get("name"),
                    "arguments": item.get("arguments")}  # fmt: skip
            messages.append({"role": "assistant", "parts": [part]})
        elif kind == "function_call_output":
            part = {"type": "tool_call_response", "id": item.get("call_id"),
                    "response": item.get("output")}  # fmt: skip
            messages.append({"role": "tool", "parts": [part]})
        elif kind == "message" or "role" in item:
            messages.append(
                {"role": item.get("role", "user"), "parts": _text_parts(item.get("content"))}
            )
        else:
            messages.append({"role": "assistant", "parts": [{"type": kind}]})
    return messages


def _text_parts(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "content": content}]
    parts = []
    for part in content or ():
        if isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append({"type": "text", "content": part["text"]})
        elif isinstance(part, dict):
            parts.append({"type": str(part.get("type", "unknown"))})
    return parts
