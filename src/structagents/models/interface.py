"""What a model is to the run loop: `Model`, `ModelResponse`, `ModelProvider`."""

from __future__ import annotations

import abc
import enum
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._usage import Usage

if TYPE_CHECKING:
    from .._items import TResponseInputItem, TResponseOutputItem
    from .._output_schema import AgentOutputSchema
    from .._tools import Tool
    from .settings import ModelSettings

__all__ = ["Model", "ModelProvider", "ModelResponse", "ModelTracing"]


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
    """One model reply: its output items (Responses-API dicts), usage and ids."""

    output: list[TResponseOutputItem]
    usage: Usage = field(default_factory=Usage)
    response_id: str | None = None
    request_id: str | None = None

    def to_input_items(self) -> list[TResponseInputItem]:
        """The output items as input items for the next request (they are the same dicts)."""
        return list(self.output)


class Model(abc.ABC):
    """A language model the run loop can call. Implement this to plug in any backend.

    `input` is the full history as Responses-API input item dicts. Treat it and its items as
    read-only: the run shares them with the result and the next turn.
    """

    @abc.abstractmethod
    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchema | None,
        handoffs: list[Any],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> ModelResponse:
        """Return the model's complete reply to `input`."""

    def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchema | None,
        handoffs: list[Any],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> AsyncIterator[Any]:
        """Stream the model's reply as raw events. Models that cannot stream need not override."""
        from ..exceptions import UserError

        raise UserError(f"{type(self).__name__} does not support streaming; use Runner.run.")


class ModelProvider(abc.ABC):
    """Turns a model name (`Agent.model` or `RunConfig.model` as a str) into a `Model`."""

    @abc.abstractmethod
    def get_model(self, model_name: str | None) -> Model:
        """Return the model for `model_name` (`None` means the provider's default)."""
