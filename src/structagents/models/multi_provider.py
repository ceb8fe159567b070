"""The reference SDK's `agents.models.multi_provider` module path."""

from .provider import MultiProvider as MultiProvider
from .provider import MultiProviderMap as MultiProviderMap

__all__ = [
    "MultiProvider",
    "MultiProviderMap",
]
