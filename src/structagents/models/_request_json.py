"""Request bodies as JSON bytes, posted through the `openai` client as they are.

Values are written by pydantic-core (UTF-8, no spaces, about 3x the speed of `json.dumps` with
the SDK's encoder); SDK pydantic objects given as input items are dumped as the SDK would send
them (the fields that were set, by alias). Each request serialises its whole `input` afresh:
history items are plain dicts a caller may edit in place between runs (a redacted message, an
edited turn), so JSON kept from an earlier request, keyed by the item objects, could send what
the caller already changed.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from .._typed import plain

__all__ = ["json_bytes", "request_json"]


def json_bytes(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON (pydantic objects by alias)."""
    return to_json(value, by_alias=True)


def request_json(body: dict[str, Any]) -> bytes:
    """A request body as JSON bytes, its `input` items as the SDK would send them."""
    items = body.get("input")
    if isinstance(items, list) and not all(type(item) is dict for item in items):
        body = {**body, "input": [item if type(item) is dict else plain(item) for item in items]}
    return json_bytes(body)
