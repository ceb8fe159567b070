"""The reference SDK's `agents.memory.openai_responses_compaction_session` module path."""

from ..sessions.openai_compaction import (
    OpenAIResponsesCompactionSession as OpenAIResponsesCompactionSession,
)

__all__ = [
    "OpenAIResponsesCompactionSession",
]
