"""Every async test runs on asyncio and on trio (trio with an autojumping MockClock)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import trio.testing


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    if request.param == "trio":
        return ("trio", {"clock": trio.testing.MockClock(autojump_threshold=0)})
    return "asyncio"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The URL of a throwaway redis-server on loopback (skips when Redis is not installed)."""
    from tests.redis_server import NO_REDIS, redis_server

    with redis_server() as url:
        if url is None:
            pytest.skip(NO_REDIS)
        yield url
