"""The stateful endpoints of `FakeOpenAIServer`: Conversations and `responses/compact`.

Conversations live in memory (created, listed page by page, appended to, deleted, as the
Conversations API does); compaction replies come from a script, or, unscripted, follow the
service's shape for input-mode requests: the user messages, then one `compaction` item.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias
from urllib.parse import parse_qs, urlsplit

import anyio

__all__ = ["CompactionHold", "CompactionStep", "ServerState", "StateReply"]

_Items: TypeAlias = "list[dict[str, Any]]"
CompactionStep: TypeAlias = "_Items | Callable[[dict[str, Any]], _Items]"
"""A scripted `responses/compact` reply: its output items, or a function of the request body
returning them; a function may raise to make the request fail (500)."""

_PAGE_DEFAULT, _PAGE_MAX = 20, 100
_ID_PREFIXES = {"message": "msg", "function_call": "fc", "function_call_output": "fco"}


@dataclass(frozen=True)
class CompactionHold:
    """Compact requests wait: `arrived` is set when one comes in, `release` lets them go."""

    arrived: anyio.Event = field(default_factory=anyio.Event)
    release: anyio.Event = field(default_factory=anyio.Event)

    async def wait(self) -> None:
        self.arrived.set()
        await self.release.wait()


@dataclass(frozen=True)
class StateReply:
    """What to answer: a status and a JSON body, or an error status and its message; `hold`
    is waited for first (to test a client giving up mid-request)."""

    status: int
    body: Mapping[str, Any] | None = None
    error: str = ""
    hold: CompactionHold | None = None


@dataclass
class ServerState:
    """Conversations and scripted compactions, shared by all connections of one server."""

    compactions: deque[CompactionStep] = field(default_factory=deque)
    conversations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    compaction_hold: CompactionHold | None = None
    _counter: int = 0

    def script_compactions(self, steps: Iterable[CompactionStep]) -> None:
        self.compactions.extend(steps)

    def answer(self, method: str, target: str, body: Any) -> StateReply | None:
        """The reply for a Conversations, compact or traces-ingest request; None otherwise."""
        url = urlsplit(target)
        parts = url.path.strip("/").split("/")
        if parts[:1] == ["v1"]:
            parts = parts[1:]
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        if parts == ["responses", "compact"] and method == "POST":
            return self._compact(body)
        if parts == ["traces", "ingest"] and method == "POST":  # the traces exporter's endpoint
            return StateReply(200, {})
        if parts[:1] != ["conversations"]:
            return None
        if len(parts) == 1 and method == "POST":
            return self._create(body)
        conversation_id = parts[1] if len(parts) > 1 else ""
        items = self.conversations.get(conversation_id)
        if items is None:
            return _error(404, f"Conversation with id '{conversation_id}' not found.")
        if len(parts) == 2:
            if method == "GET":
                return StateReply(200, self._conversation(conversation_id))
            if method == "DELETE":
                del self.conversations[conversation_id]
                deleted = {"id": conversation_id, "object": "conversation.deleted", "deleted": True}
                return StateReply(200, deleted)
        if len(parts) == 3 and parts[2] == "items":
            if method == "GET":
                return self._list(items, query)
            if method == "POST":
                return self._append(items, body)
        if len(parts) == 4 and parts[2] == "items" and method == "DELETE":
            kept = [item for item in items if item.get("id") != parts[3]]
            if len(kept) == len(items):
                return _error(404, f"Item with id '{parts[3]}' not found.")
            items[:] = kept
            return StateReply(200, self._conversation(conversation_id))
        return _error(404, f"FakeOpenAIServer: no endpoint {method} {url.path}.")

    def _next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}_fake_{self._counter}"

    def _conversation(self, conversation_id: str) -> dict[str, Any]:
        return {
            "id": conversation_id,
            "object": "conversation",
            "created_at": int(time.time()),
            "metadata": {},
        }

    def _create(self, body: Any) -> StateReply:
        conversation_id = self._next_id("conv")
        self.conversations[conversation_id] = []
        initial = body.get("items") if isinstance(body, dict) else None
        if initial:
            self._append(self.conversations[conversation_id], {"items": initial})
        return StateReply(200, self._conversation(conversation_id))

    def _append(self, items: list[dict[str, Any]], body: Any) -> StateReply:
        new = body.get("items") if isinstance(body, dict) else None
        if not isinstance(new, list) or not all(isinstance(item, dict) for item in new):
            return _error(400, "'items' must be a list of item objects.")
        if len(new) > _PAGE_DEFAULT:
            return _error(400, f"At most {_PAGE_DEFAULT} items can be added per request.")
        added = []
        for given in new:
            item = json.loads(json.dumps(given))  # stored apart from the caller's objects
            kind = item.setdefault("type", "message")
            item.setdefault("id", self._next_id(_ID_PREFIXES.get(kind, "item")))
            added.append(item)
        items.extend(added)
        return StateReply(200, _page(added, has_more=False))

    def _list(self, items: list[dict[str, Any]], query: Mapping[str, str]) -> StateReply:
        ordered = items if query.get("order", "desc") == "asc" else items[::-1]
        after = query.get("after")
        if after is not None:
            ids = [item["id"] for item in ordered]
            if after not in ids:
                return _error(400, f"Invalid 'after': no item '{after}'.")
            ordered = ordered[ids.index(after) + 1 :]
        limit = min(max(int(query.get("limit", _PAGE_DEFAULT)), 1), _PAGE_MAX)
        return StateReply(200, _page(ordered[:limit], has_more=len(ordered) > limit))

    def _compact(self, body: Any) -> StateReply:
        if not isinstance(body, dict) or not isinstance(body.get("model"), str):
            return _error(400, "Missing required parameter: 'model'.")
        has_input, has_previous = "input" in body, "previous_response_id" in body
        if has_input == has_previous:
            return _error(400, "Give exactly one of 'input' and 'previous_response_id'.")
        if self.compactions:
            step = self.compactions.popleft()
            try:
                output = step(body) if callable(step) else step
            except Exception as exc:
                return _error(500, f"FakeOpenAIServer: the compaction step failed: {exc!r}")
        elif has_input and isinstance(body["input"], list):
            kept = [item for item in body["input"] if _is_user_message(item)]
            output = [*kept, self._compaction_item(body["input"])]
        else:
            return _error(
                400,
                "FakeOpenAIServer keeps no responses: script the compaction of a "
                "previous_response_id request (compactions=[...]).",
            )
        reply = {
            "id": self._next_id("cmp"),
            "object": "response.compaction",
            "created_at": int(time.time()),
            "output": output,
            "usage": {
                "input_tokens": 10,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": 5,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": 15,
            },
        }
        return StateReply(200, reply, hold=self.compaction_hold)

    def _compaction_item(self, items: list[Any]) -> dict[str, Any]:
        summary = json.dumps({"compacted_items": len(items)})
        return {"type": "compaction", "id": self._next_id("cmp_item"), "encrypted_content": summary}


def _is_user_message(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and item.get("role") == "user"
        and item.get("type", "message") == "message"
    )


def _page(items: list[dict[str, Any]], *, has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": items,
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
        "has_more": has_more,
    }


def _error(status: int, message: str) -> StateReply:
    return StateReply(status, error=message)
