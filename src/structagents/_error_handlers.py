"""`RunErrorHandlers`: turn a run's `max_turns`, refusal or invalid-output error into an answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeAlias

from typing_extensions import TypedDict

from ._items import RunItem, TResponseInputItem
from ._run_context import RunContextWrapper, TContext
from .exceptions import MaxTurnsExceeded, ModelBehaviorError, ModelRefusalError

if TYPE_CHECKING:
    from ._agent import Agent
    from .models.interface import ModelResponse

__all__ = [
    "RunErrorData",
    "RunErrorHandler",
    "RunErrorHandlerInput",
    "RunErrorHandlerResult",
    "RunErrorHandlers",
]


@dataclass
class RunErrorData:
    """What the run had produced when the error happened."""

    input: str | list[TResponseInputItem]
    new_items: list[RunItem]
    history: list[TResponseInputItem]
    output: list[TResponseInputItem]
    raw_responses: list[ModelResponse]
    last_agent: Agent[Any]


@dataclass
class RunErrorHandlerInput(Generic[TContext]):
    """What an error handler receives."""

    error: MaxTurnsExceeded | ModelRefusalError | ModelBehaviorError
    context: RunContextWrapper[TContext]
    run_data: RunErrorData


@dataclass
class RunErrorHandlerResult:
    """An error handler's answer: the run ends with `final_output`. With
    `include_in_history`, it is also added as an assistant message (items, session)."""

    final_output: Any
    include_in_history: bool = True


RunErrorHandler: TypeAlias = Callable[
    [RunErrorHandlerInput[Any]],
    "RunErrorHandlerResult | dict[str, Any] | Any | Awaitable[Any] | None",
]
"""A sync or async handler; returning None re-raises the error, any other value (or a
`RunErrorHandlerResult`, or a dict with `final_output`) becomes the final output."""


class RunErrorHandlers(TypedDict, Generic[TContext], total=False):
    """Error handlers by kind: `max_turns`, `model_refusal`, `invalid_final_output`."""

    max_turns: RunErrorHandler
    model_refusal: RunErrorHandler
    invalid_final_output: RunErrorHandler
