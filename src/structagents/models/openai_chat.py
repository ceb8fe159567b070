"""`OpenAIChatCompletionsModel`: the Chat Completions API, for OpenAI and compatible servers.

Like the Responses model, it sends bodies it builds itself through the SDK's `client.post`.
Replies are translated into Responses-API output items, and streamed chunks into
Responses-API stream events, so the run loop and stream consumers see one format.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any

from ..exceptions import ModelProviderError, UserError
from ._chat_convert import ChatStreamAssembler, chat_usage, completion_output, items_to_messages
from ._openai_model import OpenAIModelBase
from ._openai_shared import (
    function_schema_of,
    function_tools_only,
    handoff_schema_of,
    merge_extras,
    output_format,
    plain_json,
)
from ._reply_shapes import check_chat_chunk, check_chat_completion
from .interface import ModelResponse

if TYPE_CHECKING:
    from .._handoffs import Handoff
    from .._items import TResponseInputItem
    from .._output_schema import AgentOutputSchemaBase
    from .._tools import Tool
    from .settings import ModelSettings

__all__ = ["OpenAIChatCompletionsModel"]


class OpenAIChatCompletionsModel(OpenAIModelBase):
    """A model served by a Chat Completions API (`POST /chat/completions`)."""

    path = "/chat/completions"
    api_name = "The Chat Completions API"
    keeps_server_state = False
    borrows_input = True  # converted into messages during the call

    def parse_response(self, data: object) -> ModelResponse:
        if not isinstance(data, dict):
            raise ModelProviderError(
                "The Chat Completions API did not return a JSON object.", status_code=200, body=data
            )
        check_chat_completion(data)
        return ModelResponse(
            output=completion_output(data),
            usage=chat_usage(data.get("usage")),
            response_id=data.get("id"),
        )

    async def translate_stream(
        self, events: AsyncIterator[dict[str, Any]]
    ) -> AsyncGenerator[dict[str, Any], None]:
        assembler = ChatStreamAssembler()
        async for chunk in events:
            for event in assembler.feed(check_chat_chunk(chunk)):
                yield event
        for event in assembler.finish():
            yield event

    def build_body(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff[Any]],
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any | None = None,
        stream: bool,
    ) -> dict[str, Any]:
        """The JSON body of a `POST /chat/completions` request."""
        if prompt is not None:
            raise UserError(
                "Prompt templates (Agent.prompt) exist only in the Responses API: use "
                "OpenAIResponsesModel, or put the prompt's text in the agent's instructions."
            )
        items = [{"role": "user", "content": input}] if isinstance(input, str) else input
        body: dict[str, Any] = {
            "model": self.model,
            "messages": items_to_messages(system_instructions, items),
        }
        tool_specs = [
            _function_tool(*function_schema_of(t)) for t in function_tools_only(tools, self.model)
        ]
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
        reasoning = plain_json(settings.reasoning)
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
            ("prompt_cache_retention", settings.prompt_cache_retention),
            ("prompt_cache_options", settings.prompt_cache_options),
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
