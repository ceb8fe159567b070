"""`ScriptedModel`: a model that replays a script of replies and records every call."""

from __future__ import annotations

import inspect
import json
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, TypeAlias

import anyio

from .._items import ItemHelpers, TResponseInputItem, TResponseOutputItem
from .._naming import handoff_tool_name
from .._usage import Usage
from ..models.interface import Model, ModelResponse, ModelTracing
from ._response_events import response_stream_events

if TYPE_CHECKING:
    from .._agent import Agent
    from .._output_schema import AgentOutputSchema
    from .._tools import Tool
    from ..models.settings import ModelSettings

__all__ = [
    "InvalidModelStep",
    "ModelCall",
    "ModelScriptError",
    "ModelStep",
    "ScriptedModel",
    "UnconsumedModelSteps",
    "UnexpectedModelCall",
    "assistant_message",
    "function_call",
    "handoff_call",
]


class ModelScriptError(Exception):
    """A model script is invalid, ran out, or was not used up."""


class InvalidModelStep(ModelScriptError):
    """A step given to `ScriptedModel` cannot be understood."""

    def __init__(self, message: str, *, input_index: int) -> None:
        super().__init__(message)
        self.input_index = input_index


class UnexpectedModelCall(ModelScriptError):
    """The model was called after every scripted step was used."""

    def __init__(self, message: str, *, call: ModelCall, call_index: int) -> None:
        super().__init__(message)
        self.call = call
        self.call_index = call_index


class UnconsumedModelSteps(ModelScriptError):
    """`assert_complete()` found steps that were never used."""

    def __init__(self, message: str, *, remaining_steps: int) -> None:
        super().__init__(message)
        self.remaining_steps = remaining_steps


@dataclass(frozen=True)
class ModelCall:
    """One recorded call: what the run sent to the model (`input` always as a list of items)."""

    system_instructions: str | None
    input: list[TResponseInputItem]
    model_settings: ModelSettings
    tools: list[Tool]
    output_schema: AgentOutputSchema | None
    handoffs: list[Any]
    tracing: ModelTracing
    previous_response_id: str | None
    conversation_id: str | None
    prompt: Any | None
    streamed: bool


ModelStepResult: TypeAlias = (
    "ModelStep | Mapping[str, Any] | ModelResponse | Sequence[TResponseOutputItem | Any]"
    " | Exception | str"
)
ModelResponder: TypeAlias = Callable[[ModelCall], "ModelStepResult | Awaitable[ModelStepResult]"]


@dataclass
class ModelStep:
    """One scripted reply.

    - `output`: the reply's output items (see `assistant_message`, `function_call`).
    - `error`: raise this instead of replying.
    - `responder`: compute the reply from the recorded `ModelCall` (sync or async).
    - `wait_for`: an `anyio.Event` the call waits on before replying (a model call that is
      "in flight" until your test says so); `delay`: seconds to sleep before replying.
    - `usage`: the reply's usage; when left empty, one request (or the model's default usage).
    - `stream_events`: in a streamed run, these exact events are streamed instead of ones made
      from `output` (they should end with `response.completed`).
    - `raw_usage`: the reply's `ModelResponse.raw_usage`.
    - `retry_advice`: with `error`, what `get_retry_advice` says about that error (a
      `ModelRetryAdvice`), for testing `ModelSettings.retry` policies.

    Output items and events may be dicts or the `openai` SDK's pydantic objects.
    """

    output: Sequence[Any] = ()
    usage: Usage = field(default_factory=Usage)
    response_id: str | None = None
    request_id: str | None = None
    error: Exception | None = None
    responder: ModelResponder | None = None
    wait_for: anyio.Event | None = None
    delay: float | None = None
    stream_events: Sequence[Any] | None = None
    raw_usage: dict[str, Any] | None = None
    retry_advice: Any = None

    def __post_init__(self) -> None:
        self.output = [_as_json(item) for item in self.output]
        if self.stream_events is not None:
            self.stream_events = [_as_json(event) for event in self.stream_events]

    @classmethod
    def raise_error(
        cls,
        error: Exception,
        *,
        retry_advice: Any = None,
        wait_for: anyio.Event | None = None,
        delay: float | None = None,
    ) -> ModelStep:
        """A step whose call raises `error` (after `wait_for` / `delay`, if given)."""
        return cls(error=error, retry_advice=retry_advice, wait_for=wait_for, delay=delay)

    @classmethod
    def stream(
        cls,
        events: Sequence[Any],
        *,
        output: Sequence[Any] = (),
        usage: Usage | None = None,
        response_id: str | None = None,
    ) -> ModelStep:
        """A step that streams exactly `events` (a plain call replies with `output`)."""
        return cls(
            output=output, usage=usage or Usage(), response_id=response_id, stream_events=events
        )

    @classmethod
    def respond(cls, responder: ModelResponder) -> ModelStep:
        """A step whose reply is computed from the recorded call."""
        return cls(responder=responder)


_STEP_FIELDS = frozenset(f.name for f in fields(ModelStep))


class ScriptedModel(Model):
    """A deterministic model for testing agents: each call takes the next scripted step.

    A step is a `ModelStep`, a dict of `ModelStep` fields, a `ModelResponse`, a list of output
    items, an exception to raise, or a string (an assistant message with that text). Every call
    is recorded in `calls`, including the input the model received.

        model = ScriptedModel([
            [function_call("get_weather", {"city": "Paris"}, call_id="c1")],
            "It is sunny in Paris.",
        ])
    """

    def __init__(
        self,
        steps: Iterable[ModelStepResult] = (),
        *,
        default_usage: Usage | None = None,
        emit_traces: bool = False,
    ) -> None:
        """`emit_traces` is accepted for code written for the reference SDK, and ignored."""
        self._steps: deque[ModelStep] = deque(
            _coerce_step(step, index) for index, step in enumerate(steps)
        )
        self._default_usage = default_usage
        self._calls: list[ModelCall] = []
        self._retry_advice: Any = None

    @property
    def calls(self) -> tuple[ModelCall, ...]:
        """Every call made so far, in order."""
        return tuple(self._calls)

    @property
    def first_call(self) -> ModelCall | None:
        return self._calls[0] if self._calls else None

    @property
    def last_call(self) -> ModelCall | None:
        return self._calls[-1] if self._calls else None

    @property
    def remaining_steps(self) -> int:
        """How many scripted steps have not been used yet."""
        return len(self._steps)

    def enqueue(self, step: ModelStepResult) -> None:
        """Append one step to the script."""
        self._steps.append(_coerce_step(step, 0))

    def extend(self, steps: Iterable[ModelStepResult]) -> None:
        """Append several steps to the script."""
        self._steps.extend([_coerce_step(step, index) for index, step in enumerate(steps)])

    def set_default_usage(self, usage: Usage | None) -> None:
        """Usage reported by steps that do not give their own."""
        self._default_usage = usage

    def assert_complete(self) -> None:
        """Raise `UnconsumedModelSteps` if some steps were never used."""
        if self._steps:
            raise UnconsumedModelSteps(
                f"{len(self._steps)} scripted model step(s) were not used.",
                remaining_steps=len(self._steps),
            )

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
        call = self._record(
            system_instructions, input, model_settings, tools, output_schema, handoffs,
            tracing, previous_response_id, conversation_id, prompt, streamed=False,
        )  # fmt: skip
        number = len(self._calls)
        step = await self._take_step(call)
        if step.error is not None:
            raise step.error
        return self._response(step, number)

    def get_retry_advice(self, request: Any) -> Any:
        """The `retry_advice` of the step whose error is being retried."""
        return self._retry_advice

    async def stream_response(
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
    ) -> AsyncIterator[dict[str, Any]]:
        """Stream the step's reply as Responses-API events: text arrives word by word.

        A step with both `output` and `error` streams its output, then raises the error
        instead of completing (a stream cut off mid-way).
        """
        call = self._record(
            system_instructions, input, model_settings, tools, output_schema, handoffs,
            tracing, previous_response_id, conversation_id, prompt, streamed=True,
        )  # fmt: skip
        number = len(self._calls)
        step = await self._take_step(call)
        if step.error is not None and not step.output:
            raise step.error
        if step.stream_events is not None:
            for event in step.stream_events:
                yield event
            return
        for event in response_stream_events(self._response(step, number).to_response_json()):
            if step.error is not None and event["type"] == "response.completed":
                raise step.error
            yield event

    def _record(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchema | None,
        handoffs: list[Any],
        tracing: ModelTracing,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
        *,
        streamed: bool,
    ) -> ModelCall:
        call = ModelCall(
            system_instructions=system_instructions,
            input=ItemHelpers.input_to_new_input_list(input),
            model_settings=model_settings,
            tools=list(tools),
            output_schema=output_schema,
            handoffs=list(handoffs),
            tracing=tracing,
            previous_response_id=previous_response_id,
            conversation_id=conversation_id,
            prompt=prompt,
            streamed=streamed,
        )
        self._calls.append(call)
        return call

    async def _take_step(self, call: ModelCall) -> ModelStep:
        """The next step for `call`, after its `wait_for` / `delay`."""
        step = await self._next_step(call, len(self._calls) - 1)
        self._retry_advice = step.retry_advice
        if step.wait_for is not None:
            await step.wait_for.wait()
        if step.delay is not None:
            await anyio.sleep(step.delay)
        return step

    def _response(self, step: ModelStep, number: int) -> ModelResponse:
        usage = step.usage
        if usage == Usage():
            usage = self._default_usage if self._default_usage is not None else Usage(requests=1)
        return ModelResponse(
            output=list(step.output),
            usage=replace(usage, request_usage_entries=list(usage.request_usage_entries)),
            response_id=step.response_id or f"resp_scripted_{number}",
            request_id=step.request_id,
            raw_usage=step.raw_usage,
        )

    async def _next_step(self, call: ModelCall, call_index: int) -> ModelStep:
        if not self._steps:
            raise UnexpectedModelCall(
                f"Unexpected model call #{call_index + 1}: no scripted steps remain.",
                call=call,
                call_index=call_index,
            )
        step = self._steps.popleft()
        while step.responder is not None:
            result = step.responder(call)
            if inspect.isawaitable(result):
                result = await result
            step = _coerce_step(result, 0)
        return step


def _coerce_step(step: Any, index: int) -> ModelStep:
    if isinstance(step, ModelStep):
        return step
    if isinstance(step, ModelResponse):
        return ModelStep(
            output=step.output,
            usage=step.usage,
            response_id=step.response_id,
            request_id=step.request_id,
        )
    if isinstance(step, Exception):
        return ModelStep(error=step)
    if isinstance(step, str):
        return ModelStep(output=[assistant_message(step)])
    if isinstance(step, Mapping):
        unknown = sorted(set(step) - _STEP_FIELDS)
        if unknown:
            raise InvalidModelStep(
                f"Step {index} has unsupported fields {unknown}; a dict step takes the fields "
                f"of ModelStep: {sorted(_STEP_FIELDS)}. To reply with one output item, "
                "wrap it in a list.",
                input_index=index,
            )
        return ModelStep(**step)
    if isinstance(step, Sequence) and all(_is_item(item) for item in step):
        return ModelStep(output=list(step))
    raise InvalidModelStep(
        f"Step {index} is a {type(step).__name__}; expected a ModelStep, a dict of its fields, "
        "a ModelResponse, a list of output items, an exception or a string.",
        input_index=index,
    )


def _is_item(value: Any) -> bool:
    return isinstance(value, Mapping) or callable(getattr(value, "model_dump", None))


def _as_json(value: Any) -> dict[str, Any]:
    """An item or event as a plain dict (the openai SDK's pydantic objects are dumped)."""
    if isinstance(value, Mapping):
        return dict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        data: dict[str, Any] = dump(exclude_none=True, mode="json")
        return data
    raise InvalidModelStep(f"{value!r} is not an output item (a dict)", input_index=0)


def assistant_message(text: str, *, item_id: str = "scripted-message") -> TResponseOutputItem:
    """An assistant message output item with `text`."""
    return {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def function_call(
    name: str,
    arguments: str | Mapping[str, Any],
    *,
    call_id: str,
    item_id: str | None = None,
    namespace: str | None = None,
) -> TResponseOutputItem:
    """A function-call output item: the model asks to call tool `name` with `arguments`
    (`namespace`: of a tool loaded by tool search; a deferred top-level tool's is its name)."""
    item: TResponseOutputItem = {
        "type": "function_call",
        "id": call_id if item_id is None else item_id,
        "call_id": call_id,
        "name": name,
        "arguments": arguments
        if isinstance(arguments, str)
        else json.dumps(arguments, separators=(",", ":")),
        "status": "completed",
    }
    if namespace is not None:
        item["namespace"] = namespace
    return item


def handoff_call(
    agent: Agent[Any] | str,
    arguments: str | Mapping[str, Any] | None = None,
    *,
    call_id: str,
) -> TResponseOutputItem:
    """A function call to the default handoff tool of `agent` (`transfer_to_<name>`)."""
    name = agent if isinstance(agent, str) else agent.name
    return function_call(handoff_tool_name(name), arguments or {}, call_id=call_id)
