"""`OpenAIChatCompletionsModel`: the Chat Completions API, for OpenAI and compatible servers.

Like the Responses model, it sends bodies it builds itself through the SDK's `client.post`.
Replies are translated into Responses-API output items, and streamed chunks into
Responses-API stream events, so the run loop and stream consumers see one format.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from ..exceptions import ModelProviderError
from ._chat_convert import ChatStreamAssembler, chat_usage, completion_output, items_to_messages
from ._openai_shared import (
    create_client,
    extra_options,
    function_schema_of,
    handoff_schema_of,
    mapped_errors,
    merge_extras,
    output_format,
    stream_events,
)
from .interface import Model, ModelResponse, ModelTracing

if TYPE_CHECKING:
    from openai import AsyncOpenAI

    from .._handoffs import Handoff
    from .._items import TResponseInputItem
    from .._output_schema import AgentOutputSchema
    from .._tools import Tool
    from .settings import ModelSettings

__all__ = ["OpenAIChatCompletionsModel"]


class OpenAIChatCompletionsModel(Model):
    """A model served by a Chat Completions API (`POST /chat/completions`)."""

    def __init__(self, model: str, openai_client: AsyncOpenAI | None = None) -> None:
        self.model = model
        self._client = openai_client

    @property
    def client(self) -> AsyncOpenAI:
        """The `AsyncOpenAI` client (created from the environment on first use)."""
        if self._client is None:
            self._client = create_client()
        return self._client

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchema | None,
        handoffs: list[Handoff[Any]],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> ModelResponse:
        body = self.build_body(
            system_instructions, input, model_settings, tools, output_schema, handoffs,
            stream=False,
        )  # fmt: skip
        with mapped_errors():
            data = await self.client.post(
                "/chat/completions",
                body=body,
                cast_to=object,
                options=extra_options(model_settings),
            )
        if not isinstance(data, dict):
            raise ModelProviderError("The Chat Completions API did not return a JSON object.")
        return ModelResponse(
            output=completion_output(data),
            usage=chat_usage(data.get("usage")),
            response_id=data.get("id"),
        )

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchema | None,
        handoffs: list[Handoff[Any]],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> AsyncIterator[dict[str, Any]]:
        body = self.build_body(
            system_instructions, input, model_settings, tools, output_schema, handoffs,
            stream=True,
        )  # fmt: skip
        assembler = ChatStreamAssembler()
        path = "/chat/completions"
        async for chunk in stream_events(self.client, path, body, extra_options(model_settings)):
            for event in assembler.feed(chunk):
                yield event
        for event in assembler.finish():
            yield event

    def build_body(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchema | None,
        handoffs: list[Handoff[Any]],
        *,
        stream: bool,
    ) -> dict[str, Any]:
        """The JSON body of a `POST /chat/completions` request."""
        items = [{"role": "user", "content": input}] if isinstance(input, str) else input
        body: dict[str, Any] = {
            "model": self.model,
            "messages": items_to_messages(system_instructions, items),
        }
        tool_specs = [_function_tool(*function_schema_of(t)) for t in tools]
        tool_specs += [_function_tool(*handoff_schema_of(h)) for h in handoffs]
        if tool_specs:
            body["tools"] = tool_specs
        response_format = output_format(output_schema)
        if response_format is not None:
            name, schema, strict = (
                response_format["name"],
                response_format["schema"],
                response_format["strict"],
            )
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": strict},
            }
        reasoning = settings.reasoning
        effort = reasoning.get("effort") if isinstance(reasoning, dict) else None
        for key, value in (
            ("temperature", settings.temperature),
            ("top_p", settings.top_p),
            ("frequency_penalty", settings.frequency_penalty),
            ("presence_penalty", settings.presence_penalty),
            ("max_tokens", settings.max_tokens),
            ("tool_choice", _tool_choice(settings.tool_choice)),
            ("parallel_tool_calls", settings.parallel_tool_calls if tool_specs else None),
            ("metadata", settings.metadata),
            ("store", settings.store),
            ("reasoning_effort", effort),
            ("verbosity", settings.verbosity),
            ("top_logprobs", settings.top_logprobs),
            ("logprobs", True if settings.top_logprobs is not None else None),
        ):
            if value is not None:
                body[key] = value
        if stream:
            body["stream"] = True
            if settings.include_usage is not False:
                body["stream_options"] = {"include_usage": True}
        return merge_extras(body, settings)


def _function_tool(
    name: str, description: str, parameters: dict[str, Any], strict: bool
) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": parameters,
            "strict": strict,
        },
    }


def _tool_choice(choice: Any) -> Any:
    if choice is None or isinstance(choice, dict) or choice in ("auto", "required", "none"):
        return choice
    return {"type": "function", "function": {"name": choice}}
