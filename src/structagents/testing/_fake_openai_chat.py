"""Chat Completions wire format for `FakeOpenAIServer`: Responses-API output items in, chat out.

Message text becomes `message.content`, function calls become `message.tool_calls`; streams
are `chat.completion.chunk` SSE frames ending with `data: [DONE]`. Requests go the other way:
chat `messages` become Responses-API input items for the `ModelCall` a responder sees.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from .._items import TResponseInputItem
from .._usage import Usage
from ..models.interface import ModelTracing
from ._fake_openai_responses import (
    model_settings_from_request,
    normalise_output_items,
    request_model,
)
from ._response_events import text_chunks
from ._scripted_model import ModelCall

__all__ = ["call_from_chat_request", "chat_completion", "chat_completion_sse_events"]


def chat_completion(
    output: Sequence[Mapping[str, Any]],
    usage: Usage,
    *,
    completion_id: str,
    request: Mapping[str, Any],
    created: int,
) -> dict[str, Any]:
    """A `chat.completion` object carrying the text and function calls of `output`."""
    items = normalise_output_items(output, prefix=completion_id)
    texts: list[str] = []
    refusals: list[str] = []
    tool_calls: list[dict[str, Any]] = []
    for item in items:
        if item.get("type") == "message":
            for part in item["content"]:
                if part.get("type") == "output_text":
                    texts.append(part["text"])
                elif part.get("type") == "refusal":
                    refusals.append(part.get("refusal", ""))
        elif item.get("type") == "function_call":
            function = {"name": item["name"], "arguments": item["arguments"]}
            tool_calls.append({"id": item["call_id"], "type": "function", "function": function})
    message: dict[str, Any] = {
        "role": "assistant",
        "content": "".join(texts) if texts or not tool_calls else None,
        "refusal": "".join(refusals) if refusals else None,
        "annotations": [],
    }
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": request_model(request),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_calls else "stop",
                "logprobs": None,
            }
        ],
        "usage": chat_usage(usage),
    }


def chat_usage(usage: Usage) -> dict[str, Any]:
    """The Chat Completions `usage` object for `usage` (zero tokens when it is empty)."""
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.input_tokens_details.cached_tokens},
        "completion_tokens_details": {
            "reasoning_tokens": usage.output_tokens_details.reasoning_tokens
        },
    }


def chat_completion_sse_events(
    completion: Mapping[str, Any], *, include_usage: bool
) -> list[bytes]:
    """The SSE frames that stream `completion`: a role chunk, word-sized content deltas, tool
    call deltas (id and name, then arguments), the finish chunk, an optional usage chunk and
    `[DONE]`."""
    choice = completion["choices"][0]
    message = choice["message"]
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": "", "refusal": None}]
    deltas.extend({"content": word} for word in text_chunks(message.get("content") or ""))
    if message.get("refusal"):
        deltas.append({"refusal": message["refusal"]})
    for index, call in enumerate(message.get("tool_calls") or ()):
        function = call["function"]
        opening = {"name": function["name"], "arguments": ""}
        deltas.append(
            {
                "tool_calls": [
                    {"index": index, "id": call["id"], "type": "function", "function": opening}
                ]
            }
        )
        deltas.append(
            {"tool_calls": [{"index": index, "function": {"arguments": function["arguments"]}}]}
        )
    chunks = [_chunk(completion, delta, None) for delta in deltas]
    chunks.append(_chunk(completion, {}, choice["finish_reason"]))
    if include_usage:
        chunks.append({**_chunk(completion, {}, None), "choices": [], "usage": completion["usage"]})
    frames = [f"data: {json.dumps(chunk, separators=(',', ':'))}\n\n".encode() for chunk in chunks]
    frames.append(b"data: [DONE]\n\n")
    return frames


def _chunk(
    completion: Mapping[str, Any], delta: dict[str, Any], finish_reason: str | None
) -> dict[str, Any]:
    return {
        "id": completion["id"],
        "object": "chat.completion.chunk",
        "created": completion["created"],
        "model": completion["model"],
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
    }


def call_from_chat_request(body: Mapping[str, Any]) -> ModelCall:
    """The `ModelCall` a responder sees for a `POST /v1/chat/completions` body: a leading
    system (or developer) message becomes the instructions, the rest Responses-API items."""
    messages = [m for m in body.get("messages") or () if isinstance(m, Mapping)]
    instructions = None
    if messages and messages[0].get("role") in ("system", "developer"):
        content = messages.pop(0).get("content")
        instructions = content if isinstance(content, str) else _text_of(content)
    items: list[TResponseInputItem] = []
    for message in messages:
        items.extend(_input_items(message))
    return ModelCall(
        system_instructions=instructions,
        input=items,
        model_settings=model_settings_from_request(body),
        tools=cast(Any, list(body.get("tools") or ())),
        output_schema=None,
        handoffs=[],
        tracing=ModelTracing.DISABLED,
        previous_response_id=None,
        conversation_id=None,
        prompt=None,
        streamed=bool(body.get("stream")),
    )


def _input_items(message: Mapping[str, Any]) -> list[TResponseInputItem]:
    role = message.get("role")
    content = message.get("content")
    if role == "tool":
        output = content if isinstance(content, str) else _text_of(content)
        return [
            {
                "type": "function_call_output",
                "call_id": message.get("tool_call_id"),
                "output": output,
            }
        ]
    items: list[TResponseInputItem] = []
    if content is not None:
        items.append({"role": role, "content": _input_content(content)})
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        items.append(
            {
                "type": "function_call",
                "call_id": call.get("id"),
                "name": function.get("name"),
                "arguments": function.get("arguments", ""),
            }
        )
    return items


def _input_content(content: Any) -> Any:
    if not isinstance(content, list):
        return content
    return [
        {"type": "input_text", "text": part.get("text", "")}
        if isinstance(part, Mapping) and part.get("type") == "text"
        else part
        for part in content
    ]


def _text_of(content: Any) -> str:
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, Mapping))
    return "" if content is None else str(content)
