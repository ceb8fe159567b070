"""The reference SDK's `agents.memory.session` module path: the session protocol."""

from ..sessions.base import Session as Session
from ..sessions.openai_compaction import (
    OpenAIResponsesCompactionArgs as OpenAIResponsesCompactionArgs,
)
from ..sessions.openai_compaction import (
    OpenAIResponsesCompactionAwareSession as OpenAIResponsesCompactionAwareSession,
)
from ..sessions.openai_compaction import (
    is_openai_responses_compaction_aware_session as is_openai_responses_compaction_aware_session,
)

SessionABC = Session
"""The reference's base class for custom sessions: here the `Session` protocol (subclass it
or just implement its methods)."""

__all__ = [
    "OpenAIResponsesCompactionArgs",
    "OpenAIResponsesCompactionAwareSession",
    "Session",
    "SessionABC",
    "is_openai_responses_compaction_aware_session",
]
