"""`Span`: one timed operation inside a trace, with its kind's data and any error."""

from __future__ import annotations

import abc
import contextvars
import time
from types import TracebackType
from typing import Any, Generic, TypeVar

from typing_extensions import TypedDict

from ._errors import span_error_from
from .processor_interface import TracingProcessor
from .scope import Scope, _current_span
from .span_data import SpanData
from .util import gen_span_id, iso_from_ns

__all__ = ["NoOpSpan", "Span", "SpanError", "SpanImpl", "TSpanData"]

TSpanData = TypeVar("TSpanData", bound=SpanData)


class SpanError(TypedDict):
    """What went wrong in a span: a message and optional structured data."""

    message: str
    data: dict[str, Any] | None


class Span(abc.ABC, Generic[TSpanData]):
    """A timed operation: `with span:` starts it, makes it current, and finishes it.

    An exception leaving the `with` block is recorded as the span's error (its type only,
    never its message, which may hold data) unless an error was already set.
    """

    __slots__ = ()
    _is_noop = False

    @property
    @abc.abstractmethod
    def trace_id(self) -> str: ...

    @property
    @abc.abstractmethod
    def span_id(self) -> str: ...

    @property
    @abc.abstractmethod
    def span_data(self) -> TSpanData: ...

    @property
    @abc.abstractmethod
    def parent_id(self) -> str | None: ...

    @abc.abstractmethod
    def start(self, mark_as_current: bool = False) -> None:
        """Start the span; with `mark_as_current`, spans opened in this context nest in it."""

    @abc.abstractmethod
    def finish(self, reset_current: bool = False) -> None:
        """End the span; with `reset_current`, the previous current span is current again."""

    @abc.abstractmethod
    def set_error(self, error: SpanError) -> None: ...

    @property
    @abc.abstractmethod
    def error(self) -> SpanError | None: ...

    @abc.abstractmethod
    def export(self) -> dict[str, Any] | None:
        """This span as a JSON-ready dict (None for a span that records nothing)."""

    @property
    @abc.abstractmethod
    def started_at(self) -> str | None:
        """ISO 8601 start time, None before `start`."""

    @property
    @abc.abstractmethod
    def ended_at(self) -> str | None:
        """ISO 8601 end time, None before `finish`."""

    @property
    @abc.abstractmethod
    def tracing_api_key(self) -> str | None:
        """The key the OpenAI exporter uses for this span (from its trace's config)."""

    @property
    def trace_metadata(self) -> dict[str, Any] | None:
        """The metadata of the trace this span belongs to, if known."""
        return None

    def __enter__(self) -> Span[TSpanData]:
        self.start(mark_as_current=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None and self.error is None and exc_type is not GeneratorExit:
            self.set_error(span_error_from(exc, include_message=False))
        self.finish(reset_current=True)


class NoOpSpan(Span[TSpanData]):
    """A span that records nothing (tracing is off, or it has no trace to belong to)."""

    __slots__ = ("_prev_token", "_span_data")
    _is_noop = True

    def __init__(self, span_data: TSpanData) -> None:
        self._span_data = span_data
        self._prev_token: contextvars.Token[Span[Any] | None] | None = None

    @property
    def trace_id(self) -> str:
        return "no-op"

    @property
    def span_id(self) -> str:
        return "no-op"

    @property
    def span_data(self) -> TSpanData:
        return self._span_data

    @property
    def parent_id(self) -> str | None:
        return None

    def start(self, mark_as_current: bool = False) -> None:
        if mark_as_current:
            self._prev_token = Scope.set_current_span(self)

    def finish(self, reset_current: bool = False) -> None:
        if reset_current:
            _reset(self)

    def set_error(self, error: SpanError) -> None:
        pass

    @property
    def error(self) -> SpanError | None:
        return None

    def export(self) -> dict[str, Any] | None:
        return None

    @property
    def started_at(self) -> str | None:
        return None

    @property
    def ended_at(self) -> str | None:
        return None

    @property
    def tracing_api_key(self) -> str | None:
        return None


class SpanImpl(Span[TSpanData]):
    """A recorded span: tells the processor when it starts and when it ends.

    Times are kept as `time.time_ns()` (`start_time_ns`, `end_time_ns`) and turned into ISO
    strings only when read.
    """

    __slots__ = (
        "_error",
        "_parent_id",
        "_prev_token",
        "_processor",
        "_span_data",
        "_span_id",
        "_trace_id",
        "_trace_metadata",
        "_tracing_api_key",
        "end_time_ns",
        "start_time_ns",
    )

    def __init__(
        self,
        trace_id: str,
        span_id: str | None,
        parent_id: str | None,
        processor: TracingProcessor,
        span_data: TSpanData,
        tracing_api_key: str | None,
        trace_metadata: dict[str, Any] | None = None,
    ) -> None:
        self._trace_id = trace_id
        self._span_id = span_id  # made on first use: many spans are never asked for it
        self._parent_id = parent_id
        self._processor = processor
        self._span_data = span_data
        self._tracing_api_key = tracing_api_key
        self._trace_metadata = trace_metadata
        self._error: SpanError | None = None
        self._prev_token: contextvars.Token[Span[Any] | None] | None = None
        self.start_time_ns: int | None = None
        self.end_time_ns: int | None = None

    @property
    def trace_id(self) -> str:
        return self._trace_id

    @property
    def span_id(self) -> str:
        span_id = self._span_id
        if span_id is None:
            span_id = self._span_id = gen_span_id()
        return span_id

    @property
    def span_data(self) -> TSpanData:
        return self._span_data

    @property
    def parent_id(self) -> str | None:
        return self._parent_id

    def start(self, mark_as_current: bool = False) -> None:
        if self.start_time_ns is not None:
            return
        self.start_time_ns = time.time_ns()
        self._processor.on_span_start(self)
        if mark_as_current:
            self._prev_token = _current_span.set(self)

    def finish(self, reset_current: bool = False) -> None:
        if self.end_time_ns is not None:
            return
        self.end_time_ns = time.time_ns()
        self._processor.on_span_end(self)
        if reset_current:
            _reset(self)

    def set_error(self, error: SpanError) -> None:
        self._error = error

    @property
    def error(self) -> SpanError | None:
        return self._error

    @property
    def started_at(self) -> str | None:
        return None if self.start_time_ns is None else iso_from_ns(self.start_time_ns)

    @property
    def ended_at(self) -> str | None:
        return None if self.end_time_ns is None else iso_from_ns(self.end_time_ns)

    @property
    def tracing_api_key(self) -> str | None:
        return self._tracing_api_key

    @property
    def trace_metadata(self) -> dict[str, Any] | None:
        return self._trace_metadata

    def export(self) -> dict[str, Any] | None:
        return {
            "object": "trace.span",
            "id": self.span_id,
            "trace_id": self._trace_id,
            "parent_id": self._parent_id,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "span_data": self._span_data.export(),
            "error": self._error,
        }

    def __repr__(self) -> str:
        return f"<Span {self._span_data.type} {self.span_id} trace={self._trace_id}>"


def _reset(span: NoOpSpan[Any] | SpanImpl[Any]) -> None:
    token, span._prev_token = span._prev_token, None
    if token is not None:
        try:  # noqa: SIM105 (contextlib.suppress costs more, and this runs per tool call)
            _current_span.reset(token)
        except ValueError:  # finished from another context
            pass
