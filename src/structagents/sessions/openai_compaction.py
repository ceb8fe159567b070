"""`OpenAIResponsesCompactionSession`: a session whose long history the Responses API's
`responses/compact` endpoint collapses, replaced atomically in the wrapped session."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict, runtime_checkable

import anyio

from .._items import TResponseInputItem
from .._usage import Usage, usage_from_json
from ..exceptions import UserValueError
from ._openai_api import OpenAIEndpoint
from ._threads import queue_of
from .base import Session, SessionSettings
from .openai_conversations import OpenAIConversationsSession

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = [
    "DEFAULT_COMPACTION_THRESHOLD",
    "OpenAIResponsesCompactionArgs",
    "OpenAIResponsesCompactionAwareSession",
    "OpenAIResponsesCompactionSession",
    "ReplaceableSession",
    "default_should_trigger_compaction",
    "is_openai_responses_compaction_aware_session",
    "select_compaction_candidate_items",
]

logger = logging.getLogger("structagents.sessions.compaction")

DEFAULT_COMPACTION_THRESHOLD = 10
"""Compact once this many candidate items (not user messages or earlier compactions) exist."""

_RESTORE_TIMEOUT = 30.0
_EVERYTHING = 2**31 - 1
OpenAIResponsesCompactionMode = Literal["previous_response_id", "input", "auto"]


class OpenAIResponsesCompactionArgs(TypedDict, total=False):
    """What a run passes to `run_compaction` after a turn (all optional)."""

    response_id: str
    """The last response of the run, for `previous_response_id` compaction."""
    compaction_mode: OpenAIResponsesCompactionMode
    """Overrides the session's `compaction_mode` for this call."""
    store: bool
    """Whether that response was stored (`ModelSettings.store`); False forces input mode."""
    force: bool
    """Compact even if the decision hook says no."""


@runtime_checkable
class OpenAIResponsesCompactionAwareSession(Session, Protocol):
    """A session the run asks to compact itself after each completed exchange."""

    async def run_compaction(self, args: OpenAIResponsesCompactionArgs | None = None) -> None:
        """Compact the stored history if it should be."""
        ...


@runtime_checkable
class ReplaceableSession(Protocol):
    """A session that can replace its newest items in one transaction (all built-in stores)."""

    async def replace_newest_items(
        self, expected: list[TResponseInputItem], items: list[TResponseInputItem]
    ) -> bool:
        """Replace the newest `len(expected)` items with `items` if they still equal
        `expected`; return False, changing nothing, if the history moved on."""
        ...


def is_openai_responses_compaction_aware_session(session: object) -> bool:
    """Whether a run should call `session.run_compaction(...)` after its turns."""
    return callable(getattr(session, "run_compaction", None))


def select_compaction_candidate_items(
    items: list[TResponseInputItem],
) -> list[TResponseInputItem]:
    """The items compaction would collapse: all but user messages and compaction items."""
    return [item for item in items if not _is_user_message(item) and not _is_compaction(item)]


def default_should_trigger_compaction(context: dict[str, Any]) -> bool:
    """Compact when at least `DEFAULT_COMPACTION_THRESHOLD` (10) candidate items exist."""
    return len(context["compaction_candidate_items"]) >= DEFAULT_COMPACTION_THRESHOLD


class OpenAIResponsesCompactionSession:
    """Wraps any session; after each completed exchange of a run, when
    `should_trigger_compaction` says so, replaces the stored history with what the Responses
    API's `responses/compact` returns (the user messages and one encrypted `compaction` item).

    - `compaction_mode`: "previous_response_id" compacts the run's last response on the
      server (nothing re-sent); "input" sends the stored history; "auto" (default) uses the
      first when the run has a stored response, else the second.
    - The replacement is atomic on the built-in sessions (`replace_newest_items`): it only
      happens if the history is still what was compacted, so a concurrent write is never
      lost, and a failure or cancellation before it leaves the old history as it was. Other
      sessions get clear-then-add, with the old history restored (shielded) if that fails.
    - `should_trigger_compaction(context)` gets `response_id`, `compaction_mode`,
      `compaction_candidate_items` and `session_items` (kept up to date as items are added,
      so deciding costs nothing per turn: read them, do not modify them).
    - `max_rollback_items` bounds the history a compaction may hold in memory for its
      replacement; more is a `UserError` before any request, and the history is kept.
    """

    def __init__(
        self,
        session_id: str,
        underlying_session: Session,
        *,
        client: AsyncOpenAI | None = None,
        model: str = "gpt-4.1",
        compaction_mode: OpenAIResponsesCompactionMode = "auto",
        should_trigger_compaction: Callable[[dict[str, Any]], bool] | None = None,
        max_rollback_items: int | None = None,
    ) -> None:
        if isinstance(underlying_session, OpenAIConversationsSession):
            raise UserValueError(
                "OpenAIResponsesCompactionSession cannot wrap OpenAIConversationsSession: "
                "the server keeps that history."
            )
        if not _is_openai_model_name(model):
            raise UserValueError(
                f"Compaction needs an OpenAI model (gpt-*, o*, ft:...), not {model!r}."
            )
        if compaction_mode not in ("previous_response_id", "input", "auto"):
            raise UserValueError(f"Unknown compaction_mode {compaction_mode!r}.")
        if max_rollback_items is not None and max_rollback_items <= 0:
            raise UserValueError("max_rollback_items must be a positive number of items or None.")
        self.session_id = session_id
        self.underlying_session = underlying_session
        self.model = model
        self.compaction_mode = compaction_mode
        self.max_rollback_items = max_rollback_items
        self.should_trigger_compaction = should_trigger_compaction or (
            default_should_trigger_compaction
        )
        self._api = OpenAIEndpoint(client)
        self._items: list[TResponseInputItem] | None = None  # the stored history, when known
        self._candidates: list[TResponseInputItem] = []

    @property
    def session_settings(self) -> SessionSettings | None:
        """The wrapped session's settings."""
        return getattr(self.underlying_session, "session_settings", None)

    @session_settings.setter
    def session_settings(self, value: SessionSettings | None) -> None:
        self.underlying_session.session_settings = value

    @property
    def client(self) -> AsyncOpenAI:
        """The OpenAI client compaction requests go through."""
        return self._api.client

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The wrapped session's history."""
        return await self.underlying_session.get_items(limit)

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Append to the wrapped session (and to the cached view the hook reads)."""
        async with queue_of(self):
            await self.underlying_session.add_items(items)
            if self._items is not None:
                self._items.extend(items)
                self._candidates.extend(select_compaction_candidate_items(items))

    async def pop_item(self) -> TResponseInputItem | None:
        """Pop from the wrapped session."""
        async with queue_of(self):
            self._items = None
            return await self.underlying_session.pop_item()

    async def clear_session(self) -> None:
        """Clear the wrapped session."""
        async with queue_of(self):
            await self.underlying_session.clear_session()
            self._items, self._candidates = [], []

    async def run_compaction(
        self, args: OpenAIResponsesCompactionArgs | None = None, *, usage: Usage | None = None
    ) -> None:
        """Compact now if the hook (or `args["force"]`) says so; a run calls this after each
        exchange that ends with the model's answer. `usage` gets the request's tokens."""
        args = args or {}
        async with queue_of(self):
            mode = self._resolve_mode(args)
            history = await self._history()
            items, candidates = self._model_visible(history), self._candidates
            if len(items) < len(history):  # the model saw only this suffix: compact just that
                if not isinstance(self.underlying_session, ReplaceableSession) or not items:
                    return
                mode, candidates = "input", select_compaction_candidate_items(items)
            context = {
                "response_id": args.get("response_id"),
                "compaction_mode": mode,
                "compaction_candidate_items": candidates,
                "session_items": items,
            }
            if not (args.get("force") or self.should_trigger_compaction(context)):
                return
            body: dict[str, Any] = {"model": self.model}
            if mode == "previous_response_id":
                body["previous_response_id"] = args["response_id"]
            else:
                body["input"] = items
            reply = await self._api.request("POST", "/responses/compact", body=body)
            if usage is not None and isinstance(reply.get("usage"), dict):
                usage.add(usage_from_json(reply["usage"]))
            compacted = _without_orphan_assistant_ids(list(reply.get("output") or []))
            await self._replace(list(items), compacted)

    def _resolve_mode(self, args: OpenAIResponsesCompactionArgs) -> str:
        mode = args.get("compaction_mode") or self.compaction_mode
        response_id = args.get("response_id")
        if mode == "auto":
            return (
                "input"
                if not response_id or args.get("store") is False
                else ("previous_response_id")
            )
        if mode == "previous_response_id" and not response_id:
            raise UserValueError(
                "previous_response_id compaction needs the run's response id: pass "
                'run_compaction({"response_id": ...}) or use compaction_mode="input".'
            )
        return mode

    async def _history(self) -> list[TResponseInputItem]:
        """The whole stored history, read once and then kept up to date by `add_items`."""
        if self._items is None:
            bound = self.max_rollback_items
            limit = _EVERYTHING if bound is None else bound + 1  # past session_settings.limit
            items = await self.underlying_session.get_items(limit=limit)
            self._items, self._candidates = items, select_compaction_candidate_items(items)
        if self.max_rollback_items is not None and len(self._items) > self.max_rollback_items:
            raise UserValueError(
                f"The history holds more than max_rollback_items={self.max_rollback_items} "
                "items; it was not compacted and is unchanged."
            )
        return self._items

    def _model_visible(self, items: list[TResponseInputItem]) -> list[TResponseInputItem]:
        """What a run shows the model: with a `session_settings.limit` shorter than the
        history, its newest items from the first user message on (so no call or reasoning
        item is cut from what follows it); else everything."""
        limit = getattr(self.session_settings, "limit", None)
        if limit is None or limit >= len(items):
            return items
        window = items[len(items) - limit :]
        start = next((i for i, item in enumerate(window) if _is_user_message(item)), len(window))
        return window[start:]

    async def _replace(
        self, expected: list[TResponseInputItem], compacted: list[TResponseInputItem]
    ) -> None:
        session = self.underlying_session
        self._items = None  # re-read next time, whatever happens below
        if isinstance(session, ReplaceableSession):
            if not await session.replace_newest_items(expected, compacted):
                logger.warning(
                    "Compaction of session %r skipped: its history changed meanwhile.",
                    self.session_id,
                )
            return
        try:
            await session.clear_session()
            await session.add_items(compacted)
        except BaseException:
            with anyio.CancelScope(shield=True), anyio.move_on_after(_RESTORE_TIMEOUT):
                await session.clear_session()
                await session.add_items(expected)
            raise


def _is_user_message(item: TResponseInputItem) -> bool:
    return item.get("role") == "user" and item.get("type", "message") == "message"


def _is_compaction(item: TResponseInputItem) -> bool:
    return item.get("type") == "compaction"


def _without_orphan_assistant_ids(items: list[TResponseInputItem]) -> list[TResponseInputItem]:
    """Drop assistant message ids whose reasoning items compaction removed (the API rejects
    an assistant id without its reasoning item)."""
    if any(item.get("type") == "reasoning" for item in items):
        return items
    return [
        {key: value for key, value in item.items() if key != "id"}
        if item.get("role") == "assistant"
        else item
        for item in items
    ]


def _is_openai_model_name(model: str) -> bool:
    name = model.strip().removeprefix("ft:").split(":", 1)[0]
    return name.startswith("gpt-") or (name[:1] == "o" and name[1:2].isdigit())
