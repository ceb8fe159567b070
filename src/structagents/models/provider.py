"""Model providers: turn model names into models.

`MultiProvider` (the default `RunConfig.model_provider`) reads an optional prefix:
`"gpt-4.1"` and `"openai/gpt-4.1"` go to `OpenAIProvider`; other prefixes go to providers you
register in a `MultiProviderMap`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import UserError
from ._openai_shared import create_client, default_api, default_client, default_model
from .interface import Model, ModelProvider

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["MultiProvider", "MultiProviderMap", "OpenAIProvider"]


class OpenAIProvider(ModelProvider):
    """Models served by OpenAI, or by any OpenAI-compatible server (`base_url=`).

    One `AsyncOpenAI` client is created lazily and shared by the models it hands out; pass
    `openai_client=` to bring your own. `use_responses=False` picks Chat Completions (the
    default follows `set_default_openai_api`). `max_retries` is the SDK's own retry count.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        openai_client: AsyncOpenAI | None = None,
        organization: str | None = None,
        project: str | None = None,
        use_responses: bool | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> None:
        if openai_client is not None and (api_key or base_url):
            raise UserError("OpenAIProvider: pass openai_client, or api_key/base_url, not both.")
        self._client = openai_client
        self._owns_client = False
        self._client_options = {
            "api_key": api_key,
            "base_url": base_url,
            "organization": organization,
            "project": project,
            "max_retries": max_retries,
            "timeout": timeout,
        }
        self._use_responses = use_responses

    def _get_client(self) -> AsyncOpenAI:
        if self._client is None:
            shared = default_client()
            custom = any(value is not None for value in self._client_options.values())
            if shared is not None and not custom:
                self._client = shared
            else:
                self._client = create_client(**self._client_options)  # type: ignore[arg-type]
                self._owns_client = True
        return self._client

    async def aclose(self) -> None:
        """Close the client this provider created (a client you passed in stays yours)."""
        if self._client is not None and self._owns_client:
            await self._client.close()
        self._client = None

    def get_model(self, model_name: str | None) -> Model:
        from .openai_chat import OpenAIChatCompletionsModel
        from .openai_responses import OpenAIResponsesModel

        name = model_name or default_model()
        use_responses = self._use_responses
        if use_responses is None:
            use_responses = default_api() == "responses"
        model_class = OpenAIResponsesModel if use_responses else OpenAIChatCompletionsModel
        return model_class(name, self._get_client())


class MultiProviderMap:
    """Model-name prefixes (`"ollama"` in `"ollama/llama3"`) mapped to providers."""

    def __init__(self) -> None:
        self._mapping: dict[str, ModelProvider] = {}

    def add_provider(self, prefix: str, provider: ModelProvider) -> None:
        self._mapping[prefix] = provider

    def remove_provider(self, prefix: str) -> None:
        self._mapping.pop(prefix, None)

    def get_provider(self, prefix: str) -> ModelProvider | None:
        return self._mapping.get(prefix)

    def has_prefix(self, prefix: str) -> bool:
        return prefix in self._mapping

    def get_mapping(self) -> dict[str, ModelProvider]:
        return dict(self._mapping)


class MultiProvider(ModelProvider):
    """Routes `"prefix/model"` names to providers; no prefix (or `openai/`) means OpenAI."""

    def __init__(
        self,
        *,
        provider_map: MultiProviderMap | None = None,
        openai_api_key: str | None = None,
        openai_base_url: str | None = None,
        openai_client: AsyncOpenAI | None = None,
        openai_organization: str | None = None,
        openai_project: str | None = None,
        openai_use_responses: bool | None = None,
    ) -> None:
        self.provider_map = provider_map
        self.openai_provider = OpenAIProvider(
            api_key=openai_api_key,
            base_url=openai_base_url,
            openai_client=openai_client,
            organization=openai_organization,
            project=openai_project,
            use_responses=openai_use_responses,
        )

    async def aclose(self) -> None:
        """Close the OpenAI client this provider created, if any."""
        await self.openai_provider.aclose()

    def get_model(self, model_name: str | None) -> Model:
        prefix, _, rest = (model_name or "").partition("/")
        if not rest:
            return self.openai_provider.get_model(model_name)
        provider = self.provider_map.get_provider(prefix) if self.provider_map else None
        if provider is not None:
            return provider.get_model(rest)
        if prefix == "openai":
            return self.openai_provider.get_model(rest)
        raise UserError(
            f"Unknown prefix: {prefix}. No model provider for it (in {model_name!r}): register "
            "one with MultiProviderMap.add_provider and pass MultiProvider(provider_map=...)."
        )
