"""The reference SDK's `agents.model_settings` module path: model settings."""

from ._retry import ModelRetryBackoffSettings as ModelRetryBackoffSettings
from ._retry import ModelRetrySettings as ModelRetrySettings
from .models.settings import ModelSettings as ModelSettings

__all__ = [
    "ModelRetryBackoffSettings",
    "ModelRetrySettings",
    "ModelSettings",
]
