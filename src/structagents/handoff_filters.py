"""Ready-made handoff input filters and history mappers.

handoff(billing_agent, input_filter=handoff_filters.remove_all_tools)
RunConfig(nest_handoff_history=True)    # uses nest_handoff_history below
"""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

from ._handoffs import HandoffHistoryMapper, HandoffInputData
from ._items import (
    HandoffCallItem,
    HandoffOutputItem,
    ItemHelpers,
    MCPApprovalRequestItem,
    MCPApprovalResponseItem,
    MCPListToolsItem,
    ReasoningItem,
    RunItem,
    ToolApprovalItem,
    ToolCallItem,
    ToolCallOutputItem,
    ToolSearchCallItem,
    ToolSearchOutputItem,
    TResponseInputItem,
)

__all__ = [
    "default_handoff_history_mapper",
    "get_conversation_history_wrappers",
    "nest_handoff_history",
    "remove_all_tools",
    "reset_conversation_history_wrappers",
    "set_conversation_history_wrappers",
]

_TOOL_ITEM_TYPES = frozenset(
    {
        "function_call",
        "function_call_output",
        "computer_call",
        "computer_call_output",
        "file_search_call",
        "tool_search_call",
        "tool_search_output",
        "web_search_call",
        "mcp_call",
        "mcp_list_tools",
        "mcp_approval_request",
        "mcp_approval_response",
        "reasoning",
        "code_interpreter_call",
        "image_generation_call",
        "local_shell_call",
        "local_shell_call_output",
        "shell_call",
        "shell_call_output",
        "apply_patch_call",
        "apply_patch_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "hosted_tool_call",
        "program",
        "program_output",
    }
)
_TOOL_RUN_ITEMS = (
    HandoffCallItem,
    HandoffOutputItem,
    ToolCallItem,
    ToolCallOutputItem,
    ReasoningItem,
    MCPListToolsItem,
    MCPApprovalRequestItem,
    MCPApprovalResponseItem,
    ToolApprovalItem,
    ToolSearchCallItem,
    ToolSearchOutputItem,
)

HISTORY_PREAMBLE = (
    "For context, here is the conversation so far between the user and the previous agent:"
)
_PREAMBLES = (HISTORY_PREAMBLE, "For context, here is the conversation so far:")
_DEFAULT_MARKERS = ("<CONVERSATION HISTORY>", "</CONVERSATION HISTORY>")
_markers = _DEFAULT_MARKERS


def set_conversation_history_wrappers(*, start: str | None = None, end: str | None = None) -> None:
    """Change the markers around the nested transcript, process-wide (None keeps one)."""
    global _markers
    _markers = (
        start if start is not None else _markers[0],
        end if end is not None else _markers[1],
    )


def reset_conversation_history_wrappers() -> None:
    """Back to the default `<CONVERSATION HISTORY>` markers."""
    global _markers
    _markers = _DEFAULT_MARKERS


def get_conversation_history_wrappers() -> tuple[str, str]:
    """The (start, end) markers around the nested transcript."""
    return _markers


_SUMMARY_ONLY_TYPES = frozenset({"function_call", "function_call_output", "reasoning"})
_ROLES = frozenset({"user", "assistant", "system", "developer"})


def remove_all_tools(data: HandoffInputData) -> HandoffInputData:
    """Drop every tool item from what the next agent sees: tool and handoff calls and their
    outputs, hosted and MCP tool items, approvals and reasoning (a `str` history is kept)."""

    def keep_items(items: tuple[RunItem, ...]) -> tuple[RunItem, ...]:
        return tuple(item for item in items if not isinstance(item, _TOOL_RUN_ITEMS))

    history = data.input_history
    return data.clone(
        input_history=history
        if isinstance(history, str)
        else tuple(item for item in history if item.get("type") not in _TOOL_ITEM_TYPES),
        pre_handoff_items=keep_items(data.pre_handoff_items),
        new_items=keep_items(data.new_items),
        input_items=None if data.input_items is None else keep_items(data.input_items),
    )


def nest_handoff_history(
    data: HandoffInputData, *, history_mapper: HandoffHistoryMapper | None = None
) -> HandoffInputData:
    """Collapse the transcript so far into the next agent's input.

    By default the next agent receives one assistant message summarising the transcript (a
    summary from an earlier handoff is unpacked into it, so the transcript stays flat); user
    and system messages of the handoff's turn are passed on as they are after it. Pass
    `history_mapper` to build the input from the whole transcript yourself.
    """
    given = data.input_history
    history = _flatten(
        ItemHelpers.input_to_new_input_list(given if isinstance(given, str) else list(given))
    )
    pre = [
        _plain(item) for item in data.pre_handoff_items if not isinstance(item, ToolApprovalItem)
    ]
    new = [_plain(item) for item in data.new_items if not isinstance(item, ToolApprovalItem)]
    if history_mapper is not None:
        mapped = history_mapper([*history, *pre, *new])
    else:
        marked = [(item, _forward_earlier(item)) for item in pre]
        marked += [(item, _forward_new(item)) for item in new]
        mapped = _summarised(history, marked)
    return data.clone(
        input_history=tuple(copy.deepcopy(mapped)), pre_handoff_items=(), input_items=()
    )


def default_handoff_history_mapper(
    transcript: list[TResponseInputItem],
) -> list[TResponseInputItem]:
    """One assistant message with the numbered transcript between history markers."""
    lines = [f"{n}. {_describe(item)}" for n, item in enumerate(transcript, start=1)]
    text = "\n".join(
        [
            HISTORY_PREAMBLE,
            _markers[0],
            *(lines or ["(no previous turns recorded)"]),
            _markers[1],
        ]
    )
    return [{"role": "assistant", "content": text}]


def _plain(item: RunItem) -> TResponseInputItem:
    return copy.deepcopy(item.to_input_item())


def _forward_earlier(item: TResponseInputItem) -> bool:
    """Whether an item from before the handoff's turn is passed on as is (else summarised)."""
    return item.get("role") != "assistant" and item.get("type") not in _SUMMARY_ONLY_TYPES


def _forward_new(item: TResponseInputItem) -> bool:
    """Whether an item of the handoff's turn is passed on as is (else summarised)."""
    return bool(item.get("role")) or item.get("type") not in _SUMMARY_ONLY_TYPES


def _summarised(
    history: list[TResponseInputItem], marked: list[tuple[TResponseInputItem, bool]]
) -> list[TResponseInputItem]:
    """Summaries of the runs of summarised items, in order with the items passed on."""
    out: list[TResponseInputItem] = []
    pending = list(history)
    for item, forward in marked:
        if not forward:
            pending.append(item)
            continue
        if pending or not out:
            out.extend(default_handoff_history_mapper(pending))
            pending = []
        out.append(item)
    if pending or not out:
        out.extend(default_handoff_history_mapper(pending))
    return out


def _describe(item: TResponseInputItem) -> str:
    """One transcript line: `role (name): text` for a one-line text message, else JSON."""
    role, content = item.get("role"), item.get("content")
    if isinstance(role, str) and (
        content is None
        or (isinstance(content, str) and "\n" not in content and "\r" not in content)
    ):
        name = item.get("name")
        prefix = f"{role} ({name})" if isinstance(name, str) and name else role
        return f"{prefix}: {content or ''}"
    payload = {k: v for k, v in item.items() if k != "provider_data"}
    return json.dumps(payload, ensure_ascii=False, default=str)


def _flatten(items: list[TResponseInputItem]) -> list[TResponseInputItem]:
    """`items` with an earlier handoff's summary message replaced by the items it lists."""
    flat: list[TResponseInputItem] = []
    for item in items:
        unpacked = _unpack_summary(item)
        flat.extend(unpacked if unpacked is not None else [item])
    return flat


def _unpack_summary(item: TResponseInputItem) -> list[TResponseInputItem] | None:
    content = item.get("content")
    if item.get("role") != "assistant" or not isinstance(content, str):
        return None
    preamble, _, body = content.partition("\n")
    start, end = f"{_markers[0]}\n", f"\n{_markers[1]}"
    if preamble not in _PREAMBLES or not body.startswith(start) or not body.endswith(end):
        return None
    records: list[str] = []  # a numbered line, with the unnumbered lines that continue it
    for line in body[len(start) : -len(end)].splitlines():
        number, dot, _ = line.strip().partition(".")
        if records and line.strip() and not (dot and number.isdigit()):
            records[-1] += "\n" + line.rstrip()
        elif line.strip():
            records.append(line.strip())
    return [parsed for record in records if (parsed := _parse_line(record)) is not None]


def _parse_line(line: str) -> TResponseInputItem | None:
    """The item of one transcript record (`N. role: text`, `N. {json}` or `N. type: {json}`)."""
    number, dot, rest = line.partition(".")
    text = rest.strip() if dot and number.isdigit() else line.strip()
    if not text or text == "(no previous turns recorded)":
        return None
    with contextlib.suppress(ValueError):
        parsed = json.loads(text)
        if isinstance(parsed, dict):
            return parsed
    head, colon, tail = text.partition(":")
    name = None
    if head.endswith(")") and "(" in head:
        head, _, name = head[:-1].partition("(")
        head, name = head.strip(), name.strip() or None
    if not colon:
        if head not in _ROLES:
            return None
        tail = ""
    if head not in _ROLES:  # a typed item written as `type: {json}`
        with contextlib.suppress(ValueError):
            parsed = json.loads(tail)
            if isinstance(parsed, dict):
                return {**parsed, "type": head}
    message: dict[str, Any] = {"role": head}
    if name:
        message["name"] = name
    message["content"] = tail.strip()
    return message
