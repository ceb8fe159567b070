"""The reference SDK's `agents.models.openai_provider` module path."""

from .provider import OpenAIProvider as OpenAIProvider

__all__ = [
    "OpenAIProvider",
]
