"""Ready-made handoff input filters and history mappers.

handoff(billing_agent, input_filter=handoff_filters.remove_all_tools)
RunConfig(nest_handoff_history=True)    # uses nest_handoff_history below
"""

from __future__ import annotations

import json
from typing import Any

from ._handoffs import HandoffHistoryMapper, HandoffInputData
from ._items import (
    HandoffCallItem,
    HandoffOutputItem,
    ItemHelpers,
    RunItem,
    ToolCallItem,
    ToolCallOutputItem,
    TResponseInputItem,
)

__all__ = ["default_handoff_history_mapper", "nest_handoff_history", "remove_all_tools"]

_TOOL_ITEM_TYPES = frozenset(
    {
        "function_call",
        "function_call_output",
        "computer_call",
        "computer_call_output",
        "file_search_call",
        "web_search_call",
        "custom_tool_call",
        "custom_tool_call_output",
    }
)
_TOOL_RUN_ITEMS = (HandoffCallItem, HandoffOutputItem, ToolCallItem, ToolCallOutputItem)

HISTORY_PREAMBLE = (
    "For context, here is the conversation so far between the user and the previous agent:"
)


def remove_all_tools(data: HandoffInputData) -> HandoffInputData:
    """Drop every tool call and tool output (handoffs included) from what the next agent sees."""

    def keep_items(items: tuple[RunItem, ...]) -> tuple[RunItem, ...]:
        return tuple(item for item in items if not isinstance(item, _TOOL_RUN_ITEMS))

    return data.clone(
        input_history=tuple(
            item for item in data.input_history if item.get("type") not in _TOOL_ITEM_TYPES
        ),
        pre_handoff_items=keep_items(data.pre_handoff_items),
        new_items=keep_items(data.new_items),
        input_items=None if data.input_items is None else keep_items(data.input_items),
    )


def nest_handoff_history(
    data: HandoffInputData, *, history_mapper: HandoffHistoryMapper | None = None
) -> HandoffInputData:
    """Collapse the transcript so far into the next agent's input.

    By default (`default_handoff_history_mapper`) the next agent receives one assistant message
    summarising the whole transcript; pass `history_mapper` to build the input yourself.
    """
    transcript = list(data.input_history)
    transcript.extend(item.to_input_item() for item in data.pre_handoff_items)
    transcript.extend(item.to_input_item() for item in data.new_items)
    mapper = history_mapper or default_handoff_history_mapper
    return data.clone(input_history=tuple(mapper(transcript)), pre_handoff_items=(), input_items=())


def default_handoff_history_mapper(
    transcript: list[TResponseInputItem],
) -> list[TResponseInputItem]:
    """One assistant message with the numbered transcript between history markers."""
    lines = [f"{n}. {_describe(item)}" for n, item in enumerate(transcript, start=1)]
    text = "\n".join(
        [HISTORY_PREAMBLE, "<CONVERSATION HISTORY>", *lines, "</CONVERSATION HISTORY>"]
    )
    return [{"role": "assistant", "content": text}]


def _describe(item: TResponseInputItem) -> str:
    kind = item.get("type")
    if kind == "function_call":
        return f"function_call {item.get('name')}({item.get('arguments', '')})"
    if kind == "function_call_output":
        return f"function_call_output: {item.get('output', '')}"
    if "role" in item:
        content: Any = item.get("content")
        text = ItemHelpers.extract_text(item) if not isinstance(content, str) else content
        return f"{item['role']}: {text}"
    return f"{kind}: {json.dumps(item, separators=(',', ':'))}"
