"""Turning an exception into a span's error without leaking data by accident."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .spans import SpanError

__all__ = ["error_type", "mark_tool_span_failed", "span_error_from"]


def error_type(exc: BaseException) -> str:
    """A short name for what happened: "cancelled" for a cancellation, else the type's name."""
    for module, name in (("asyncio", "CancelledError"), ("trio", "Cancelled")):
        loaded = sys.modules.get(module)  # never imported here: no loop of that kind runs
        if loaded is not None and isinstance(exc, getattr(loaded, name)):
            return "cancelled"
    return type(exc).__qualname__


def span_error_from(exc: BaseException, *, include_message: bool) -> SpanError:
    """A `SpanError` for `exc`; its text (which may hold user data) only if asked for."""
    kind = error_type(exc)
    if kind == "cancelled":
        return {"message": "Cancelled", "data": {"type": "cancelled"}}
    text = str(exc) if include_message else ""
    return {"message": f"{kind}: {text}" if text else kind, "data": {"type": kind}}


def mark_tool_span_failed(exc: BaseException, *, include_message: bool) -> None:
    """Record `exc` on the current tool call's span (a tool error turned into a message)."""
    from .scope import Scope

    span = Scope.get_current_span()
    if span is not None and span.span_data.type == "function" and span.error is None:
        span.set_error(span_error_from(exc, include_message=include_message))
