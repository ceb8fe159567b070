"""The reference SDK's `agents.memory.openai_conversations_session` module path."""

from ..sessions.openai_conversations import OpenAIConversationsSession as OpenAIConversationsSession

__all__ = [
    "OpenAIConversationsSession",
]
