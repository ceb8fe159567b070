"""`BatchTraceProcessor` (one worker thread, bounded queue) and the console and JSONL exporters.

Export never hurts a run: a span is queued in O(1) without blocking; when the queue is full
the span is dropped and counted (`dropped`); exporting happens on the worker thread, where an
exporter that raises is logged and one that hangs only stalls that thread; `force_flush` and
`shutdown` wait at most their `timeout`.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import threading
from typing import IO, Any

from ._log import logger
from .openai_exporter import BackendSpanExporter
from .processor_interface import TracingExporter, TracingProcessor
from .spans import Span
from .traces import Trace

__all__ = [
    "BackendSpanExporter",
    "BatchTraceProcessor",
    "ConsoleSpanExporter",
    "JSONLSpanExporter",
    "default_exporter",
    "default_processor",
]

DEFAULT_FLUSH_TIMEOUT = 5.0


class ConsoleSpanExporter(TracingExporter):
    """Prints one readable line per trace and span (to stdout unless `stream` says)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream

    def export(self, items: list[Trace | Span[Any]]) -> None:
        stream = self._stream or sys.stdout
        lines = []
        for item in items:
            if isinstance(item, Trace):
                lines.append(f"[trace] {item.trace_id} {item.name!r}\n")
                continue
            data = item.span_data.export()
            kind = data.pop("type", item.span_data.type)
            error = f" ERROR {item.error['message']}" if item.error else ""
            fields = json.dumps(data, default=str, ensure_ascii=False)
            lines.append(
                f"[span] {kind} {item.span_id} parent={item.parent_id or item.trace_id} "
                f"{_duration(item)}{error} {fields}\n"
            )
        stream.write("".join(lines))
        stream.flush()


def _duration(span: Span[Any]) -> str:
    start, end = getattr(span, "start_time_ns", None), getattr(span, "end_time_ns", None)
    if start is None or end is None:
        return "-"
    return f"{(end - start) / 1e6:.2f}ms"


class JSONLSpanExporter(TracingExporter):
    """Appends one JSON object per trace and span to the file at `path` (JSON lines)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)

    def export(self, items: list[Trace | Span[Any]]) -> None:
        lines = []
        for item in items:
            exported = item.export()
            if exported is not None:
                lines.append(json.dumps(exported, default=str, ensure_ascii=False) + "\n")
        with open(self.path, "a", encoding="utf-8") as file:
            file.write("".join(lines))


class BatchTraceProcessor(TracingProcessor):
    """Queues finished spans (and started traces) and exports them in batches on one worker
    thread, every `schedule_delay` seconds or as soon as the queue is `export_trigger_ratio`
    full. At most `max_queue_size` items wait; more are dropped and counted in `dropped`."""

    def __init__(
        self,
        exporter: TracingExporter,
        max_queue_size: int = 8192,
        max_batch_size: int = 128,
        schedule_delay: float = 5.0,
        export_trigger_ratio: float = 0.7,
    ) -> None:
        self._exporter = exporter
        self._queue: collections.deque[Trace | Span[Any]] = collections.deque()
        self._max_queue_size = max_queue_size
        self._max_batch_size = max_batch_size
        self._schedule_delay = schedule_delay
        self._trigger_size = max(1, int(max_queue_size * export_trigger_ratio))
        self._wakeup = threading.Event()
        self._lock = threading.Lock()
        self._flush_waiters: list[threading.Event] = []
        self._worker: threading.Thread | None = None
        self._is_shut_down = False
        self.dropped = 0
        """How many traces and spans were dropped because the queue was full (or shut)."""

    def _put(self, item: Trace | Span[Any]) -> None:
        queue = self._queue
        if len(queue) >= self._max_queue_size or self._is_shut_down:
            with self._lock:
                self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                logger.warning("[non-fatal] Tracing queue full: %d items dropped", self.dropped)
            return
        queue.append(item)
        if self._worker is None:
            self._start_worker()
        if len(queue) >= self._trigger_size:
            self._wakeup.set()

    def _start_worker(self) -> None:
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._run, name="structagents-trace-export", daemon=True
                )
                self._worker.start()

    def on_trace_start(self, trace: Trace) -> None:
        self._put(trace)

    def on_trace_end(self, trace: Trace) -> None:
        pass

    def on_span_start(self, span: Span[Any]) -> None:
        pass

    def on_span_end(self, span: Span[Any]) -> None:
        self._put(span)

    def force_flush(self, timeout: float = DEFAULT_FLUSH_TIMEOUT) -> None:
        """Export everything queued now, waiting at most `timeout` seconds."""
        if not self.flush(timeout):
            logger.warning("[non-fatal] Tracing flush timed out after %s s", timeout)

    def flush(self, timeout: float = DEFAULT_FLUSH_TIMEOUT) -> bool:
        """Export everything queued now; wait at most `timeout` s. Returns whether it did."""
        if self._worker is None or not self._worker.is_alive():
            return not self._queue
        done = threading.Event()
        with self._lock:
            self._flush_waiters.append(done)
        self._wakeup.set()
        return done.wait(timeout)

    def shutdown(self, timeout: float | None = DEFAULT_FLUSH_TIMEOUT) -> None:
        """Export what is queued (waiting at most `timeout` s; None: the default 5 s) and
        stop the worker."""
        timeout = DEFAULT_FLUSH_TIMEOUT if timeout is None else timeout
        self._is_shut_down = True
        self._wakeup.set()
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            if worker.is_alive():
                logger.warning("[non-fatal] Tracing shutdown timed out; queued spans dropped")

    def _run(self) -> None:
        while True:
            self._wakeup.wait(self._schedule_delay)
            self._wakeup.clear()
            with self._lock:
                waiters, self._flush_waiters = self._flush_waiters, []
            self._export_queued()
            for waiter in waiters:
                waiter.set()
            if self._is_shut_down:
                return

    def _export_queued(self) -> None:
        queue = self._queue
        while queue:
            batch: list[Trace | Span[Any]] = []
            while queue and len(batch) < self._max_batch_size:
                batch.append(queue.popleft())
            try:
                self._exporter.export(batch)
            except Exception:
                logger.warning(
                    "[non-fatal] Tracing exporter %s failed; %d items dropped",
                    type(self._exporter).__qualname__,
                    len(batch),
                    exc_info=True,
                )


_default_exporter: BackendSpanExporter | None = None
_default_processor: BatchTraceProcessor | None = None
_default_lock = threading.Lock()


def default_exporter() -> BackendSpanExporter:
    """The (shared) exporter to the OpenAI traces dashboard. Not registered by default:
    `add_trace_processor(default_processor())` opts in."""
    global _default_exporter
    with _default_lock:
        if _default_exporter is None:
            _default_exporter = BackendSpanExporter()
        return _default_exporter


def default_processor() -> BatchTraceProcessor:
    """A (shared) `BatchTraceProcessor` around `default_exporter()`."""
    global _default_processor
    exporter = default_exporter()
    with _default_lock:
        if _default_processor is None:
            _default_processor = BatchTraceProcessor(exporter)
        return _default_processor
