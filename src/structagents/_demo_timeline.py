"""How `structagents demo` shows a run as it happens: one line per step, stamped with the
seconds since the run started, written from the run's hooks (agents, model calls, tools),
from the demo's guardrail and from the event stream (the answer's text, as it arrives)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from ._agent import Agent
from ._hooks import RunHooks
from ._items import TResponseInputItem
from ._run_context import RunContextWrapper
from ._tools import Tool
from .models.interface import ModelResponse

__all__ = ["Timeline", "TimelineHooks", "timeline_of"]


class Timeline:
    """Writes stamped lines, and streamed text inline after a stamp."""

    def __init__(self, write: Callable[[str], Any]) -> None:
        self._write = write
        self._started = time.perf_counter()
        self._in_text = False
        self.model_calls = 0
        write(f"{'time':>7}  (seconds since the run started)\n")

    def line(self, text: str) -> None:
        """One stamped line (ending streamed text first, if some is being written)."""
        self.end_text()
        self._write(f"{self._stamp()}  {text}\n")

    def text(self, chunk: str, *, heading: str) -> None:
        """Streamed text: the first chunk after a stamp and `heading`, the rest inline."""
        if not self._in_text:
            self._write(f"{self._stamp()}  {heading}")
            self._in_text = True
        self._write(chunk)

    def end_text(self) -> None:
        if self._in_text:
            self._write("\n")
            self._in_text = False

    def _stamp(self) -> str:
        return f"{time.perf_counter() - self._started:6.3f}s"


def timeline_of(context: RunContextWrapper[Any]) -> Timeline | None:
    """The run's timeline, when the run's context is one."""
    return context.context if isinstance(context.context, Timeline) else None


class TimelineHooks(RunHooks[Any]):
    """Run hooks writing each agent, model call and tool call to the run's `Timeline`."""

    async def on_agent_start(self, context: RunContextWrapper[Any], agent: Agent[Any]) -> None:
        if timeline := timeline_of(context):
            timeline.line(f"[{agent.name}] takes the conversation")

    async def on_llm_start(
        self,
        context: RunContextWrapper[Any],
        agent: Agent[Any],
        system_prompt: str | None,
        input_items: list[TResponseInputItem],
    ) -> None:
        if timeline := timeline_of(context):
            timeline.model_calls += 1
            items = f"{len(input_items)} item{'s' if len(input_items) != 1 else ''}"
            timeline.line(f"model call {timeline.model_calls} sent ({items})")

    async def on_llm_end(
        self, context: RunContextWrapper[Any], agent: Agent[Any], response: ModelResponse
    ) -> None:
        if timeline := timeline_of(context):
            calls = [_field(item, "name") for item in response.output]
            names = [name for name in calls if name]
            what = f"calls {', '.join(names)}" if names else "an answer"
            timeline.line(f"model call {timeline.model_calls} returned: {what}")

    async def on_tool_start(
        self, context: RunContextWrapper[Any], agent: Agent[Any], tool: Tool
    ) -> None:
        if timeline := timeline_of(context):
            arguments = getattr(context, "tool_arguments", "")
            timeline.line(f"  tool {tool.name}({arguments}) started")

    async def on_tool_end(
        self, context: RunContextWrapper[Any], agent: Agent[Any], tool: Tool, result: Any
    ) -> None:
        if timeline := timeline_of(context):
            shown = result if isinstance(result, str) else json.dumps(result, default=str)
            timeline.line(f"  tool {tool.name} returned {shown}")


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)
