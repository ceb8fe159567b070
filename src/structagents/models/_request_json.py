"""Request bodies as JSON bytes, each history item serialised once per conversation.

A run sends its whole history on every turn. The JSON of each request's `input` array is kept,
keyed by its last item; the next request of the same conversation walks back over its new
items to the previous request's last one, checks that the cached prefix holds the very same
item objects, and serialises only the items after it. The run's history items are read-only
(the `Model` contract), so the JSON of an item the cache holds cannot go stale; any other
change to the list (a filter, a rebased history) simply misses and serialises it afresh.

Values are written by pydantic-core (UTF-8, no spaces, about 3x the speed of `json.dumps` with
the SDK's encoder); SDK pydantic objects given as input items are dumped as the SDK would send
them (the fields that were set, by alias).
"""

from __future__ import annotations

import operator
import threading
from collections import OrderedDict
from typing import Any

from pydantic_core import to_json

from .._typed import plain

__all__ = ["InputCache", "json_bytes", "request_json"]

_MAX_BYTES = 64 * 1024 * 1024
_MAX_ENTRIES = 4096


def json_bytes(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON (pydantic objects by alias)."""
    return to_json(value, by_alias=True)


class _Prefix:
    __slots__ = ("items", "json")

    def __init__(self, items: list[Any], json: bytes) -> None:
        self.items = items  # held, so no other object can take an id the cache is keyed by
        self.json = json  # the items' JSON, comma-separated, without the brackets


class InputCache:
    """The JSON of recent `input` arrays, so a conversation's next request serialises only
    its new items. Bounded (`max_bytes` of JSON, `max_entries` arrays, least recently used
    first out); safe to share between runs, event loops and threads."""

    def __init__(self, max_bytes: int = _MAX_BYTES, max_entries: int = _MAX_ENTRIES) -> None:
        self._entries: OrderedDict[int, _Prefix] = OrderedDict()
        self._size = 0
        self._max_bytes = max_bytes
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def array(self, items: list[Any]) -> bytes:
        """`items` as a JSON array, serialising only those after the longest cached prefix."""
        with self._lock:
            start, head = self._prefix(items)
        if start < len(items):
            new = _items_json(items[start:])
            head = head + b"," + new if head else new
        if items:
            with self._lock:
                self._store(items, start, head)
        return b"[" + head + b"]"

    def _prefix(self, items: list[Any]) -> tuple[int, bytes]:
        entries = self._entries
        for last in range(len(items) - 1, -1, -1):
            entry = entries.get(id(items[last]))
            if (
                entry is not None
                and len(entry.items) == last + 1
                and all(map(operator.is_, entry.items, items))
            ):
                return last + 1, entry.json
        return 0, b""

    def _store(self, items: list[Any], start: int, json: bytes) -> None:
        entries = self._entries
        if start and start < len(items):  # the shorter prefix is superseded
            old = entries.pop(id(items[start - 1]), None)
            if old is not None:
                self._size -= len(old.json)
        key = id(items[-1])
        old = entries.pop(key, None)
        if old is not None:
            self._size -= len(old.json)
        if len(json) > self._max_bytes:
            return
        entries[key] = _Prefix(list(items), json)
        self._size += len(json)
        while self._size > self._max_bytes or len(entries) > self._max_entries:
            _, evicted = entries.popitem(last=False)
            self._size -= len(evicted.json)


def _items_json(items: list[Any]) -> bytes:
    """Items as JSON, comma-separated, without brackets."""
    if not all(type(item) is dict for item in items):
        items = [item if type(item) is dict else plain(item) for item in items]
    return json_bytes(items)[1:-1]


def request_json(body: dict[str, Any], cache: InputCache | None = None) -> bytes:
    """A request body as JSON bytes; with `cache`, its `input` list through the cache."""
    items = body.get("input")
    if cache is None or not isinstance(items, list) or not items:
        return json_bytes(body)
    rest = json_bytes({key: value for key, value in body.items() if key != "input"})
    array = cache.array(items)
    return b'{"input":' + array + (b"," + rest[1:] if rest != b"{}" else b"}")
