"""Ids and timestamps for traces and spans."""

from __future__ import annotations

import os
from datetime import datetime, timezone

__all__ = ["gen_group_id", "gen_span_id", "gen_trace_id", "iso_from_ns", "time_iso"]


def gen_trace_id() -> str:
    """A new trace id: `trace_` and 32 hex digits."""
    return "trace_" + os.urandom(16).hex()


def gen_span_id() -> str:
    """A new span id: `span_` and 24 hex digits."""
    return "span_" + os.urandom(12).hex()


def gen_group_id() -> str:
    """A new group id: `group_` and 24 hex digits."""
    return "group_" + os.urandom(12).hex()


def time_iso() -> str:
    """Now, as an ISO 8601 UTC timestamp."""
    return datetime.now(timezone.utc).isoformat()


def iso_from_ns(ns: int) -> str:
    """A `time.time_ns()` value as an ISO 8601 UTC timestamp."""
    return datetime.fromtimestamp(ns / 1e9, timezone.utc).isoformat()
