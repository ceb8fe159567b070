"""The channel pair of a streamed run: the run sends events, the caller receives them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from .._events import StreamEvent
from .._result import RunResult
from .._state import RunState
from ._boundary import is_cancellation
from ._env import RunEnv
from ._sink import EventSink
from ._start import drive_run

__all__ = ["RunOutcome", "stream_run"]


@dataclass(eq=False)
class RunOutcome:
    """How a streamed run ended, filled in by the task that drives it."""

    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    result: RunResult | None = None
    error: BaseException | None = None
    error_delivered: bool = False
    is_complete: bool = False


@asynccontextmanager
async def stream_run(
    env: RunEnv, state: RunState, buffer_size: int
) -> AsyncIterator[tuple[MemoryObjectReceiveStream[StreamEvent], RunOutcome]]:
    """Run in a task group of the caller's, yielding the receive side of the event stream.

    Leaving the block before the run finished cancels the run and waits for its cleanup.
    A run error not yet delivered through the stream is raised when the block exits.
    """
    send, receive = anyio.create_memory_object_stream[StreamEvent](buffer_size)
    env.events = EventSink(send, buffer_size)
    outcome = RunOutcome()
    reader_error: BaseException | None = None
    with receive:
        async with anyio.create_task_group() as tg:
            tg.start_soon(_drive, env, state, send, outcome)
            try:
                yield receive, outcome
            except BaseException as exc:  # raised again below, not wrapped in a group
                if is_cancellation(exc):
                    raise
                reader_error = exc
            finally:
                if not outcome.is_complete:
                    outcome.scope.cancel()
    if reader_error is not None:
        raise reader_error
    if outcome.error is not None and not outcome.error_delivered:
        outcome.error_delivered = True
        raise outcome.error


async def _drive(
    env: RunEnv, state: RunState, send: MemoryObjectSendStream[StreamEvent], outcome: RunOutcome
) -> None:
    with send:
        with outcome.scope:
            try:
                outcome.result = await drive_run(env, state)
            except BaseException as exc:  # delivered to the reader; a cancellation propagates
                if is_cancellation(exc):
                    raise
                outcome.error = exc
        if outcome.scope.cancelled_caught:
            outcome.result = state.to_result(None)
            outcome.result.trace = env.tracing.trace if env.tracing is not None else None
        outcome.is_complete = True
