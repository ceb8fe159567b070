"""Ids and timestamps for traces and spans."""

from __future__ import annotations

import random
from datetime import datetime, timezone

__all__ = ["gen_group_id", "gen_span_id", "gen_trace_id", "iso_from_ns", "time_iso"]


_bits = random.getrandbits  # fast, and reseeded in a forked child (unlike a copied seed)


def gen_trace_id() -> str:
    """A new trace id: `trace_` and 32 hex digits."""
    return f"trace_{_bits(128):032x}"


def gen_span_id() -> str:
    """A new span id: `span_` and 24 hex digits."""
    return f"span_{_bits(96):024x}"


def gen_group_id() -> str:
    """A new group id: `group_` and 24 hex digits."""
    return f"group_{_bits(96):024x}"


def time_iso() -> str:
    """Now, as an ISO 8601 UTC timestamp."""
    return datetime.now(timezone.utc).isoformat()


def iso_from_ns(ns: int) -> str:
    """A `time.time_ns()` value as an ISO 8601 UTC timestamp."""
    return datetime.fromtimestamp(ns / 1e9, timezone.utc).isoformat()
