"""The reference SDK's `agents.memory.sqlite_session` module path."""

from ..sessions.sqlite import SQLiteSession as SQLiteSession

__all__ = [
    "SQLiteSession",
]
