"""What sessions doing blocking I/O in worker threads share: queueing, closing, `async with`."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TypeVar
from weakref import WeakKeyDictionary

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from typing_extensions import Self, TypeVarTuple, Unpack

from ..exceptions import UserRuntimeError

__all__ = ["WorkerThreadSession", "queue_of"]

_T = TypeVar("_T")
_Args = TypeVarTuple("_Args")

_queues: RunVar[WeakKeyDictionary[object, anyio.Lock]] = RunVar("session_queues")


class WorkerThreadSession:
    """Base of sessions that do their blocking work in worker threads.

    Callers of one object queue on an `anyio.Lock` of the running event loop before they take
    a worker thread, so waiting calls hold no thread and can be cancelled at once. A call that
    has its thread is not abandoned on cancellation: the caller waits for it to finish (so a
    transaction commits or rolls back before the caller unwinds). Subclasses keep their own
    `threading.Lock` around the work, which keeps two event loops (or `close()` from another
    thread) off the same resources, and set `_is_closed` in `close()`.
    """

    _is_closed = False

    def close(self) -> None:
        """Release what the session holds; later calls raise `UserError`. Idempotent."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """`close()` in a worker thread; finishes even if the caller is cancelled."""
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self.close)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _check_open(self) -> None:
        if self._is_closed:
            raise UserRuntimeError(
                f"This {type(self).__name__} is closed; create a new one to go on."
            )

    async def _in_worker_thread(
        self, func: Callable[[Unpack[_Args]], _T], *args: Unpack[_Args]
    ) -> _T:
        """`func(*args)` in a worker thread, one call of this object at a time per event loop."""
        async with queue_of(self):
            return await anyio.to_thread.run_sync(func, *args)


def queue_of(session: object) -> anyio.Lock:
    """The lock `session`'s callers queue on in the running event loop (one per loop, so a
    session object serves asyncio and trio in turn)."""
    queues = _queues.get(None)
    if queues is None:
        queues = WeakKeyDictionary()
        _queues.set(queues)
    lock = queues.get(session)
    if lock is None:
        lock = queues[session] = anyio.Lock()
    return lock
