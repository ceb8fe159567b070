"""What a reply from an OpenAI-style API must look like before we read it.

A 200 reply can still be malformed: not JSON, not UTF-8, nested past any real reply, or
JSON of the wrong shape. Each becomes a `ModelProviderError` raised from the parsing or
validation error, instead of an `AttributeError` deep in the run. The pydantic models below
describe only the fields the run reads (other fields are allowed and ignored); validation
only checks, the reply itself is used as it came.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Tag, TypeAdapter, ValidationError
from pydantic_core import from_json

from ..exceptions import ModelProviderError

__all__ = ["check_chat_chunk", "check_chat_completion", "check_response", "parse_json"]

_MAX_SHOWN = 300


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Part(_Shape):
    type: str


class _Message(_Shape):
    type: Literal["message"]
    content: str | list[_Part] = []


class _FunctionCall(_Shape):
    type: Literal["function_call"]
    call_id: str
    name: str
    arguments: str


class _OtherItem(_Shape):
    type: str


def _item_kind(item: Any) -> str:
    kind = item.get("type") if isinstance(item, dict) else None
    return kind if kind in ("message", "function_call") else "other"


_OutputItem = Annotated[
    Annotated[_Message, Tag("message")]
    | Annotated[_FunctionCall, Tag("function_call")]
    | Annotated[_OtherItem, Tag("other")],
    Discriminator(_item_kind),
]


class _InputDetails(_Shape):
    cached_tokens: int | None = None


class _OutputDetails(_Shape):
    reasoning_tokens: int | None = None


class _Usage(_Shape):
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    input_tokens_details: _InputDetails | None = None
    output_tokens_details: _OutputDetails | None = None


class _Response(_Shape):
    id: str | None = None
    output: list[_OutputItem]
    usage: _Usage | None = None


class _ChatUsage(_Shape):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    prompt_tokens_details: _InputDetails | None = None
    completion_tokens_details: _OutputDetails | None = None


class _Function(_Shape):
    name: str
    arguments: str | None = None


class _ToolCall(_Shape):
    id: str
    function: _Function


class _ChatMessage(_Shape):
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[_ToolCall] | None = None


class _Choice(_Shape):
    message: _ChatMessage | None = None


class _Completion(_Shape):
    id: str | None = None
    choices: list[_Choice]
    usage: _ChatUsage | None = None


class _DeltaFunction(_Shape):
    name: str | None = None
    arguments: str | None = None


class _DeltaToolCall(_Shape):
    index: int = 0
    id: str | None = None
    function: _DeltaFunction | None = None


class _Delta(_Shape):
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[_DeltaToolCall] | None = None


class _ChunkChoice(_Shape):
    delta: _Delta | None = None
    finish_reason: str | None = None


class _Chunk(_Shape):
    id: str | None = None
    choices: list[_ChunkChoice] = []
    usage: _ChatUsage | None = None


_RESPONSE = TypeAdapter(_Response)
_COMPLETION = TypeAdapter(_Completion)
_CHUNK = TypeAdapter(_Chunk)


def parse_json(raw: bytes, api: str) -> Any:
    """The JSON value of a reply body; anything else is a `ModelProviderError`."""
    try:
        return from_json(raw)
    except ValueError as exc:  # not JSON, empty, not UTF-8, or nested too deep
        shown = raw[:_MAX_SHOWN]
        raise ModelProviderError(
            f"{api} sent a reply that is not valid JSON ({exc}): {shown!r}", status_code=200
        ) from exc


def check_response(data: dict[str, Any]) -> dict[str, Any]:
    """`data` if it is a well-formed Responses-API response object."""
    return _checked(_RESPONSE, data, "The Responses API")


def check_chat_completion(data: dict[str, Any]) -> dict[str, Any]:
    """`data` if it is a well-formed `chat.completion` object."""
    return _checked(_COMPLETION, data, "The Chat Completions API")


def check_chat_chunk(data: dict[str, Any]) -> dict[str, Any]:
    """`data` if it is a well-formed `chat.completion.chunk` event."""
    return _checked(_CHUNK, data, "The Chat Completions stream")


def _checked(adapter: TypeAdapter[Any], data: dict[str, Any], api: str) -> dict[str, Any]:
    try:
        adapter.validate_python(data)
    except ValidationError as exc:
        errors = "; ".join(
            f"{'.'.join(map(str, error['loc'])) or 'reply'}: {error['msg']}"
            for error in exc.errors(include_url=False)[:3]
        )
        raise ModelProviderError(
            f"{api} sent a malformed reply ({errors}).", status_code=200, body=data
        ) from exc
    return data
