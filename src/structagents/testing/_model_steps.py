"""The steps of a `ScriptedModel` script: `ModelStep`, its dict form, and how steps are checked."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import anyio
from typing_extensions import TypedDict

from .._items import TResponseOutputItem
from .._retry import ModelRetryAdvice
from .._usage import Usage
from ..models.interface import ModelResponse

if TYPE_CHECKING:
    from ._scripted_model import ModelCall

__all__ = [
    "InvalidModelStep",
    "ModelScriptError",
    "ModelStep",
    "ModelStepSpec",
    "as_json",
    "assistant_message",
    "coerce_step",
]

DEFAULT_RESPONSE_ID = "resp-789"
"""The response id of a step that gives none (the reference SDK's default)."""


class ModelScriptError(Exception):
    """A model script is invalid, ran out, or was not used up."""


ModelStepReason: TypeAlias = Literal[
    "invalid_input",
    "unsupported_field",
    "invalid_error",
    "invalid_responder",
    "invalid_stream_events",
    "conflicting_outcomes",
    "invalid_retry_advice",
]


class InvalidModelStep(ModelScriptError):
    """A step given to `ScriptedModel` cannot be understood (raised when it is queued).

    `input_index` is the step's 0-based position in the steps given; `reason` the kind of problem.
    """

    def __init__(
        self, message: str, *, input_index: int, reason: ModelStepReason = "invalid_input"
    ) -> None:
        super().__init__(message)
        self.input_index = input_index
        self.reason = reason


ModelStepResult: TypeAlias = (
    "ModelStep | ModelStepSpec | Mapping[str, Any] | ModelResponse"
    " | Sequence[TResponseOutputItem | Any]"
    " | Exception | str"
)
ModelResponder: TypeAlias = Callable[["ModelCall"], "ModelStepResult | Awaitable[ModelStepResult]"]
ModelStreamFactory: TypeAlias = Callable[["ModelCall"], AsyncIterator[Any]]


@dataclass
class ModelStep:
    """One scripted reply.

    - `output`: the reply's output items (see `assistant_message`, `function_call`), or a string:
      one assistant message with that text.
    - `error`: raise this instead of replying.
    - `responder`: compute the reply from the recorded `ModelCall` (sync or async).
    - `stream_events`: in a streamed run, these exact events are streamed instead of ones made
      from `output` (they should end with `response.completed`); or a function of the
      `ModelCall` returning an async iterator of events.
    - `usage`: the reply's usage; when left empty, one request (or the model's default usage).
    - `response_id`: the reply's id ("resp-789" unless given; None for no id).
    - `raw_usage`: the reply's `ModelResponse.raw_usage`, reported when the call's
      `ModelSettings.preserve_raw_usage` is True.
    - `retry_advice`: with `error`, what `get_retry_advice` says about that error (a
      `ModelRetryAdvice`), for testing `ModelSettings.retry` policies.
    - `wait_for`: an `anyio.Event` the call waits on before replying (a model call that is
      "in flight" until your test says so); `delay`: seconds to sleep before replying.

    Output items and events may be dicts or the `openai` SDK's pydantic objects. A step is
    checked, and copied, when it is given to a `ScriptedModel`: changing it afterwards changes
    nothing.
    """

    output: Sequence[Any] = ()
    usage: Usage = field(default_factory=Usage)
    response_id: str | None = DEFAULT_RESPONSE_ID
    request_id: str | None = None
    raw_usage: dict[str, Any] | None = None
    error: Exception | None = None
    responder: ModelResponder | None = None
    stream_events: Sequence[Any] | ModelStreamFactory | None = None
    retry_advice: ModelRetryAdvice | None = None
    wait_for: anyio.Event | None = None
    delay: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.output, str):
            self.output = [assistant_message(self.output)]

    @classmethod
    def raise_error(
        cls,
        error: Exception,
        *,
        retry_advice: ModelRetryAdvice | None = None,
        wait_for: anyio.Event | None = None,
        delay: float | None = None,
    ) -> ModelStep:
        """A step whose call raises `error` (after `wait_for` / `delay`, if given)."""
        return cls(error=error, retry_advice=retry_advice, wait_for=wait_for, delay=delay)

    @classmethod
    def stream(
        cls,
        events: Sequence[Any] | ModelStreamFactory,
        *,
        output: Sequence[Any] = (),
        usage: Usage | None = None,
        response_id: str | None = DEFAULT_RESPONSE_ID,
    ) -> ModelStep:
        """A step that streams exactly `events`, or what `events(call)` yields (a plain call
        replies with `output`)."""
        stream_events = events if callable(events) else tuple(events)
        return cls(
            output=output,
            usage=usage or Usage(),
            response_id=response_id,
            stream_events=stream_events,
        )

    @classmethod
    def respond(cls, responder: ModelResponder) -> ModelStep:
        """A step whose reply is computed from the recorded call."""
        return cls(responder=responder)


class ModelStepSpec(TypedDict, total=False):
    """The dict form of a `ModelStep` that `ScriptedModel` accepts."""

    output: Sequence[Any]
    usage: Usage
    response_id: str | None
    request_id: str | None
    raw_usage: dict[str, Any] | None
    error: Exception | None
    responder: ModelResponder | None
    stream_events: Sequence[Any] | ModelStreamFactory | None
    retry_advice: ModelRetryAdvice | None
    wait_for: anyio.Event | None
    delay: float | None


_STEP_FIELDS = tuple(f.name for f in fields(ModelStep))


def coerce_step(step: Any, index: int) -> ModelStep:
    """`step` (any accepted form) as a checked, detached `ModelStep` (`index`: its position)."""
    if isinstance(step, ModelStep):
        normalized = step
    elif isinstance(step, ModelResponse):
        normalized = ModelStep(
            output=step.to_input_items(),
            usage=step.usage,
            response_id=step.response_id,
            request_id=step.request_id,
            raw_usage=step.raw_usage,
        )
    elif isinstance(step, Exception):
        normalized = ModelStep(error=step)
    elif isinstance(step, str):
        normalized = ModelStep(output=step)
    elif isinstance(step, Mapping):
        unknown = sorted(str(key) for key in step if key not in _STEP_FIELDS)
        if unknown:
            raise _invalid(
                index,
                f"contains unsupported fields {unknown}; a dict step takes the fields of "
                f"ModelStep ({', '.join(_STEP_FIELDS)}). To reply with one output item, wrap it "
                "in a list",
                "unsupported_field",
            )
        normalized = ModelStep(**step)
    elif isinstance(step, Sequence) and not isinstance(step, bytes):
        normalized = ModelStep(output=step)
    else:
        raise _invalid(
            index,
            f"is a {type(step).__name__}; expected a ModelStep, a dict of its fields "
            "(ModelStepSpec), a ModelResponse, a list of output items, an exception or a string",
        )
    _validate(normalized, index)
    return _detached(normalized, index)


def _validate(step: ModelStep, index: int) -> None:
    """Raise `InvalidModelStep` for a step the reference SDK rejects (same reasons)."""
    events = step.stream_events
    checks: list[tuple[bool, str, ModelStepReason]] = [
        (
            isinstance(step.output, Sequence) and not isinstance(step.output, bytes),
            "must use a sequence of output items (or a string) for output",
            "invalid_input",
        ),
        (isinstance(step.usage, Usage), "must use Usage for usage", "invalid_input"),
        (
            step.response_id is None or isinstance(step.response_id, str),
            "must use a string or None for response_id",
            "invalid_input",
        ),
        (
            step.request_id is None or isinstance(step.request_id, str),
            "must use a string or None for request_id",
            "invalid_input",
        ),
        (
            step.raw_usage is None or isinstance(step.raw_usage, dict),
            "must use a dictionary or None for raw_usage",
            "invalid_input",
        ),
        (
            step.error is None or isinstance(step.error, Exception),
            "must use an Exception instance for error",
            "invalid_error",
        ),
        (
            step.responder is None or callable(step.responder),
            "must use a callable responder",
            "invalid_responder",
        ),
        (
            events is None
            or callable(events)
            or (isinstance(events, Sequence) and not isinstance(events, str | bytes)),
            "must use a sequence or callable stream_events value",
            "invalid_stream_events",
        ),
        (
            sum(value is not None for value in (step.error, step.responder, step.stream_events))
            <= 1,
            "cannot combine error, responder, and stream_events outcomes",
            "conflicting_outcomes",
        ),
        (
            step.retry_advice is None
            or (isinstance(step.retry_advice, ModelRetryAdvice) and step.error is not None),
            "requires an error and a ModelRetryAdvice value",
            "invalid_retry_advice",
        ),
        (
            step.wait_for is None or isinstance(step.wait_for, anyio.Event),
            "must use an anyio.Event or None for wait_for",
            "invalid_input",
        ),
        (
            step.delay is None or (isinstance(step.delay, int | float) and step.delay >= 0),
            "must use a number of seconds >= 0 or None for delay",
            "invalid_input",
        ),
    ]
    for ok, detail, reason in checks:
        if not ok:
            raise _invalid(index, detail, reason)


def _detached(step: ModelStep, index: int) -> ModelStep:
    """A copy of `step` that later changes to the caller's objects do not reach; items and
    events become plain JSON dicts (the `openai` SDK's objects are dumped)."""
    events = step.stream_events
    if events is not None and not callable(events):
        events = [_item(event, index, "stream_events") for event in events]
    return replace(
        step,
        output=[_item(item, index, "output") for item in step.output],
        usage=copy.deepcopy(step.usage),
        raw_usage=copy.deepcopy(step.raw_usage),
        stream_events=events,
        retry_advice=copy.deepcopy(step.retry_advice),
    )


def _item(value: Any, index: int, where: str) -> dict[str, Any]:
    try:
        return as_json(value)
    except TypeError:
        raise _invalid(
            index,
            f"holds {value!r} ({type(value).__name__}) in {where}; items and events are dicts "
            "or openai SDK objects",
        ) from None


def as_json(value: Any) -> dict[str, Any]:
    """An item or event as a fresh plain dict (the openai SDK's pydantic objects are dumped)."""
    if isinstance(value, Mapping):
        return copy.deepcopy(dict(value))
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        data: dict[str, Any] = dump(exclude_none=True, mode="json")
        return data
    raise TypeError(f"{value!r} is not an item (a dict or an openai SDK object)")


def _invalid(
    index: int, detail: str, reason: ModelStepReason = "invalid_input"
) -> InvalidModelStep:
    return InvalidModelStep(
        f"Scripted model step #{index + 1} {detail}.", input_index=index, reason=reason
    )


def assistant_message(text: str, *, item_id: str = "scripted-message") -> TResponseOutputItem:
    """An assistant message output item with `text`."""
    return {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }
