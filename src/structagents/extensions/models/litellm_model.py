"""`LitellmModel`: any model LiteLLM can reach (Anthropic, Gemini, Bedrock, Ollama, ...).

Requests are Chat Completions bodies built exactly as `OpenAIChatCompletionsModel` builds them,
sent with `litellm.acompletion`; replies and streamed chunks are translated the same way. LiteLLM
runs only on asyncio (it drives asyncio futures itself), so on trio this model refuses to start
with a `UserError` instead of failing deep inside LiteLLM. `litellm` is imported on first use.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from ...exceptions import UserError
from ...models._openai_shared import mapped_errors
from ...models.interface import keep_raw_usage
from ...models.openai_chat import OpenAIChatCompletionsModel

if TYPE_CHECKING:
    from ..._handoffs import Handoff
    from ..._items import TResponseInputItem
    from ..._output_schema import AgentOutputSchemaBase
    from ..._tools import Tool
    from ...models.interface import ModelResponse, ModelTracing
    from ...models.settings import ModelSettings

__all__ = ["LitellmModel"]


class LitellmModel(OpenAIChatCompletionsModel):
    """A model reached through LiteLLM: `LitellmModel("anthropic/claude-sonnet-4", api_key=...)`.

    `base_url` and `api_key` go to LiteLLM as `api_base` / `api_key` (unset: LiteLLM reads the
    provider's environment variables). asyncio only.
    """

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None) -> None:
        super().__init__(model)
        self.base_url = base_url
        self.api_key = api_key

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff[Any]],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> ModelResponse:
        body = self.build_body(
            system_instructions, input, model_settings, tools, output_schema, handoffs,
            prompt=prompt, stream=False,
        )  # fmt: skip
        litellm = _litellm()
        with mapped_errors():
            reply = await litellm.acompletion(**self._arguments(body, model_settings))
        data = reply.model_dump(mode="json", warnings=False)
        response = self.parse_response(data)
        keep_raw_usage(response, data, model_settings.preserve_raw_usage)
        return response

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff[Any]],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> AsyncIterator[dict[str, Any]]:
        body = self.build_body(
            system_instructions, input, model_settings, tools, output_schema, handoffs,
            prompt=prompt, stream=True,
        )  # fmt: skip
        litellm = _litellm()
        with mapped_errors():
            stream = await litellm.acompletion(**self._arguments(body, model_settings))
        async with aclosing(_chunks(stream)) as raw, aclosing(self.translate_stream(raw)) as events:
            async for event in events:
                yield event

    def _arguments(self, body: dict[str, Any], settings: ModelSettings) -> dict[str, Any]:
        arguments = dict(body)
        if self.base_url is not None:
            arguments["api_base"] = self.base_url
        if self.api_key is not None:
            arguments["api_key"] = self.api_key
        if settings.extra_headers:
            arguments["extra_headers"] = dict(settings.extra_headers)
        return arguments


async def _chunks(stream: Any) -> AsyncGenerator[dict[str, Any], None]:
    """LiteLLM's streamed chunks as Chat Completions chunk dicts (errors mapped)."""
    try:
        with mapped_errors():
            async for chunk in stream:
                yield chunk.model_dump(mode="json", warnings=False)
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            await aclose()


def _litellm() -> Any:
    """The `litellm` module, on asyncio only."""
    import sniffio

    if sniffio.current_async_library() != "asyncio":
        raise UserError(
            "LitellmModel runs only on asyncio: LiteLLM drives asyncio itself and fails on "
            f"{sniffio.current_async_library()}. Run with backend='asyncio', or reach an "
            "OpenAI-compatible server with OpenAIChatCompletionsModel, which works on trio."
        )
    try:
        import litellm
    except ImportError as exc:
        raise UserError("LitellmModel needs LiteLLM: pip install 'structagents[litellm]'.") from exc
    return litellm
