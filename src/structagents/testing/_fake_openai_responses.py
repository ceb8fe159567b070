"""Responses-API wire format for `FakeOpenAIServer`: reply objects, SSE events, recorded calls."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from .._items import ItemHelpers, TResponseInputItem
from .._usage import Usage, usage_to_json
from ..models.interface import ModelTracing
from ..models.settings import ModelSettings
from ._response_events import response_stream_events
from ._scripted_model import ModelCall

__all__ = [
    "call_from_responses_request",
    "model_settings_from_request",
    "normalise_output_items",
    "request_model",
    "response_object",
    "response_sse_events",
    "responses_usage",
]

# Events whose openai types require a `logprobs` list.
_TEXT_EVENTS = frozenset({"response.output_text.delta", "response.output_text.done"})


def response_object(
    output: Sequence[Mapping[str, Any]],
    usage: Usage,
    *,
    response_id: str,
    request: Mapping[str, Any],
    created_at: int,
) -> dict[str, Any]:
    """A completed Responses-API `Response` object with `output` and `usage`."""
    instructions = request.get("instructions")
    return {
        "id": response_id,
        "object": "response",
        "created_at": created_at,
        "model": request_model(request),
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "instructions": instructions if isinstance(instructions, str) else None,
        "metadata": {},
        "output": normalise_output_items(output, prefix=response_id),
        "parallel_tool_calls": True,
        "previous_response_id": request.get("previous_response_id"),
        "temperature": request.get("temperature"),
        "tool_choice": "auto",
        "tools": [],
        "top_p": request.get("top_p"),
        "usage": responses_usage(usage),
    }


def responses_usage(usage: Usage) -> dict[str, Any]:
    """The Responses-API `usage` object for `usage` (zero tokens when it is empty)."""
    data = usage_to_json(usage)
    data["input_tokens_details"] = {**data["input_tokens_details"], "cache_write_tokens": 0}
    return data


def response_sse_events(response: Mapping[str, Any]) -> list[bytes]:
    """The SSE frames (`event: <type>` / `data: <json>`) that stream `response`."""
    frames = []
    for event in response_stream_events(dict(response)):
        if event["type"] in _TEXT_EVENTS:
            event = {**event, "logprobs": []}
        data = json.dumps(event, separators=(",", ":"))
        frames.append(f"event: {event['type']}\ndata: {data}\n\n".encode())
    return frames


def normalise_output_items(
    items: Sequence[Mapping[str, Any]], *, prefix: str
) -> list[dict[str, Any]]:
    """Copies of `items` with every field the openai types require (ids, status, ...)."""
    return [_normalise_item(dict(item), f"{prefix}_{index}") for index, item in enumerate(items)]


def _normalise_item(item: dict[str, Any], default_id: str) -> dict[str, Any]:
    kind = item.get("type")
    if kind == "message":
        item.setdefault("id", f"msg_{default_id}")
        item.setdefault("role", "assistant")
        item.setdefault("status", "completed")
        item["content"] = [_normalise_part(part) for part in item.get("content") or ()]
    elif kind == "function_call":
        item.setdefault("call_id", f"call_{default_id}")
        item.setdefault("id", f"fc_{default_id}")
        item.setdefault("status", "completed")
        arguments = item.get("arguments", "{}")
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments, separators=(",", ":"))
        item["arguments"] = arguments
    elif kind == "reasoning":
        item.setdefault("id", f"rs_{default_id}")
        item.setdefault("summary", [])
    else:
        item.setdefault("id", f"item_{default_id}")
        if kind in _CLIENT_CALLS:
            item.setdefault("call_id", f"call_{default_id}")
            item.setdefault("status", "completed")
        elif kind in ("tool_search_call", "tool_search_output"):
            item.setdefault("execution", "server")
            item.setdefault("status", "completed")
            item.setdefault(*(("arguments", {}) if kind == "tool_search_call" else ("tools", [])))
    return item


_CLIENT_CALLS = ("computer_call", "local_shell_call", "shell_call", "apply_patch_call")


def _normalise_part(part: Mapping[str, Any]) -> dict[str, Any]:
    part = dict(part)
    if part.get("type") == "output_text":
        part.setdefault("text", "")
        part.setdefault("annotations", [])
    return part


def call_from_responses_request(body: Mapping[str, Any]) -> ModelCall:
    """The `ModelCall` a responder sees for a `POST /v1/responses` body."""
    raw_input = body.get("input")
    items: list[TResponseInputItem] = (
        ItemHelpers.input_to_new_input_list(raw_input) if isinstance(raw_input, (str, list)) else []
    )
    instructions = body.get("instructions")
    conversation = body.get("conversation")
    if isinstance(conversation, Mapping):
        conversation = conversation.get("id")
    return ModelCall(
        system_instructions=instructions if isinstance(instructions, str) else None,
        input=items,
        model_settings=model_settings_from_request(body),
        tools=cast(Any, list(body.get("tools") or ())),
        output_schema=None,
        handoffs=[],
        tracing=ModelTracing.DISABLED,
        previous_response_id=body.get("previous_response_id"),
        conversation_id=conversation if isinstance(conversation, str) else None,
        prompt=body.get("prompt"),
        streamed=bool(body.get("stream")),
    )


def model_settings_from_request(body: Mapping[str, Any]) -> ModelSettings:
    """The sampling settings a request body carries, as `ModelSettings` (others left unset)."""
    max_tokens = body.get("max_output_tokens", body.get("max_completion_tokens"))
    return ModelSettings(
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
        tool_choice=body.get("tool_choice"),
        parallel_tool_calls=body.get("parallel_tool_calls"),
        max_tokens=max_tokens if max_tokens is not None else body.get("max_tokens"),
        metadata=body.get("metadata"),
        store=body.get("store"),
    )


def request_model(request: Mapping[str, Any]) -> str:
    """The `model` the request names (`"fake-model"` when absent)."""
    model = request.get("model")
    return model if isinstance(model, str) else "fake-model"
