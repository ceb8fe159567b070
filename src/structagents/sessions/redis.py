"""`RedisSession`: history in Redis, for apps that already run one next to their servers.

An optional extra: `pip install 'structagents[redis]'` (the `redis` package).

Concurrency design:

- The `redis` package's synchronous client does the work in worker threads (`anyio.to_thread`,
  not abandoned on cancellation), so one session object serves asyncio and trio alike; its
  asyncio client would tie the session to asyncio. Callers of one object queue per event loop
  (`WorkerThreadSession`) and the object's `threading.Lock` keeps it to one call at a time.
- The keys are the reference SDK's: `{key_prefix}:{session_id}` (a hash with `session_id`,
  `created_at`, `updated_at`) and `{key_prefix}:{session_id}:messages` (a list of JSON items,
  oldest first), so both can read one database.
- Every write is one `MULTI`/`EXEC` transaction: `add_items` appends all its items and
  refreshes the TTL together, or does nothing, so concurrent writers (other objects, other
  processes) never interleave inside one turn. `pop_item` is one `RPOP`. Replacing the newest
  items (compaction) is `WATCH`ed, so it never overwrites a write it has not seen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

try:
    import redis
except ImportError as exc:  # pragma: no cover - depends on what is installed
    raise ImportError("RedisSession needs redis: pip install 'structagents[redis]'") from exc

from typing_extensions import Self

from .._items import TResponseInputItem
from ..exceptions import UserTypeError, UserValueError
from ._threads import WorkerThreadSession
from .base import (
    SessionSettings,
    coerce_session_settings,
    decode_item,
    decode_items,
    encode_items,
    resolve_session_limit,
)

__all__ = ["RedisSession"]

_T = TypeVar("_T")


class RedisSession(WorkerThreadSession):
    """A `Session` stored in Redis; works on asyncio and trio.

    `RedisSession.from_url("user-42", url="redis://localhost:6379/0")` makes the client (and
    `close()` closes it); a `redis.Redis` client passed in stays the caller's to close. With
    `ttl` (seconds), a conversation expires that long after its last write. Close the session
    when done: `close()`, `await aclose()`, or `async with`.
    """

    def __init__(
        self,
        session_id: str,
        *,
        redis_client: redis.Redis,
        key_prefix: str = "agents:session",
        ttl: int | None = None,
        session_settings: SessionSettings | dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(redis_client, redis.Redis):
            raise UserTypeError(
                "RedisSession takes a synchronous redis.Redis client (it runs in worker threads,"
                " so the session works on asyncio and trio), not "
                f"{type(redis_client).__name__}; or use RedisSession.from_url(session_id, url=...)."
            )
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0):
            raise UserValueError(f"RedisSession: ttl must be whole seconds > 0, not {ttl!r}.")
        self.session_id = session_id
        self.session_settings: SessionSettings | None = coerce_session_settings(session_settings)
        self.ttl = ttl
        self._redis = redis_client
        self._owns_client = False
        self._lock = threading.Lock()
        self._is_closed = False
        self._session_key = f"{key_prefix}:{session_id}"
        self._messages_key = f"{self._session_key}:messages"

    @classmethod
    def from_url(
        cls,
        session_id: str,
        *,
        url: str,
        redis_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Self:
        """A session on a new client for `url` (`redis://host:6379/0`, `rediss://...`).

        `redis_kwargs` go to `redis.Redis.from_url`, `kwargs` to the constructor; the client is
        closed with the session.
        """
        client = redis.Redis.from_url(url, **(redis_kwargs or {}))
        session = cls(session_id, redis_client=client, **kwargs)
        session._owns_client = True
        return session

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The history, oldest first; with `limit`, only the newest `limit` items."""
        count = resolve_session_limit(limit, self.session_settings)
        if count == 0:
            self._check_open()
            return []
        start = 0 if count is None else -count
        raw = await self._run(lambda r: r.lrange(self._messages_key, start, -1))
        return decode_items([_text(value) for value in raw])

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Append `items` in one MULTI/EXEC transaction: all of them or none."""
        encoded = encode_items(items)
        if not encoded:
            self._check_open()
            return

        def append(r: redis.Redis) -> None:
            with r.pipeline(transaction=True) as pipe:
                self._queue_append(pipe, encoded)
                pipe.execute()

        await self._run(append)

    async def pop_item(self) -> TResponseInputItem | None:
        """Remove and return the newest item (one `RPOP`); None if there is none."""
        raw: bytes | str | None = await self._run(lambda r: r.rpop(self._messages_key))  # type: ignore[arg-type, return-value]
        return None if raw is None else decode_item(_text(raw))

    async def clear_session(self) -> None:
        """Remove every item of this session, and its metadata hash."""
        await self._run(lambda r: r.delete(self._messages_key, self._session_key))

    async def replace_newest_items(
        self, expected: list[TResponseInputItem], items: list[TResponseInputItem]
    ) -> bool:
        """Atomically replace the newest `len(expected)` items with `items`, if they still
        equal `expected`; False (nothing changed) if the history moved on meanwhile."""
        old, new = encode_items(expected), encode_items(items)

        def replace(r: redis.Redis) -> bool:
            with r.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(self._messages_key)  # type: ignore[no-untyped-call]
                    stored = pipe.lrange(self._messages_key, -len(old), -1) if old else []
                    if decode_items([_text(value) for value in stored]) != expected:
                        return False
                    pipe.multi()
                    if old:
                        pipe.ltrim(self._messages_key, 0, -len(old) - 1)
                    self._queue_append(pipe, new)
                    pipe.execute()
                except redis.WatchError:
                    return False
            return True

        return await self._run(replace)

    async def ping(self) -> bool:
        """Whether the server answers."""
        try:
            return bool(await self._run(lambda r: r.ping()))
        except redis.RedisError:
            return False

    def close(self) -> None:
        """Stop the session (later calls raise `UserError`); close the client if it owns it.

        Idempotent. Waits for a call in progress, so async code should prefer `aclose()`.
        """
        with self._lock:
            was_open, self._is_closed = not self._is_closed, True
            if was_open and self._owns_client:
                self._redis.close()

    def _queue_append(self, pipe: Any, encoded: list[str]) -> None:
        """Queue an append of `encoded` and the metadata/TTL refresh on a MULTI pipeline."""
        now = f"{time.time():.6f}"
        pipe.hsetnx(self._session_key, "created_at", now)
        pipe.hset(self._session_key, mapping={"session_id": self.session_id, "updated_at": now})
        if encoded:
            pipe.rpush(self._messages_key, *encoded)
        if self.ttl is not None:
            pipe.expire(self._session_key, self.ttl)
            pipe.expire(self._messages_key, self.ttl)

    async def _run(self, work: Callable[[redis.Redis], _T]) -> _T:
        """Run `work` with the client in a worker thread, one call of this object at a time."""
        return await self._in_worker_thread(self._run_in_thread, work)

    def _run_in_thread(self, work: Callable[[redis.Redis], _T]) -> _T:
        with self._lock:
            self._check_open()
            return work(self._redis)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
