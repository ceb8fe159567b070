"""The reference SDK's `agents.extensions.memory` module path: sessions kept in a database.

`SQLAlchemySession` (the `sqlalchemy` extra) and `RedisSession` (the `redis` extra) are
imported on first use, so importing this module needs neither driver.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...sessions.redis import RedisSession as RedisSession
    from ...sessions.sqlalchemy import SQLAlchemySession as SQLAlchemySession

__all__ = ["RedisSession", "SQLAlchemySession"]

_HOMES = {"RedisSession": "...sessions.redis", "SQLAlchemySession": "...sessions.sqlalchemy"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(home, __name__), name)
