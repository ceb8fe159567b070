"""`OpenAIConversationsSession`: history kept by the OpenAI Conversations API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._items import TResponseInputItem
from ..exceptions import UserValueError
from ._openai_api import OpenAIEndpoint
from ._threads import queue_of
from .base import SessionSettings, coerce_session_settings, encode_items, resolve_session_limit

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["OpenAIConversationsSession", "start_openai_conversations_session"]

_ITEMS_PER_WRITE = 20  # what one items-create request accepts
_PAGE_SIZE = 100  # the most one list request returns


async def start_openai_conversations_session(openai_client: AsyncOpenAI | None = None) -> str:
    """Create an empty conversation and return its id."""
    reply = await OpenAIEndpoint(openai_client).request("POST", "/conversations", body={})
    return str(reply["id"])


class OpenAIConversationsSession:
    """A `Session` whose history the OpenAI Conversations API keeps on the server.

    With no `conversation_id`, a conversation is created on first use; `session_id` is its
    id from then on. The client is `openai_client`, else the default client
    (`set_default_openai_client`), else one made from `OPENAI_API_KEY`. Calls of one object
    take turns (per event loop). A write of more than 20 items is several requests, so it is
    not atomic: a failure or cancellation between them leaves the earlier ones stored.
    `clear_session()` deletes the conversation; the next call starts a new one.
    """

    def __init__(
        self,
        *,
        conversation_id: str | None = None,
        openai_client: AsyncOpenAI | None = None,
        session_settings: SessionSettings | dict[str, Any] | None = None,
    ) -> None:
        self._conversation_id = conversation_id
        self._api = OpenAIEndpoint(openai_client)
        self.session_settings: SessionSettings | None = coerce_session_settings(session_settings)

    @property
    def session_id(self) -> str:
        """The conversation's id; a `UserError` before the first call has created it."""
        if self._conversation_id is None:
            raise UserValueError(
                "This OpenAIConversationsSession has no conversation yet: it is created on "
                "first use (get_items(), add_items(...)), or pass conversation_id=."
            )
        return self._conversation_id

    @session_id.setter
    def session_id(self, value: str) -> None:
        self._conversation_id = value

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The history, oldest first; with `limit`, only the newest `limit` items."""
        count = resolve_session_limit(limit, self.session_settings)
        async with queue_of(self):
            return await self._read(count)

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Append `items`, in requests of at most 20 items each."""
        encode_items(items)  # nothing is sent if an item is not JSON
        if not items:
            return
        async with queue_of(self):
            path = f"/conversations/{await self._ensure_conversation()}/items"
            for start in range(0, len(items), _ITEMS_PER_WRITE):
                batch = items[start : start + _ITEMS_PER_WRITE]
                await self._api.request("POST", path, body={"items": batch})

    async def pop_item(self) -> TResponseInputItem | None:
        """Remove and return the newest item; None if there is none."""
        async with queue_of(self):
            newest = await self._read(1)
            if not newest:
                return None
            item = newest[0]
            path = f"/conversations/{self.session_id}/items/{item['id']}"
            await self._api.request("DELETE", path)
            return item

    async def clear_session(self) -> None:
        """Delete the conversation on the server; the next call creates a new one."""
        async with queue_of(self):
            if self._conversation_id is None:
                return
            await self._api.request("DELETE", f"/conversations/{self._conversation_id}")
            self._conversation_id = None

    async def _ensure_conversation(self) -> str:
        if self._conversation_id is None:
            self._conversation_id = await start_openai_conversations_session(self._api.client)
        return self._conversation_id

    async def _read(self, count: int | None) -> list[TResponseInputItem]:
        """Page through the items: oldest first for all of them, newest first for `count`."""
        path = f"/conversations/{await self._ensure_conversation()}/items"
        if count == 0:
            return []
        params: dict[str, Any] = {"order": "asc" if count is None else "desc"}
        items: list[TResponseInputItem] = []
        while count is None or len(items) < count:
            page_size = _PAGE_SIZE if count is None else min(_PAGE_SIZE, count - len(items))
            page = await self._api.request("GET", path, params={**params, "limit": page_size})
            items.extend(page["data"])
            if not page.get("has_more") or not page["data"]:
                break
            params["after"] = page["data"][-1]["id"]
        return items if count is None else items[::-1]
