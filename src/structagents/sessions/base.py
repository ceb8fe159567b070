"""The `Session` protocol, `SessionSettings`, and the JSON form every session stores."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Protocol, runtime_checkable

from .._items import TResponseInputItem
from ..exceptions import UserError, UserTypeError

__all__ = [
    "Session",
    "SessionSettings",
    "coerce_session_settings",
    "decode_item",
    "decode_items",
    "encode_items",
    "newest_turns",
    "resolve_session_limit",
]


@runtime_checkable
class Session(Protocol):
    """One conversation's history: Responses-API input item dicts, oldest first.

    Every call is atomic: `add_items` stores all its items or none, `pop_item` removes exactly
    the item it returns, and concurrent calls never see each other half done.
    """

    session_id: str
    session_settings: SessionSettings | None = None

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The history, oldest first; with `limit`, only the newest `limit` items.

        Without `limit`, `session_settings.limit` applies (None: everything).
        """
        ...

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Append `items` to the history, all of them or (on error or cancellation) none."""
        ...

    async def pop_item(self) -> TResponseInputItem | None:
        """Remove and return the newest item; None if the history is empty."""
        ...

    async def clear_session(self) -> None:
        """Remove every item of this session."""
        ...


@dataclass
class SessionSettings:
    """How history is read from a session.

    `limit`: how many of the newest items `get_items()` (and so a run) loads; None loads all.
    `keep_turns`: a run shows the model only the newest `keep_turns` whole turns (a turn
    starts at a user message), so no tool call is ever cut from its output; the stored
    history is left whole. None keeps every turn.
    """

    limit: int | None = None
    keep_turns: int | None = None

    def __post_init__(self) -> None:
        _check_limit(self.limit)
        _check_limit(self.keep_turns, "keep_turns")

    def resolve(self, override: SessionSettings | dict[str, Any] | None) -> SessionSettings:
        """These settings with every non-None value of `override` laid over them."""
        if override is None:
            return self
        override = coerce_session_settings(override)
        changes = {
            f.name: value
            for f in fields(override)
            if (value := getattr(override, f.name)) is not None
        }
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain dict; `keep_turns` (ours, not the reference SDK's) only
        when it is set, so the dict has the reference's shape otherwise."""
        settings = asdict(self)
        if self.keep_turns is None:
            del settings["keep_turns"]
        return settings


def coerce_session_settings(value: SessionSettings | dict[str, Any] | None) -> SessionSettings:
    """`value` as `SessionSettings`: a dict is read as its fields, None as the defaults."""
    if value is None:
        return SessionSettings()
    if isinstance(value, SessionSettings):
        return value
    if not isinstance(value, dict):
        raise UserTypeError(f"session_settings must be SessionSettings or a dict, not {value!r}.")
    unknown = sorted(set(value) - {f.name for f in fields(SessionSettings)})
    if unknown:
        raise UserTypeError(f"Unknown session settings: {', '.join(map(str, unknown))}.")
    return SessionSettings(**value)


def resolve_session_limit(limit: int | None, settings: SessionSettings | None) -> int | None:
    """How many items to read: `limit` if given, else the settings' limit (None: all)."""
    if limit is None and settings is not None:
        limit = settings.limit
    _check_limit(limit)
    return limit


def _check_limit(limit: int | None, name: str = "limit") -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise UserError(f"A session {name} must be a whole number >= 0 or None, not {limit!r}.")


def newest_turns(history: list[TResponseInputItem], turns: int) -> list[TResponseInputItem]:
    """The items of the newest `turns` turns of `history`; a turn starts at a user message."""
    starts = [
        index
        for index, item in enumerate(history)
        if item.get("role") == "user" and item.get("type", "message") == "message"
    ]
    if len(starts) <= turns:
        return history
    return history[starts[-turns] :] if turns else []


def encode_items(items: list[TResponseInputItem], *, what: str = "Session item") -> list[str]:
    """Each item as JSON text; raises `UserError` (before anything is stored) if one is not JSON."""
    encoded = []
    for index, item in enumerate(items):
        try:
            encoded.append(json.dumps(item, allow_nan=False))
        except (TypeError, ValueError, RecursionError) as exc:
            raise UserError(f"{what} {index} is not JSON-serialisable: {exc}") from exc
    return encoded


def decode_item(text: str) -> TResponseInputItem:
    """An item back from its JSON text (a fresh object on every call)."""
    item: TResponseInputItem = json.loads(text)
    return item


def decode_items(texts: Sequence[str]) -> list[TResponseInputItem]:
    """Items back from their JSON texts, parsed as one array (about twice as fast as one
    parse per item on a long history); item by item if the texts do not split into one
    object each, so a corrupt row is reported as itself."""
    try:
        items: list[TResponseInputItem] = json.loads("[" + ",".join(texts) + "]")
    except ValueError:
        items = []
    if len(items) != len(texts) or not all(isinstance(item, dict) for item in items):
        return [decode_item(text) for text in texts]
    return items
