"""What a model is to the run loop: `Model`, `ModelResponse`, `ModelProvider`."""

from __future__ import annotations

import abc
import enum
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from .._typed import TypedView, typed_output_items
from .._usage import Usage, usage_from_json, usage_to_json

if TYPE_CHECKING:
    from .._items import TResponseInputItem
    from .._output_schema import AgentOutputSchemaBase
    from .._retry import ModelRetryAdvice, ModelRetryAdviceRequest
    from .._tools import Tool
    from .settings import ModelSettings

__all__ = ["Model", "ModelProvider", "ModelResponse", "ModelTracing", "keep_raw_usage"]


class ModelTracing(enum.Enum):
    """Whether the model call should be traced, and with or without its data."""

    DISABLED = 0
    ENABLED = 1
    ENABLED_WITHOUT_DATA = 2

    def is_disabled(self) -> bool:
        return self is ModelTracing.DISABLED

    def include_data(self) -> bool:
        return self is ModelTracing.ENABLED


@dataclass
class ModelResponse:
    """One model reply: its output items, usage and ids.

    `output` reads as the `openai` SDK's output items (`ResponseOutputMessage`,
    `ResponseFunctionToolCall`...), built on first access, as in the reference SDK;
    `to_input_items()` gives the plain Responses-API dicts the run holds. Either may be passed.
    """

    output: Any = TypedView(lambda _response, items: typed_output_items(items), many=True)  # noqa: RUF009 (a descriptor)
    usage: Usage = field(default_factory=Usage)
    response_id: str | None = None
    request_id: str | None = None
    raw_usage: dict[str, Any] | None = None
    """The provider's own usage object, kept when `ModelSettings.preserve_raw_usage` is set."""

    def to_input_items(self) -> list[TResponseInputItem]:
        """The output items as input item dicts for the next request (the same dicts)."""
        return list(self.__dict__["_output_plain"])

    @classmethod
    def from_response_json(cls, data: Mapping[str, Any]) -> ModelResponse:
        """A `ModelResponse` from a Responses-API response object (e.g. `response.completed`)."""
        return cls(
            output=list(data.get("output") or ()),
            usage=usage_from_json(data.get("usage")),
            response_id=data.get("id"),
        )

    def to_response_json(self) -> dict[str, Any]:
        """This response as a Responses-API response object."""
        return {
            "id": self.response_id,
            "object": "response",
            "status": "completed",
            "output": self.to_input_items(),
            "usage": usage_to_json(self.usage),
        }


def keep_raw_usage(response: ModelResponse, reply: object, preserve: bool | None) -> None:
    """With `ModelSettings.preserve_raw_usage` (`preserve`), keep a copy of the provider's own
    usage object of `reply` (a response as JSON) on `response`."""
    if preserve and isinstance(reply, dict) and isinstance(reply.get("usage"), dict):
        response.raw_usage = dict(reply["usage"])


class Model(abc.ABC):
    """A language model the run loop can call. Implement this to plug in any backend.

    `input` is the full history as Responses-API input item dicts. Treat it and its items as
    read-only: the run shares them with the result and the next turn.
    """

    keeps_server_state: bool = True
    """Whether the model can continue from `previous_response_id` / `conversation_id` (and so
    be sent only new items). Set False for APIs without server-side conversations."""

    borrows_input: ClassVar[bool] = False
    """Set True in a class whose calls read `input` only while they run and keep no reference
    to the list: the run then passes its own history list instead of a copy (a copy costs
    time in proportion to the history on every turn). Only the class's own setting counts,
    not an inherited one, since a subclass may keep what it receives."""

    def get_retry_advice(self, request: ModelRetryAdviceRequest) -> ModelRetryAdvice | None:
        """What this backend knows about retrying a failed request (retry-after, replay
        safety), for `ModelSettings.retry` policies; the default knows nothing."""
        return None

    @abc.abstractmethod
    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Any],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> ModelResponse:
        """Return the model's complete reply to `input`."""

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Any],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Stream the reply as Responses-API stream event dicts, ending with `response.completed`
        (whose `response` carries the output items and usage). The `openai` SDK's typed events
        are accepted too (models written for the reference SDK yield those).

        Models that cannot stream need not override this: the default makes one
        `get_response` call and yields only the `response.completed` event.
        """
        response = await self.get_response(
            system_instructions,
            input,
            model_settings,
            tools,
            output_schema,
            handoffs,
            tracing,
            previous_response_id=previous_response_id,
            conversation_id=conversation_id,
            prompt=prompt,
        )
        yield {"type": "response.completed", "response": response.to_response_json()}


class ModelProvider(abc.ABC):
    """Turns a model name (`Agent.model` or `RunConfig.model` as a str) into a `Model`."""

    @abc.abstractmethod
    def get_model(self, model_name: str | None) -> Model:
        """Return the model for `model_name` (`None` means the provider's default)."""

    async def aclose(self) -> None:  # noqa: B027 (optional hook, deliberately a no-op)
        """Release what the provider opened (HTTP clients); the default does nothing."""
