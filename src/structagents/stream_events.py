"""The reference SDK's `agents.stream_events` module path: stream events."""

from ._agent import Agent as Agent
from ._events import AgentUpdatedStreamEvent as AgentUpdatedStreamEvent
from ._events import RawResponsesStreamEvent as RawResponsesStreamEvent
from ._events import RunItemStreamEvent as RunItemStreamEvent
from ._events import StreamEvent as StreamEvent
from ._items import RunItem as RunItem

__all__ = [
    "Agent",
    "AgentUpdatedStreamEvent",
    "RawResponsesStreamEvent",
    "RunItem",
    "RunItemStreamEvent",
    "StreamEvent",
]
