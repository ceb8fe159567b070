"""The reference SDK's `agents.models.openai_chatcompletions` module path."""

from .openai_chat import OpenAIChatCompletionsModel as OpenAIChatCompletionsModel

__all__ = [
    "OpenAIChatCompletionsModel",
]
