"""The reference SDK's `agents.memory.util` module path."""

from .._config import SessionInputCallback as SessionInputCallback

__all__ = [
    "SessionInputCallback",
]
