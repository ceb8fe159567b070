"""`TraceProvider`: creates traces and spans and fans them out to the registered processors."""

from __future__ import annotations

import abc
import os
import threading
import time
from typing import Any

from ._log import logger
from .config import TracingConfig
from .processor_interface import TracingProcessor
from .scope import Scope, _current_span, _current_trace
from .spans import NoOpSpan, Span, SpanImpl, TSpanData
from .traces import NoOpTrace, Trace, TraceImpl
from .util import gen_group_id, gen_span_id, gen_trace_id, time_iso

__all__ = ["DefaultTraceProvider", "SynchronousMultiTracingProcessor", "TraceProvider"]


class SynchronousMultiTracingProcessor(TracingProcessor):
    """Calls each registered processor in turn; one that raises is logged and skipped."""

    def __init__(self) -> None:
        self._processors: tuple[TracingProcessor, ...] = ()
        self._lock = threading.Lock()

    @property
    def processors(self) -> tuple[TracingProcessor, ...]:
        return self._processors

    def add_tracing_processor(self, processor: TracingProcessor) -> None:
        with self._lock:
            self._processors += (processor,)

    def set_processors(self, processors: list[TracingProcessor]) -> None:
        with self._lock:
            self._processors = tuple(processors)

    def on_trace_start(self, trace: Trace) -> None:
        for processor in self._processors:
            try:
                processor.on_trace_start(trace)
            except Exception:
                _processor_failed(processor, "on_trace_start")

    def on_trace_end(self, trace: Trace) -> None:
        for processor in self._processors:
            try:
                processor.on_trace_end(trace)
            except Exception:
                _processor_failed(processor, "on_trace_end")

    def on_span_start(self, span: Span[Any]) -> None:
        for processor in self._processors:
            try:
                processor.on_span_start(span)
            except Exception:
                _processor_failed(processor, "on_span_start")

    def on_span_end(self, span: Span[Any]) -> None:
        for processor in self._processors:
            try:
                processor.on_span_end(span)
            except Exception:
                _processor_failed(processor, "on_span_end")

    def shutdown(self, timeout: float | None = None) -> None:
        """Shut every processor down, within `timeout` seconds in all (if given)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for processor in self._processors:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                if remaining is not None and _takes_timeout(processor.shutdown):
                    processor.shutdown(timeout=remaining)  # type: ignore[call-arg]
                else:
                    processor.shutdown()
            except Exception:
                _processor_failed(processor, "shutdown")

    def force_flush(self) -> None:
        for processor in self._processors:
            try:
                processor.force_flush()
            except Exception:
                _processor_failed(processor, "force_flush")


def _processor_failed(processor: TracingProcessor, method: str) -> None:
    logger.warning(
        "[non-fatal] Tracing processor %s failed in %s",
        type(processor).__qualname__,
        method,
        exc_info=True,
    )


def _takes_timeout(method: Any) -> bool:
    code = getattr(getattr(method, "__func__", method), "__code__", None)
    return code is not None and "timeout" in code.co_varnames[: code.co_argcount]


class TraceProvider(abc.ABC):
    """Creates traces and spans; `set_trace_provider` replaces the default one."""

    @abc.abstractmethod
    def register_processor(self, processor: TracingProcessor) -> None: ...

    @abc.abstractmethod
    def set_processors(self, processors: list[TracingProcessor]) -> None: ...

    @abc.abstractmethod
    def get_current_trace(self) -> Trace | None: ...

    @abc.abstractmethod
    def get_current_span(self) -> Span[Any] | None: ...

    @abc.abstractmethod
    def set_disabled(self, disabled: bool) -> None: ...

    @abc.abstractmethod
    def time_iso(self) -> str: ...

    @abc.abstractmethod
    def gen_trace_id(self) -> str: ...

    @abc.abstractmethod
    def gen_span_id(self) -> str: ...

    @abc.abstractmethod
    def gen_group_id(self) -> str: ...

    @abc.abstractmethod
    def create_trace(
        self,
        name: str,
        trace_id: str | None = None,
        group_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        disabled: bool = False,
        tracing: TracingConfig | None = None,
    ) -> Trace: ...

    @abc.abstractmethod
    def create_span(
        self,
        span_data: TSpanData,
        span_id: str | None = None,
        parent: Trace | Span[Any] | None = None,
        disabled: bool = False,
    ) -> Span[TSpanData]: ...

    def is_disabled(self) -> bool:
        """Whether tracing is off for everything (`set_tracing_disabled(True)`)."""
        return False

    def force_flush(self) -> None:  # noqa: B027 (optional, a no-op by default)
        """Have every processor export what it has queued."""

    def shutdown(self, timeout: float | None = None) -> None:  # noqa: B027
        """Shut every processor down."""


class DefaultTraceProvider(TraceProvider):
    """The provider used unless you set another. It starts with no processors: nothing is
    exported anywhere until you add one. `OPENAI_AGENTS_DISABLE_TRACING=1` turns tracing off
    (read once, on first use); `set_tracing_disabled` overrides it."""

    def __init__(self) -> None:
        self._multi_processor = SynchronousMultiTracingProcessor()
        self._disabled: bool | None = None

    @property
    def processors(self) -> tuple[TracingProcessor, ...]:
        return self._multi_processor.processors

    def register_processor(self, processor: TracingProcessor) -> None:
        self._multi_processor.add_tracing_processor(processor)

    def set_processors(self, processors: list[TracingProcessor]) -> None:
        self._multi_processor.set_processors(processors)

    def get_current_trace(self) -> Trace | None:
        return Scope.get_current_trace()

    def get_current_span(self) -> Span[Any] | None:
        return Scope.get_current_span()

    def set_disabled(self, disabled: bool) -> None:
        self._disabled = disabled

    def is_disabled(self) -> bool:
        if self._disabled is None:
            flag = os.environ.get("OPENAI_AGENTS_DISABLE_TRACING", "false")
            self._disabled = flag.strip().lower() in ("1", "true", "yes", "on")
        return self._disabled

    def time_iso(self) -> str:
        return time_iso()

    def gen_trace_id(self) -> str:
        return gen_trace_id()

    def gen_span_id(self) -> str:
        return gen_span_id()

    def gen_group_id(self) -> str:
        return gen_group_id()

    def create_trace(
        self,
        name: str,
        trace_id: str | None = None,
        group_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        disabled: bool = False,
        tracing: TracingConfig | None = None,
    ) -> Trace:
        if disabled or self.is_disabled():
            return NoOpTrace()
        api_key = tracing.get("api_key") if tracing else None
        return TraceImpl(name, trace_id, group_id, metadata, self._multi_processor, api_key)

    def create_span(
        self,
        span_data: TSpanData,
        span_id: str | None = None,
        parent: Trace | Span[Any] | None = None,
        disabled: bool = False,
    ) -> Span[TSpanData]:
        if disabled or self._disabled or (self._disabled is None and self.is_disabled()):
            return NoOpSpan(span_data)
        trace_metadata: dict[str, Any] | None
        if parent is None:
            trace = _current_trace.get()
            if trace is None or trace._is_noop:
                return NoOpSpan(span_data)
            current = _current_span.get()
            if current is not None and current._is_noop:
                return NoOpSpan(span_data)
            trace_id = trace.trace_id
            parent_id = current.span_id if current is not None else None
            api_key = trace.tracing_api_key
            trace_metadata = getattr(trace, "metadata", None)
        elif isinstance(parent, Trace):
            if parent._is_noop:
                return NoOpSpan(span_data)
            trace_id, parent_id, api_key = parent.trace_id, None, parent.tracing_api_key
            trace_metadata = getattr(parent, "metadata", None)
        else:
            if parent._is_noop:
                return NoOpSpan(span_data)
            trace_id, parent_id, api_key = parent.trace_id, parent.span_id, parent.tracing_api_key
            trace_metadata = parent.trace_metadata
        return SpanImpl(
            trace_id, span_id, parent_id, self._multi_processor, span_data, api_key, trace_metadata
        )

    def force_flush(self) -> None:
        self._multi_processor.force_flush()

    def shutdown(self, timeout: float | None = None) -> None:
        self._multi_processor.shutdown(timeout)
