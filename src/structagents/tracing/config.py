"""`TracingConfig`: per-run export settings (`RunConfig.tracing`, `trace(tracing=...)`)."""

from __future__ import annotations

from typing_extensions import TypedDict

__all__ = ["TracingConfig", "include_task_and_turn_spans"]


class TracingConfig(TypedDict, total=False):
    """How one run's trace is exported."""

    api_key: str
    """The key the OpenAI traces exporter sends this trace's spans with (instead of its
    default). It never appears in a span, an export payload or a log line."""

    include_task_and_turn_spans: bool
    """Whether a run opens a task span around itself and a turn span per turn (default True)."""


def include_task_and_turn_spans(config: TracingConfig | None) -> bool:
    """Whether a run with `config` opens task and turn spans."""
    return config is None or config.get("include_task_and_turn_spans", True)
