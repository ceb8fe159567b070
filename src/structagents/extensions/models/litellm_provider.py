"""`LitellmProvider`: model names resolved to `LitellmModel`s (the reference SDK's name)."""

from __future__ import annotations

from ...models._openai_shared import default_model
from ...models.interface import Model, ModelProvider
from .litellm_model import LitellmModel

__all__ = ["LitellmProvider"]


class LitellmProvider(ModelProvider):
    """Every model name becomes a `LitellmModel` (`RunConfig(model_provider=LitellmProvider())`);
    API keys and endpoints come from the environment variables LiteLLM reads."""

    def get_model(self, model_name: str | None) -> Model:
        return LitellmModel(model_name or default_model())
