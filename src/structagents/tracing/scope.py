"""The current trace and span, carried by contextvars (so each task sees its own)."""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .spans import Span
    from .traces import Trace

__all__ = ["Scope"]

_current_span: contextvars.ContextVar[Span[Any] | None] = contextvars.ContextVar(
    "structagents_current_span", default=None
)
_current_trace: contextvars.ContextVar[Trace | None] = contextvars.ContextVar(
    "structagents_current_trace", default=None
)


class Scope:
    """Reads and sets the current trace and span of this context."""

    @staticmethod
    def get_current_span() -> Span[Any] | None:
        return _current_span.get()

    @staticmethod
    def set_current_span(span: Span[Any] | None) -> contextvars.Token[Span[Any] | None]:
        return _current_span.set(span)

    @staticmethod
    def reset_current_span(token: contextvars.Token[Span[Any] | None]) -> None:
        _current_span.reset(token)

    @staticmethod
    def get_current_trace() -> Trace | None:
        return _current_trace.get()

    @staticmethod
    def set_current_trace(trace: Trace | None) -> contextvars.Token[Trace | None]:
        return _current_trace.set(trace)

    @staticmethod
    def reset_current_trace(token: contextvars.Token[Trace | None]) -> None:
        _current_trace.reset(token)
