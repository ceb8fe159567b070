"""The reference SDK's `agents.memory` module path: sessions (conversation memory)."""

from .._config import SessionInputCallback as SessionInputCallback
from ..sessions.base import Session as Session
from ..sessions.base import SessionSettings as SessionSettings
from ..sessions.memory import MemorySession as MemorySession
from ..sessions.openai_compaction import (
    OpenAIResponsesCompactionArgs as OpenAIResponsesCompactionArgs,
)
from ..sessions.openai_compaction import (
    OpenAIResponsesCompactionAwareSession as OpenAIResponsesCompactionAwareSession,
)
from ..sessions.openai_compaction import (
    OpenAIResponsesCompactionSession as OpenAIResponsesCompactionSession,
)
from ..sessions.openai_compaction import (
    is_openai_responses_compaction_aware_session as is_openai_responses_compaction_aware_session,
)
from ..sessions.openai_conversations import OpenAIConversationsSession as OpenAIConversationsSession
from ..sessions.sqlite import SQLiteSession as SQLiteSession

SessionABC = Session
"""The reference's base class for custom sessions: here the `Session` protocol (subclass it
or just implement its methods)."""

__all__ = [
    "MemorySession",
    "OpenAIConversationsSession",
    "OpenAIResponsesCompactionArgs",
    "OpenAIResponsesCompactionAwareSession",
    "OpenAIResponsesCompactionSession",
    "SQLiteSession",
    "Session",
    "SessionABC",
    "SessionInputCallback",
    "SessionSettings",
    "is_openai_responses_compaction_aware_session",
]
