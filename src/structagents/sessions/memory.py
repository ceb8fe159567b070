"""`MemorySession`: history kept in this process, gone when the object is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from anyio.lowlevel import cancel_shielded_checkpoint, checkpoint_if_cancelled

from .._items import TResponseInputItem
from .base import (
    SessionSettings,
    coerce_session_settings,
    decode_item,
    decode_items,
    encode_items,
    resolve_session_limit,
)

__all__ = ["MemorySession"]

_T = TypeVar("_T")


class MemorySession:
    """A `Session` backed by a list in memory; for tests, scripts and short-lived processes.

    Items are stored as JSON text, like `SQLiteSession` stores them, so both return the same
    fresh copies and reject the same non-JSON items. Each call does its work without awaiting
    in between, so concurrent tasks never see one half done; like a trio checkpoint, a call
    is either cancelled before it changes anything or it completes.
    """

    def __init__(
        self,
        session_id: str = "default",
        session_settings: SessionSettings | dict[str, Any] | None = None,
    ) -> None:
        self.session_id = session_id
        self.session_settings: SessionSettings | None = coerce_session_settings(session_settings)
        self._items: list[str] = []

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The history, oldest first; with `limit`, only the newest `limit` items."""
        count = resolve_session_limit(limit, self.session_settings)

        def read() -> list[TResponseInputItem]:
            start = 0 if count is None else max(len(self._items) - count, 0)
            return decode_items(self._items[start:])

        return await _atomically(read)

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Append `items`, all of them or none."""
        encoded = encode_items(items)
        await _atomically(lambda: self._items.extend(encoded))

    async def replace_newest_items(
        self, expected: list[TResponseInputItem], items: list[TResponseInputItem]
    ) -> bool:
        """Replace the newest `len(expected)` items with `items` if they still equal
        `expected`; False (nothing changed) if the history moved on meanwhile."""
        old, new = encode_items(expected), encode_items(items)

        def replace() -> bool:
            start = len(self._items) - len(old)
            if start < 0 or decode_items(self._items[start:]) != expected:
                return False
            self._items[start:] = new
            return True

        return await _atomically(replace)

    async def pop_item(self) -> TResponseInputItem | None:
        """Remove and return the newest item; None if there is none."""
        return await _atomically(lambda: decode_item(self._items.pop()) if self._items else None)

    async def clear_session(self) -> None:
        """Remove every item."""
        await _atomically(self._items.clear)


async def _atomically(operation: Callable[[], _T]) -> _T:
    """Run `operation` whole: cancellation is checked before it, never after it has run."""
    await checkpoint_if_cancelled()
    result = operation()
    await cancel_shielded_checkpoint()
    return result
