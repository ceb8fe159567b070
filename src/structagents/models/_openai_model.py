"""What the Responses and Chat Completions models share: client, request and stream plumbing."""

from __future__ import annotations

import abc
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, ClassVar

from ._openai_request import post_json
from ._openai_retry import openai_retry_advice
from ._openai_shared import create_client, extra_options, mapped_errors, stream_events
from ._reply_shapes import parse_json
from ._request_json import request_json
from .interface import Model, ModelResponse, ModelTracing, keep_raw_usage

if TYPE_CHECKING:
    from openai import AsyncOpenAI

    from .._handoffs import Handoff
    from .._items import TResponseInputItem
    from .._output_schema import AgentOutputSchemaBase
    from .._retry import ModelRetryAdvice, ModelRetryAdviceRequest
    from .._tools import Tool
    from .settings import ModelSettings

__all__ = ["OpenAIModelBase"]


class OpenAIModelBase(Model, abc.ABC):
    """A model behind an OpenAI-style HTTP endpoint, called with bodies we build ourselves."""

    path: ClassVar[str]
    """The endpoint, relative to the client's base URL."""
    api_name: ClassVar[str]
    """How errors name the API ("The Responses API")."""

    def __init__(self, model: str, openai_client: AsyncOpenAI | None = None) -> None:
        self.model = model
        self._client = openai_client

    @property
    def client(self) -> AsyncOpenAI:
        """The `AsyncOpenAI` client (created from the environment on first use)."""
        if self._client is None:
            self._client = create_client()
        return self._client

    def get_retry_advice(self, request: ModelRetryAdviceRequest) -> ModelRetryAdvice | None:
        return openai_retry_advice(request)

    @abc.abstractmethod
    def build_body(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff[Any]],
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
        stream: bool,
    ) -> dict[str, Any]:
        """The JSON body of one request."""

    @abc.abstractmethod
    def parse_response(self, data: object) -> ModelResponse:
        """Our `ModelResponse` from the endpoint's JSON reply."""

    @abc.abstractmethod
    def translate_stream(
        self, events: AsyncIterator[dict[str, Any]]
    ) -> AsyncGenerator[dict[str, Any], None]:
        """Responses-API stream events (ending with `response.completed`) from the endpoint's."""

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
            previous_response_id=previous_response_id, conversation_id=conversation_id,
            prompt=prompt, stream=False,
        )  # fmt: skip
        client = self.client
        content = request_json(body)
        with mapped_errors(client):
            raw = await post_json(client, self.path, body, content, extra_options(model_settings))
        data = parse_json(raw, self.api_name)
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
            previous_response_id=previous_response_id, conversation_id=conversation_id,
            prompt=prompt, stream=True,
        )  # fmt: skip
        content = request_json(body)
        raw = stream_events(self.client, self.path, body, content, extra_options(model_settings))
        async with aclosing(raw), aclosing(self.translate_stream(raw)) as events:
            async for event in events:
                yield event
