"""`TracingProcessor` (receives traces and spans as they start and end) and `TracingExporter`."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .spans import Span
    from .traces import Trace

__all__ = ["TracingExporter", "TracingProcessor"]


class TracingProcessor(abc.ABC):
    """Receives every trace and span. Register one with `add_trace_processor`.

    The methods are called synchronously, inside the run, from whichever task or thread
    started or ended the span: keep them cheap and thread-safe, and hand slow work (network,
    files) to a worker, as `BatchTraceProcessor` does. An exception a processor raises is
    logged and otherwise ignored.
    """

    @abc.abstractmethod
    def on_trace_start(self, trace: Trace) -> None: ...

    @abc.abstractmethod
    def on_trace_end(self, trace: Trace) -> None: ...

    @abc.abstractmethod
    def on_span_start(self, span: Span[Any]) -> None: ...

    @abc.abstractmethod
    def on_span_end(self, span: Span[Any]) -> None: ...

    @abc.abstractmethod
    def shutdown(self) -> None:
        """Release resources, exporting what is still queued (bounded in time)."""

    @abc.abstractmethod
    def force_flush(self) -> None:
        """Export what is queued now (bounded in time)."""


class TracingExporter(abc.ABC):
    """Writes batches of finished traces and spans somewhere (console, file, a backend)."""

    @abc.abstractmethod
    def export(self, items: list[Trace | Span[Any]]) -> None: ...
