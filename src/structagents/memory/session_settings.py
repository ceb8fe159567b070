"""The reference SDK's `agents.memory.session_settings` module path."""

from ..sessions.base import SessionSettings as SessionSettings

__all__ = [
    "SessionSettings",
]
