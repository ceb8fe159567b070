"""The sending side of a streamed run's events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectSendStream

from .._agent import Agent
from .._events import AgentUpdatedStreamEvent, RawResponsesStreamEvent, StreamEvent, item_event
from .._items import RunItem

__all__ = ["EventSink"]


class EventSink:
    """The run's side of the stream. Sending blocks while the buffer is full (backpressure).

    `hold_raw_events()` keeps raw model events back (at most `limit` of them, then the model
    waits) until `release_raw_events()`; events still held when the run fails are dropped.
    """

    def __init__(self, send: MemoryObjectSendStream[StreamEvent], limit: int) -> None:
        self._send = send
        self._limit = limit
        self._held: list[StreamEvent] | None = None
        self._lock = anyio.Lock()
        self._released = anyio.Event()

    async def raw(self, data: Any) -> None:
        """Send a model stream event (a dict, or an SDK event from a reference-style model)."""
        event = RawResponsesStreamEvent(data=data)
        if self._held is None:
            try:
                self._send.send_nowait(event)  # room in the buffer: no scheduler round trip
            except anyio.WouldBlock:
                await self._send.send(event)
            return
        async with self._lock:
            if self._held is not None and len(self._held) < self._limit:
                self._held.append(event)
                return
        await self._released.wait()
        async with self._lock:
            await self._send.send(event)

    async def items(self, items: Sequence[RunItem]) -> None:
        for item in items:
            await self._send.send(item_event(item))

    async def agent_updated(self, agent: Agent[Any]) -> None:
        await self._send.send(AgentUpdatedStreamEvent(new_agent=agent))

    def hold_raw_events(self) -> None:
        self._held = []

    async def release_raw_events(self) -> None:
        async with self._lock:
            held, self._held = self._held or [], None
            for event in held:
                await self._send.send(event)
        self._released.set()
