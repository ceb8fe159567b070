"""The reference SDK's `agents.extensions.memory.redis_session` module path."""

from ...sessions.redis import RedisSession as RedisSession

__all__ = [
    "RedisSession",
]
