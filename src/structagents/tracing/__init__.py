"""Tracing: every run records a trace of spans (agent, turn, model call, tool call, handoff,
guardrail), fed from the same lifecycle points as the hooks, to the processors you register.

Nothing is exported until you add a processor: `BatchTraceProcessor(ConsoleSpanExporter())`,
`BatchTraceProcessor(JSONLSpanExporter(path))`, `OpenTelemetryTracingProcessor()` (the
`structagents[otel]` extra) or `default_processor()` (the OpenAI traces dashboard).
"""

from __future__ import annotations

from ._export_key import set_tracing_export_api_key as set_tracing_export_api_key
from ._logging import enable_verbose_stdout_logging as enable_verbose_stdout_logging
from .config import TracingConfig as TracingConfig
from .create import agent_span as agent_span
from .create import custom_span as custom_span
from .create import function_span as function_span
from .create import generation_span as generation_span
from .create import get_current_span as get_current_span
from .create import get_current_trace as get_current_trace
from .create import guardrail_span as guardrail_span
from .create import handoff_span as handoff_span
from .create import mcp_tools_span as mcp_tools_span
from .create import response_span as response_span
from .create import speech_group_span as speech_group_span
from .create import speech_span as speech_span
from .create import task_span as task_span
from .create import trace as trace
from .create import transcription_span as transcription_span
from .create import turn_span as turn_span
from .processor_interface import TracingExporter as TracingExporter
from .processor_interface import TracingProcessor as TracingProcessor
from .processors import BatchTraceProcessor as BatchTraceProcessor
from .processors import ConsoleSpanExporter as ConsoleSpanExporter
from .processors import JSONLSpanExporter as JSONLSpanExporter
from .processors import default_exporter as default_exporter
from .processors import default_processor as default_processor
from .provider import DefaultTraceProvider as DefaultTraceProvider
from .provider import TraceProvider as TraceProvider
from .setup import get_trace_provider as get_trace_provider
from .setup import set_trace_provider as set_trace_provider
from .span_data import AgentSpanData as AgentSpanData
from .span_data import CustomSpanData as CustomSpanData
from .span_data import FunctionSpanData as FunctionSpanData
from .span_data import GenerationSpanData as GenerationSpanData
from .span_data import GuardrailSpanData as GuardrailSpanData
from .span_data import HandoffSpanData as HandoffSpanData
from .span_data import MCPListToolsSpanData as MCPListToolsSpanData
from .span_data import ResponseSpanData as ResponseSpanData
from .span_data import SpanData as SpanData
from .span_data import SpeechGroupSpanData as SpeechGroupSpanData
from .span_data import SpeechSpanData as SpeechSpanData
from .span_data import TaskSpanData as TaskSpanData
from .span_data import TranscriptionSpanData as TranscriptionSpanData
from .span_data import TurnSpanData as TurnSpanData
from .spans import Span as Span
from .spans import SpanError as SpanError
from .traces import Trace as Trace
from .util import gen_group_id as gen_group_id
from .util import gen_span_id as gen_span_id
from .util import gen_trace_id as gen_trace_id

__all__ = [
    "AgentSpanData",
    "BatchTraceProcessor",
    "ConsoleSpanExporter",
    "CustomSpanData",
    "DefaultTraceProvider",
    "FunctionSpanData",
    "GenerationSpanData",
    "GuardrailSpanData",
    "HandoffSpanData",
    "JSONLSpanExporter",
    "MCPListToolsSpanData",
    "ResponseSpanData",
    "Span",
    "SpanData",
    "SpanError",
    "SpeechGroupSpanData",
    "SpeechSpanData",
    "TaskSpanData",
    "Trace",
    "TraceProvider",
    "TracingConfig",
    "TracingExporter",
    "TracingProcessor",
    "TranscriptionSpanData",
    "TurnSpanData",
    "add_trace_processor",
    "agent_span",
    "custom_span",
    "default_exporter",
    "default_processor",
    "enable_verbose_stdout_logging",
    "flush_traces",
    "function_span",
    "gen_group_id",
    "gen_span_id",
    "gen_trace_id",
    "generation_span",
    "get_current_span",
    "get_current_trace",
    "get_trace_provider",
    "guardrail_span",
    "handoff_span",
    "mcp_tools_span",
    "response_span",
    "set_trace_processors",
    "set_trace_provider",
    "set_tracing_disabled",
    "set_tracing_export_api_key",
    "speech_group_span",
    "speech_span",
    "task_span",
    "trace",
    "transcription_span",
    "turn_span",
]


def add_trace_processor(span_processor: TracingProcessor) -> None:
    """Send every trace and span to `span_processor` too."""
    get_trace_provider().register_processor(span_processor)


def set_trace_processors(processors: list[TracingProcessor]) -> None:
    """Send traces and spans to exactly these processors from now on."""
    get_trace_provider().set_processors(processors)


def set_tracing_disabled(disabled: bool) -> None:
    """Turn tracing off (or back on) for every run and `trace()` in the process."""
    get_trace_provider().set_disabled(disabled)


def flush_traces() -> None:
    """Have every processor export what it has queued now (each waits a bounded time)."""
    get_trace_provider().force_flush()
