"""Translate between Responses-API items (our history) and Chat Completions messages."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._usage import InputTokensDetails, OutputTokensDetails, Usage, usage_to_json
from ..exceptions import ModelProviderError, UserError

__all__ = ["ChatStreamAssembler", "chat_usage", "completion_output", "items_to_messages"]


def items_to_messages(
    system_instructions: str | None, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Chat messages for a Responses-API history; tool calls join the assistant message."""
    messages: list[dict[str, Any]] = []
    if system_instructions is not None:
        messages.append({"role": "system", "content": system_instructions})
    assistant: dict[str, Any] | None = None
    for item in items:
        kind = item.get("type")
        if kind == "function_call":
            if assistant is None:
                assistant = {"role": "assistant", "content": None}
                messages.append(assistant)
            assistant.setdefault("tool_calls", []).append(
                {
                    "id": item["call_id"],
                    "type": "function",
                    "function": {"name": item["name"], "arguments": item.get("arguments", "")},
                }
            )
            continue
        if item.get("role") == "assistant" and assistant is not None and not assistant["content"]:
            # Text after tool calls of the same reply joins their message: a tool-call message
            # must be followed directly by its tool results.
            assistant["content"] = _assistant_text(item)
            continue
        assistant = None
        if kind == "function_call_output":
            output = item.get("output", "")
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": item["call_id"],
                    "content": output if isinstance(output, str) else json.dumps(output),
                }
            )
        elif kind == "reasoning":
            continue
        elif item.get("role") == "assistant":
            assistant = {"role": "assistant", "content": _assistant_text(item)}
            refusal = _refusal(item)
            if refusal:
                assistant["refusal"] = refusal
            messages.append(assistant)
        elif "role" in item:
            messages.append({"role": item["role"], "content": _user_content(item.get("content"))})
        else:
            raise UserError(f"Chat Completions cannot carry a {kind!r} history item.")
    return messages


def completion_output(completion: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Responses-API output items of a chat completion's first choice."""
    choice = (completion.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    return _output_items(
        message.get("content"),
        message.get("refusal"),
        [
            (call["id"], call["function"]["name"], call["function"].get("arguments") or "")
            for call in message.get("tool_calls") or ()
        ],
    )


def chat_usage(data: Mapping[str, Any] | None) -> Usage:
    """Our `Usage` of one request from a Chat Completions `usage` object."""
    data = data or {}
    prompt_details = data.get("prompt_tokens_details") or {}
    completion_details = data.get("completion_tokens_details") or {}
    return Usage(
        requests=1,
        input_tokens=int(data.get("prompt_tokens") or 0),
        input_tokens_details=InputTokensDetails(
            int(prompt_details.get("cached_tokens") or 0),
            int(prompt_details.get("cache_write_tokens") or 0),
        ),
        output_tokens=int(data.get("completion_tokens") or 0),
        output_tokens_details=OutputTokensDetails(
            int(completion_details.get("reasoning_tokens") or 0)
        ),
        total_tokens=int(data.get("total_tokens") or 0),
    )


@dataclass
class ChatStreamAssembler:
    """Turns `chat.completion.chunk` events into Responses-API stream events.

    Text deltas become `response.output_text.delta` events as they arrive; `finish()` yields the
    closing `response.completed` event carrying the assembled output items and usage.
    """

    response_id: str = "chatcmpl"
    text: list[str] = field(default_factory=list)
    refusal: list[str] = field(default_factory=list)
    calls: dict[int, list[str]] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    started: bool = False
    finished: bool = False

    def feed(self, chunk: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        if not self.started:
            self.started = True
            self.response_id = str(chunk.get("id") or self.response_id)
            yield {"type": "response.created", "response": self._response([], "in_progress")}
        if chunk.get("usage"):
            self.usage = chat_usage(chunk["usage"])
        for choice in chunk.get("choices") or ():
            if choice.get("finish_reason"):
                self.finished = True
            delta = choice.get("delta") or {}
            if delta.get("content"):
                self.text.append(delta["content"])
                yield {
                    "type": "response.output_text.delta",
                    "item_id": self.response_id,
                    "output_index": 0,
                    "content_index": 0,
                    "delta": delta["content"],
                }
            if delta.get("refusal"):
                self.refusal.append(delta["refusal"])
            for call in delta.get("tool_calls") or ():
                parts = self.calls.setdefault(int(call.get("index", 0)), ["", "", ""])
                function = call.get("function") or {}
                parts[0] = call.get("id") or parts[0]
                parts[1] += function.get("name") or ""
                parts[2] += function.get("arguments") or ""

    def finish(self) -> Iterator[dict[str, Any]]:
        if not self.finished:
            raise ModelProviderError(
                "The Chat Completions stream ended before the model finished (no finish_reason)."
            )
        output = _output_items(
            "".join(self.text) or None,
            "".join(self.refusal) or None,
            [(p[0], p[1], p[2]) for _, p in sorted(self.calls.items())],
        )
        for index, item in enumerate(output):
            yield {"type": "response.output_item.done", "output_index": index, "item": item}
        yield {"type": "response.completed", "response": self._response(output, "completed")}

    def _response(self, output: list[dict[str, Any]], status: str) -> dict[str, Any]:
        return {
            "id": self.response_id,
            "object": "response",
            "status": status,
            "output": output,
            "usage": usage_to_json(self.usage),
        }


def _output_items(
    content: str | None,
    refusal: str | None,
    calls: list[tuple[str, str, str]],
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    if content:
        parts.append({"type": "output_text", "text": content, "annotations": []})
    if refusal:
        parts.append({"type": "refusal", "refusal": refusal})
    # No "id": Chat Completions ids are not valid Responses-API item ids, and input items
    # need none, so these items can be sent to either API later (e.g. after a handoff).
    if parts:
        items.append(
            {"type": "message", "role": "assistant", "status": "completed", "content": parts}
        )
    items.extend(
        {
            "type": "function_call",
            "call_id": call_id,
            "name": name,
            "arguments": arguments,
            "status": "completed",
        }
        for call_id, name, arguments in calls
    )
    return items


def _assistant_text(item: Mapping[str, Any]) -> str | None:
    content = item.get("content")
    if isinstance(content, str):
        return content
    text = "".join(
        part.get("text", "")
        for part in content or ()
        if part.get("type") in ("output_text", "input_text", "text")
    )
    return text or None


def _refusal(item: Mapping[str, Any]) -> str | None:
    content = item.get("content")
    if isinstance(content, str):
        return None
    refusals = [p.get("refusal", "") for p in content or () if p.get("type") == "refusal"]
    return "".join(refusals) or None


def _user_content(content: Any) -> Any:
    if isinstance(content, str) or content is None:
        return content
    parts: list[dict[str, Any]] = []
    for part in content:
        kind = part.get("type")
        if kind in ("input_text", "output_text", "text"):
            parts.append({"type": "text", "text": part.get("text", "")})
        elif kind == "input_image":
            url = part.get("image_url")
            if not url:
                raise UserError("Chat Completions takes images by URL (image_url), not by file_id.")
            image: dict[str, Any] = {"url": url}
            if part.get("detail"):
                image["detail"] = part["detail"]
            parts.append({"type": "image_url", "image_url": image})
        else:
            raise UserError(f"Chat Completions cannot carry a {kind!r} content part.")
    return parts
