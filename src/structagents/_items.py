"""Run items: what a run produced, each wrapping one Responses-API item dict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic_core import to_json

from ._tool_outputs import structured_tool_output
from ._typed import TypedView, plain, typed_output_item
from .exceptions import UserError

if TYPE_CHECKING:
    from ._agent import Agent

__all__ = [
    "HandoffCallItem",
    "HandoffOutputItem",
    "InputItem",
    "ItemHelpers",
    "MCPApprovalRequestItem",
    "MCPApprovalResponseItem",
    "MCPListToolsItem",
    "MessageOutputItem",
    "ReasoningItem",
    "RunItem",
    "TResponseInputItem",
    "TResponseOutputItem",
    "TResponseStreamEvent",
    "ToolApprovalItem",
    "ToolCallItem",
    "ToolCallOutputItem",
    "ToolSearchCallItem",
    "ToolSearchOutputItem",
]

TResponseInputItem = dict[str, Any]
"""A Responses-API input item, e.g. `{"role": "user", "content": "hi"}`. JSON-serialisable."""

TResponseOutputItem = dict[str, Any]
"""A Responses-API output item, e.g. `{"type": "message", "role": "assistant", ...}`."""

TResponseStreamEvent = dict[str, Any]
"""A Responses-API stream event, e.g. `{"type": "response.output_text.delta", "delta": "Hi"}`."""


def _typed_raw_item(item: RunItem, raw: dict[str, Any]) -> Any:
    return typed_output_item(raw) if item.raw_item_is_typed else raw


@dataclass(eq=False)
class RunItem:
    """Something a run produced.

    `raw_item` reads as the `openai` SDK's object, as in the reference SDK
    (`ResponseOutputMessage`, `ResponseFunctionToolCall`, `ResponseReasoningItem`...; tool and
    handoff outputs stay dicts), built on first access. `raw_item_dict` (and
    `to_input_item()`) is the plain JSON dict the run holds and sends, at no cost. Either may
    be passed as `raw_item`.
    """

    agent: Agent[Any]
    raw_item: Any = TypedView(_typed_raw_item)  # noqa: RUF009 (a descriptor, not a default)
    type: ClassVar[str] = "run_item"
    raw_item_is_typed: ClassVar[bool] = True
    """Whether `raw_item` reads as an SDK object (False: the reference keeps a dict too)."""

    @property
    def raw_item_dict(self) -> dict[str, Any]:
        """`raw_item` as the plain JSON dict the run holds (no conversion)."""
        item: dict[str, Any] = self.__dict__["_raw_item_plain"]
        return item

    def to_input_item(self) -> TResponseInputItem:
        """The item as the next model request sees it: its plain JSON dict."""
        return self.raw_item_dict


@dataclass(eq=False)
class MessageOutputItem(RunItem):
    """A message from the model."""

    type: ClassVar[str] = "message_output_item"


@dataclass(eq=False)
class ToolCallItem(RunItem):
    """The model asked to call a tool."""

    description: str | None = None
    """The tool's description, when known as the item is made."""
    title: str | None = None
    """A short display label, when known as the item is made."""
    type: ClassVar[str] = "tool_call_item"

    @property
    def tool_name(self) -> str | None:
        """The called tool's name, if the call item has one."""
        name = self.to_input_item().get("name")
        return name if isinstance(name, str) else None

    @property
    def call_id(self) -> str | None:
        """The call's id (`call_id`, else the item's `id`), if it has one."""
        raw = self.to_input_item()
        call_id = raw.get("call_id") or raw.get("id")
        return call_id if isinstance(call_id, str) else None


@dataclass(eq=False)
class ToolCallOutputItem(RunItem):
    """The result of a tool call. `output` is the tool's Python return value."""

    output: Any = None
    type: ClassVar[str] = "tool_call_output_item"
    raw_item_is_typed: ClassVar[bool] = False

    @property
    def call_id(self) -> str | None:
        """The id of the call this output answers, if it has one."""
        call_id = self.raw_item_dict.get("call_id")
        return call_id if isinstance(call_id, str) else None


@dataclass(eq=False)
class HandoffCallItem(RunItem):
    """The model asked to hand the conversation to another agent."""

    type: ClassVar[str] = "handoff_call_item"


@dataclass(eq=False)
class HandoffOutputItem(RunItem):
    """A handoff took place: `source_agent` handed the conversation to `target_agent`."""

    source_agent: Agent[Any] | None = None
    target_agent: Agent[Any] | None = None
    type: ClassVar[str] = "handoff_output_item"
    raw_item_is_typed: ClassVar[bool] = False


@dataclass(eq=False)
class ReasoningItem(RunItem):
    """A reasoning item from a reasoning model."""

    type: ClassVar[str] = "reasoning_item"


@dataclass(eq=False)
class ToolSearchCallItem(RunItem):
    """The model searched its deferred tools (a Responses `tool_search_call` item)."""

    type: ClassVar[str] = "tool_search_call_item"

    def to_input_item(self) -> TResponseInputItem:
        return _without_created_by(self.raw_item_dict)


@dataclass(eq=False)
class ToolSearchOutputItem(RunItem):
    """What a tool search loaded (a `tool_search_output` item; its `tools` are the loaded tool
    definitions)."""

    type: ClassVar[str] = "tool_search_output_item"

    def to_input_item(self) -> TResponseInputItem:
        return _without_created_by(self.raw_item_dict)


def _without_created_by(raw: dict[str, Any]) -> TResponseInputItem:
    """The item without `created_by`, which the service sets on output only."""
    return {k: v for k, v in raw.items() if k != "created_by"} if "created_by" in raw else raw


@dataclass(eq=False)
class MCPListToolsItem(RunItem):
    """A hosted MCP server listed its tools (an `mcp_list_tools` item)."""

    type: ClassVar[str] = "mcp_list_tools_item"


@dataclass(eq=False)
class MCPApprovalRequestItem(RunItem):
    """A hosted MCP server asks to call one of its tools (an `mcp_approval_request` item)."""

    type: ClassVar[str] = "mcp_approval_request_item"


@dataclass(eq=False)
class MCPApprovalResponseItem(RunItem):
    """The answer to an MCP approval request (an `mcp_approval_response` item)."""

    type: ClassVar[str] = "mcp_approval_response_item"
    raw_item_is_typed: ClassVar[bool] = False


@dataclass(eq=False)
class ToolApprovalItem(RunItem):
    """A tool call waiting for a human's decision (`RunState.approve` / `reject`).

    `raw_item` is the model's `function_call` item; the tool has not started. It is never sent
    to the model: `to_input_item()` raises.
    """

    tool_name: str | None = None
    type: ClassVar[str] = "tool_approval_item"

    def __post_init__(self) -> None:
        if self.tool_name is None:
            name = self.raw_item_dict.get("name")
            self.tool_name = name if isinstance(name, str) else None

    @property
    def name(self) -> str | None:
        """The tool's name."""
        return self.tool_name

    @property
    def call_id(self) -> str | None:
        """The id of the tool call waiting for approval."""
        call_id = self.raw_item_dict.get("call_id")
        return call_id if isinstance(call_id, str) else None

    @property
    def arguments(self) -> str | None:
        """The call's arguments, as the JSON text the model sent."""
        arguments = self.raw_item_dict.get("arguments")
        return arguments if isinstance(arguments, str) else None

    def to_input_item(self) -> TResponseInputItem:
        raise UserError(
            "A ToolApprovalItem is not model input: approve or reject it on the RunState and "
            "resume the run with Runner.run(agent, state)."
        )


@dataclass(eq=False)
class InputItem(RunItem):
    """Input added to a paused run with `RunState.add_input`, given to the next model call."""

    type: ClassVar[str] = "input_item"
    raw_item_is_typed: ClassVar[bool] = False


class ItemHelpers:
    """Small helpers for reading and building items."""

    @classmethod
    def extract_last_content(cls, message: Any) -> str:
        """The last content part of a message: its text or refusal ("" for other items)."""
        data = plain(message)
        content = data.get("content")
        if data.get("type") != "message" or not isinstance(content, list) or not content:
            return ""
        last = content[-1]
        if not isinstance(last, dict):
            return ""
        if last.get("type") == "refusal":
            return str(last.get("refusal") or "")
        return str(last.get("text") or "")

    @classmethod
    def extract_last_text(cls, message: Any) -> str | None:
        """The text of a message's last content part, if it is text (a dict or SDK object)."""
        content = plain(message).get("content")
        if isinstance(content, str):
            return content
        if content:
            last = content[-1]
            if last.get("type") in ("output_text", "input_text"):
                return str(last.get("text", ""))
        return None

    @classmethod
    def extract_text(cls, message: Any) -> str | None:
        """All the text parts of a message (a dict or SDK object), joined; None when it is
        not a message or has no text, as in the reference."""
        return cls._text_of(message) or None

    @classmethod
    def _text_of(cls, message: Any) -> str:
        content = plain(message).get("content")
        if isinstance(content, str):
            return content
        return "".join(
            part
            if isinstance(part, str)  # a bare string part, as some providers send
            else str(part.get("text") or "")
            if part.get("type") in ("output_text", "input_text")
            else ""
            for part in content or ()
        )

    @classmethod
    def text_message_output(cls, message: MessageOutputItem) -> str:
        """The text of one message item."""
        return cls._text_of(message.to_input_item())

    @classmethod
    def text_message_outputs(cls, items: list[RunItem]) -> str:
        """The text of every message item in `items`, concatenated."""
        return "".join(
            cls.text_message_output(item) for item in items if isinstance(item, MessageOutputItem)
        )

    @classmethod
    def input_to_new_input_list(
        cls, input: str | list[TResponseInputItem]
    ) -> list[TResponseInputItem]:
        """A string becomes one user message; a list is copied (its items are shared)."""
        if isinstance(input, str):
            return [{"role": "user", "content": input}]
        return list(input)

    @classmethod
    def tool_output_text(cls, output: Any) -> str:
        """How a tool's return value is shown to the model: strings as is, the rest as JSON."""
        if isinstance(output, str):
            return output
        try:
            return to_json(output).decode()
        except Exception:
            return str(output)

    @classmethod
    def tool_call_output_item(cls, tool_call: Any, output: Any) -> TResponseInputItem:
        """The `function_call_output` input item for a tool's result: rich outputs
        (`ToolOutputText` / `ToolOutputImage` / `ToolOutputFileContent`, their dicts, or a list of
        them) as content parts, anything else as text. `tool_call` is the call (an SDK object or
        dict, as in the reference) or its call id."""
        call_id = tool_call if isinstance(tool_call, str) else plain(tool_call)["call_id"]
        if not isinstance(output, str):
            parts = structured_tool_output(output)
            if parts is not None:
                return {"type": "function_call_output", "call_id": call_id, "output": parts}
        return {
            "type": "function_call_output",
            "call_id": call_id,
            "output": cls.tool_output_text(output),
        }
