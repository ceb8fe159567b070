"""Sessions for runs in workflows: each session call is an activity against a real session
(typically `SQLAlchemySession` on PostgreSQL) that the worker opens by id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import activity

from .._items import TResponseInputItem
from ..sessions.base import Session, SessionSettings, coerce_session_settings
from ._activities import execute_activity

__all__ = ["ActivitySession", "SessionActivities"]

_TIMEOUT = timedelta(seconds=30)


class ActivitySession:
    """A `Session` for workflow code: every call runs as an activity on the worker, which
    opens the real session with the plugin's `session_factory(session_id)`. A completed
    write is in the workflow's history, so a replay never writes it twice."""

    def __init__(
        self,
        session_id: str,
        *,
        session_settings: SessionSettings | dict[str, Any] | None = None,
        start_to_close_timeout: timedelta = _TIMEOUT,
    ) -> None:
        self.session_id = session_id
        self.session_settings: SessionSettings | None = coerce_session_settings(session_settings)
        self._timeout = start_to_close_timeout

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        if limit is None and self.session_settings is not None:
            limit = self.session_settings.limit
        items: list[TResponseInputItem] = await self._call("get_items", limit)
        return items

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        if items:
            await self._call("add_items", items)

    async def pop_item(self) -> TResponseInputItem | None:
        item: TResponseInputItem | None = await self._call("pop_item", None)
        return item

    async def clear_session(self) -> None:
        await self._call("clear_session", None)

    async def _call(self, operation: str, argument: Any) -> Any:
        return await execute_activity(
            f"structagents.session.{operation}",
            self.session_id,
            argument,
            start_to_close_timeout=self._timeout,
        )


class SessionActivities:
    """The worker side of `ActivitySession`: opens `session_factory(session_id)` per call."""

    def __init__(self, session_factory: Callable[[str], Session]) -> None:
        self._factory = session_factory

    def activities(self) -> list[Callable[..., Any]]:
        return [self.get_items, self.add_items, self.pop_item, self.clear_session]

    @activity.defn(name="structagents.session.get_items")
    async def get_items(self, session_id: str, limit: int | None) -> list[TResponseInputItem]:
        return await self._factory(session_id).get_items(limit)

    @activity.defn(name="structagents.session.add_items")
    async def add_items(self, session_id: str, items: list[TResponseInputItem]) -> None:
        await self._factory(session_id).add_items(items)

    @activity.defn(name="structagents.session.pop_item")
    async def pop_item(self, session_id: str, _: None) -> TResponseInputItem | None:
        return await self._factory(session_id).pop_item()

    @activity.defn(name="structagents.session.clear_session")
    async def clear_session(self, session_id: str, _: None) -> None:
        await self._factory(session_id).clear_session()
