"""Stream events: what `open_run` / `Runner.run_streamed` deliver while a run is going."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ._items import (
    HandoffCallItem,
    HandoffOutputItem,
    MCPApprovalRequestItem,
    MCPApprovalResponseItem,
    MCPListToolsItem,
    MessageOutputItem,
    ReasoningItem,
    RunItem,
    ToolApprovalItem,
    ToolCallItem,
    ToolCallOutputItem,
    ToolSearchCallItem,
    ToolSearchOutputItem,
)
from ._typed import TypedView, typed_stream_event

if TYPE_CHECKING:
    from ._agent import Agent

__all__ = [
    "AgentUpdatedStreamEvent",
    "RawResponsesStreamEvent",
    "RunItemStreamEvent",
    "StreamEvent",
    "item_event",
]

RunItemEventName: TypeAlias = Literal[
    "message_output_created",
    "handoff_requested",
    "handoff_occured",
    "tool_called",
    "tool_output",
    "reasoning_item_created",
    "tool_approval_requested",
    "mcp_approval_requested",
    "mcp_approval_response",
    "mcp_list_tools",
    "tool_search_called",
    "tool_search_output_created",
]


@dataclass
class RawResponsesStreamEvent:
    """An event exactly as the model streamed it.

    `data` reads as the `openai` SDK's stream event (`ResponseTextDeltaEvent`,
    `ResponseCompletedEvent`, ...; built on first access, a dict for event types the SDK does
    not know), as in the reference SDK. `data_dict` is the same event as the plain JSON dict
    the model sent, at no cost: `event.data_dict["delta"]`.
    """

    data: Any = TypedView(lambda _event, data: typed_stream_event(data))  # noqa: RUF009 (a descriptor)
    type: Literal["raw_response_event"] = "raw_response_event"

    @property
    def data_dict(self) -> dict[str, Any]:
        """The event as a Responses-API stream event dict (what `data` is built from)."""
        data: dict[str, Any] = self.__dict__["_data_plain"]
        return data


@dataclass
class RunItemStreamEvent:
    """The run produced an item: a message, a tool call, a tool output..."""

    name: RunItemEventName
    item: RunItem
    type: Literal["run_item_stream_event"] = "run_item_stream_event"


@dataclass
class AgentUpdatedStreamEvent:
    """A (new) agent is now running."""

    new_agent: Agent[Any]
    type: Literal["agent_updated_stream_event"] = "agent_updated_stream_event"


StreamEvent: TypeAlias = RawResponsesStreamEvent | RunItemStreamEvent | AgentUpdatedStreamEvent

_ITEM_EVENT_NAMES: dict[type[RunItem], RunItemEventName] = {
    MessageOutputItem: "message_output_created",
    ToolCallItem: "tool_called",
    ToolCallOutputItem: "tool_output",
    ReasoningItem: "reasoning_item_created",
    HandoffCallItem: "handoff_requested",
    HandoffOutputItem: "handoff_occured",
    MCPApprovalRequestItem: "mcp_approval_requested",
    MCPApprovalResponseItem: "mcp_approval_response",
    MCPListToolsItem: "mcp_list_tools",
    ToolSearchCallItem: "tool_search_called",
    ToolSearchOutputItem: "tool_search_output_created",
    ToolApprovalItem: "tool_approval_requested",
}


def item_event(item: RunItem) -> RunItemStreamEvent:
    """The stream event announcing `item`."""
    return RunItemStreamEvent(name=_ITEM_EVENT_NAMES[type(item)], item=item)
