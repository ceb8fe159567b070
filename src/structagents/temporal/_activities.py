"""Waiting for a Temporal activity from inside a run: one cancel reaches it, exactly once.

AnyIO re-delivers cancellation to a task on every loop iteration while it sits in a cancelled
scope; forwarded to an activity handle each time, that livelocks against Temporal. So the
wait itself is shielded, and a sibling task that is *not* shielded waits for the run's
cancellation and forwards it to the handle once. The activity then settles (cancelled, or
with its result), and the run's own cancellation is delivered at the next checkpoint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import anyio
from temporalio import workflow
from temporalio.common import RetryPolicy

__all__ = ["execute_activity"]

_T = TypeVar("_T")


async def execute_activity(
    activity: Callable[..., Awaitable[_T]] | str,
    *args: Any,
    start_to_close_timeout: timedelta | None = None,
    retry_policy: RetryPolicy | None = None,
    heartbeat_timeout: timedelta | None = None,
    **options: Any,
) -> _T:
    """Run `activity` from workflow code and return its result; cancelling the calling scope
    cancels the activity (once) and then raises the cancellation here."""
    handle = workflow.start_activity(
        activity,
        args=list(args),
        start_to_close_timeout=start_to_close_timeout,
        retry_policy=retry_policy,
        heartbeat_timeout=heartbeat_timeout,
        **options,
    )
    outcome: list[Any] = []
    is_forwarded = False

    async def forward_one_cancel() -> None:
        nonlocal is_forwarded
        try:
            await anyio.Event().wait()  # not sleep_forever: a workflow has no infinite timer
        finally:
            if not handle.done():
                is_forwarded = True
                handle.cancel()

    async with anyio.create_task_group() as tg:
        tg.start_soon(forward_one_cancel)
        with anyio.CancelScope(shield=True):
            try:
                outcome.append(await handle)
            except BaseException as exc:  # settled by the forwarded cancel, or failed
                outcome.append(exc)
            finally:
                tg.cancel_scope.cancel()
    result = outcome[0]
    if isinstance(result, BaseException):
        if is_forwarded:
            await anyio.lowlevel.checkpoint()  # raises the run's own cancellation
        raise result
    return result  # type: ignore[no-any-return]
