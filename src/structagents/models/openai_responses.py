"""`OpenAIResponsesModel`: the OpenAI Responses API over the `openai` SDK's HTTP client.

Request bodies are built from our history items (already Responses-API JSON) and sent with
`client.post`, skipping the SDK's per-item parameter transformation, which is linear in the
history and dominates long runs. Auth, base URL, retries and error types stay the SDK's.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any, NoReturn

from .._hosted_tools import FileSearchTool
from .._tool_search import check_tool_search_tool_choice, tool_search_specs
from .._tools import FunctionTool
from ..exceptions import ModelProviderError
from ._openai_model import OpenAIModelBase
from ._openai_shared import (
    function_schema_of,
    handoff_schema_of,
    merge_extras,
    output_format,
    plain_json,
)
from ._reply_shapes import check_response
from .interface import ModelResponse

if TYPE_CHECKING:
    from .._handoffs import Handoff
    from .._items import TResponseInputItem
    from .._output_schema import AgentOutputSchemaBase
    from .._tools import Tool
    from .settings import ModelSettings

__all__ = ["OpenAIResponsesModel"]

_FAILED_EVENTS = frozenset({"response.failed", "response.incomplete", "error"})


class OpenAIResponsesModel(OpenAIModelBase):
    """A model served by the OpenAI Responses API (`POST /responses`)."""

    path = "/responses"
    api_name = "The Responses API"
    borrows_input = True  # the body is serialised during the call

    def parse_response(self, data: object) -> ModelResponse:
        return ModelResponse.from_response_json(_checked(data))

    async def translate_stream(
        self, events: AsyncIterator[dict[str, Any]]
    ) -> AsyncGenerator[dict[str, Any], None]:
        done_items: list[dict[str, Any]] = []
        async for event in events:
            kind = event.get("type")
            if kind in _FAILED_EVENTS:
                _raise_failed(event)
            if kind == "response.output_item.done" and isinstance(event.get("item"), dict):
                done_items.append(event["item"])
            elif kind == "response.completed":
                response = event.get("response")
                if not isinstance(response, dict):
                    raise ModelProviderError(
                        "The Responses stream's response.completed event has no response object.",
                        status_code=200,
                        body=event,
                    )
                if done_items and not response.get("output"):  # some servers only stream items
                    event = {**event, "response": {**response, "output": done_items}}
                check_response(event["response"])
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
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
        stream: bool,
    ) -> dict[str, Any]:
        """The JSON body of a `POST /responses` request."""
        body: dict[str, Any] = {"model": self.model, "input": input}
        if system_instructions is not None:
            body["instructions"] = system_instructions
        tool_specs = tool_search_specs(
            tools, _function_spec, _other_spec, has_prompt=prompt is not None
        )
        tool_specs += [_function_tool(*handoff_schema_of(h)) for h in handoffs]
        check_tool_search_tool_choice(settings.tool_choice, tools, handoffs)
        if tool_specs:
            body["tools"] = tool_specs
        text: dict[str, Any] = {}
        response_format = output_format(output_schema)
        if response_format is not None:
            text["format"] = response_format
        if settings.verbosity is not None:
            text["verbosity"] = settings.verbosity
        if text:
            body["text"] = text
        for key, value in (
            ("previous_response_id", previous_response_id),
            ("conversation", conversation_id),
            ("prompt", prompt),
            ("temperature", settings.temperature),
            ("top_p", settings.top_p),
            ("max_output_tokens", settings.max_tokens),
            ("tool_choice", _tool_choice(settings.tool_choice, tools)),
            ("parallel_tool_calls", settings.parallel_tool_calls if tool_specs else None),
            ("truncation", settings.truncation),
            ("reasoning", plain_json(settings.reasoning)),
            ("metadata", settings.metadata),
            ("store", settings.store),
            ("include", _include(settings, tools)),
            ("top_logprobs", settings.top_logprobs),
            ("prompt_cache_retention", settings.prompt_cache_retention),
            ("prompt_cache_options", settings.prompt_cache_options),
            ("context_management", settings.context_management),
        ):
            if value is not None:
                body[key] = value
        if stream:
            body["stream"] = True
        return merge_extras(body, settings)


def _function_tool(
    name: str, description: str, parameters: dict[str, Any], strict: bool
) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "description": description,
        "parameters": parameters,
        "strict": strict,
    }


def _function_spec(tool: FunctionTool) -> dict[str, Any]:
    return _function_tool(*function_schema_of(tool))


def _other_spec(tool: Tool) -> dict[str, Any]:
    """Every tool kind but function tools gives its own Responses tool spec."""
    spec: dict[str, Any] = tool.tool_spec()  # type: ignore[union-attr]
    return spec


def _include(settings: ModelSettings, tools: list[Tool]) -> list[str] | None:
    include = list(settings.response_include or ())
    for tool in tools:
        if isinstance(tool, FileSearchTool) and tool.include_search_results:
            include.append(_FILE_SEARCH_RESULTS)
            break
    if settings.top_logprobs is not None and _LOGPROBS not in include:
        include.append(_LOGPROBS)  # without it the API returns no logprobs
    return include or None


_LOGPROBS = "message.output_text.logprobs"
_FILE_SEARCH_RESULTS = "file_search_call.results"


def _tool_choice(choice: Any, tools: list[Tool]) -> Any:
    """The Responses `tool_choice`: a hosted or built-in tool's name forces that tool, as in the
    reference (`"web_search"` -> `{"type": "web_search"}`); another name, the function tool."""
    if choice is None or isinstance(choice, dict) or choice in ("auto", "required", "none"):
        return choice
    if choice in _HOSTED_CHOICES:
        return {"type": choice}
    names = {getattr(tool, "name", None): tool for tool in tools}
    if choice in ("shell", "apply_patch") and choice in names:
        return {"type": choice}
    if choice in ("computer", "computer_use", "computer_use_preview"):
        computer = names.get("computer_use_preview")
        if computer is not None:
            return {"type": computer.tool_spec()["type"]}  # type: ignore[union-attr]
        if choice == "computer_use_preview":
            return {"type": choice}
    return {"type": "function", "name": choice}


_HOSTED_CHOICES = frozenset(
    {
        "file_search",
        "web_search",
        "web_search_preview",
        "image_generation",
        "code_interpreter",
        "mcp",
    }
)


def _checked(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ModelProviderError(
            f"The Responses API returned {type(data).__name__}, not a JSON object.",
            status_code=200,
            body=data,
        )
    if data.get("status") in ("failed", "incomplete") or data.get("error"):
        _raise_failed({"response": data})
    return check_response(data)


def _raise_failed(event: dict[str, Any]) -> NoReturn:
    response = event.get("response") or {}
    error = event.get("error") or response.get("error") or {}
    details = response.get("incomplete_details") or {}
    message = error.get("message") or details.get("reason") or event.get("message") or "failed"
    code = error.get("code") or event.get("code")
    raise ModelProviderError(f"The model's response failed: {message}", code=code, body=event)
