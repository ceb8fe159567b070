"""What a reply from an OpenAI-style API must look like before we read it.

A 200 reply can still be malformed: not JSON, not UTF-8, nested past any real reply, or
JSON of the wrong shape. Each becomes a `ModelProviderError` raised from the parsing or
validation error, instead of an `AttributeError` deep in the run. The TypedDicts below
describe only the fields the run reads (other fields are ignored); validation only checks,
the reply itself is used as it came. (TypedDicts, not models: validating a 1000-call reply
then builds plain dicts and costs about a third of what building models did.)
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag, TypeAdapter, ValidationError
from pydantic_core import from_json
from typing_extensions import NotRequired, TypedDict

from ..exceptions import ModelProviderError

__all__ = ["check_chat_chunk", "check_chat_completion", "check_response", "parse_json"]

_MAX_SHOWN = 300


class _Part(TypedDict):
    type: str


class _Message(TypedDict):
    type: Literal["message"]
    content: NotRequired[str | list[_Part]]


class _FunctionCall(TypedDict):
    type: Literal["function_call"]
    call_id: str
    name: str
    arguments: str


class _OtherItem(TypedDict):
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


class _InputDetails(TypedDict, total=False):
    cached_tokens: int | None


class _OutputDetails(TypedDict, total=False):
    reasoning_tokens: int | None


class _Usage(TypedDict, total=False):
    input_tokens: int | None
    output_tokens: int | None
    total_tokens: int | None
    input_tokens_details: _InputDetails | None
    output_tokens_details: _OutputDetails | None


class _Response(TypedDict):
    id: NotRequired[str | None]
    output: list[_OutputItem]
    usage: NotRequired[_Usage | None]


class _ChatUsage(TypedDict, total=False):
    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None
    prompt_tokens_details: _InputDetails | None
    completion_tokens_details: _OutputDetails | None


class _Function(TypedDict):
    name: str
    arguments: NotRequired[str | None]


class _ToolCall(TypedDict):
    id: str
    function: _Function


class _ChatMessage(TypedDict, total=False):
    content: str | None
    refusal: str | None
    tool_calls: list[_ToolCall] | None


class _Choice(TypedDict, total=False):
    message: _ChatMessage | None


class _Completion(TypedDict):
    id: NotRequired[str | None]
    choices: list[_Choice]
    usage: NotRequired[_ChatUsage | None]


class _DeltaFunction(TypedDict, total=False):
    name: str | None
    arguments: str | None


class _DeltaToolCall(TypedDict, total=False):
    index: int
    id: str | None
    function: _DeltaFunction | None


class _Delta(TypedDict, total=False):
    content: str | None
    refusal: str | None
    tool_calls: list[_DeltaToolCall] | None


class _ChunkChoice(TypedDict, total=False):
    delta: _Delta | None
    finish_reason: str | None


class _Chunk(TypedDict, total=False):
    id: str | None
    choices: list[_ChunkChoice]
    usage: _ChatUsage | None


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
