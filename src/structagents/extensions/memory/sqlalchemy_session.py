"""The reference SDK's `agents.extensions.memory.sqlalchemy_session` module path."""

from ...sessions.sqlalchemy import SQLAlchemySession as SQLAlchemySession

__all__ = [
    "SQLAlchemySession",
]
