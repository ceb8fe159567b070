"""`ScriptedModel`: a model that replays a script of replies and records every call."""

from __future__ import annotations

import contextlib
import copy
import inspect
import json
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import anyio
from pydantic import TypeAdapter

from .._items import ItemHelpers, TResponseInputItem, TResponseOutputItem
from .._naming import handoff_tool_name
from .._usage import Usage
from ..exceptions import ModelBehaviorError
from ..models.interface import Model, ModelResponse, ModelTracing
from ._model_steps import (
    InvalidModelStep,
    ModelScriptError,
    ModelStep,
    ModelStepResult,
    ModelStepSpec,
    as_json,
    assistant_message,
    coerce_step,
)
from ._response_events import response_stream_events

if TYPE_CHECKING:
    from .._agent import Agent
    from .._output_schema import AgentOutputSchemaBase
    from .._retry import ModelRetryAdvice, ModelRetryAdviceRequest
    from .._tools import Tool
    from ..models.settings import ModelSettings

__all__ = [
    "InvalidModelStep",
    "ModelCall",
    "ModelScriptError",
    "ModelStep",
    "ModelStepResult",
    "ModelStepSpec",
    "ScriptedModel",
    "UnconsumedModelSteps",
    "UnexpectedModelCall",
    "assistant_message",
    "function_call",
    "handoff_call",
]


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
    output_schema: AgentOutputSchemaBase | None
    handoffs: list[Any]
    tracing: ModelTracing
    previous_response_id: str | None
    conversation_id: str | None
    prompt: Any | None
    streamed: bool


class ScriptedModel(Model):
    """A deterministic model for testing agents: each call takes the next scripted step.

    A step is a `ModelStep`, a dict of its fields (`ModelStepSpec`), a `ModelResponse`, a list
    of output items, an exception to raise, or a string (an assistant message with that text).
    Steps are checked when given (`InvalidModelStep`). Every call is recorded in `calls` as the
    model received it: later changes to the run's history or settings do not reach the record.

        model = ScriptedModel([
            [function_call("get_weather", {"city": "Paris"}, call_id="c1")],
            "It is sunny in Paris.",
        ])
    """

    borrows_input = True  # every call records (and hands its step) a deep copy

    def __init__(
        self,
        steps: Iterable[ModelStepResult] = (),
        *,
        default_usage: Usage | None = None,
        emit_traces: bool = False,
    ) -> None:
        """`emit_traces` is accepted for code written for the reference SDK, and ignored."""
        self._steps: deque[ModelStep] = deque(
            coerce_step(step, index) for index, step in enumerate(steps)
        )
        self._default_usage = copy.deepcopy(default_usage)
        self._calls: list[ModelCall] = []
        self._retry_advice: dict[int, tuple[Exception, ModelRetryAdvice]] = {}

    @property
    def calls(self) -> tuple[ModelCall, ...]:
        """Every call made so far, in order (copies: changing them changes no record)."""
        return tuple(_snapshot(call) for call in self._calls)

    @property
    def first_call(self) -> ModelCall | None:
        return _snapshot(self._calls[0]) if self._calls else None

    @property
    def last_call(self) -> ModelCall | None:
        return _snapshot(self._calls[-1]) if self._calls else None

    @property
    def remaining_steps(self) -> int:
        """How many scripted steps have not been used yet."""
        return len(self._steps)

    def enqueue(self, step: ModelStepResult) -> None:
        """Append one step to the script."""
        self._steps.append(coerce_step(step, 0))

    def extend(self, steps: Iterable[ModelStepResult]) -> None:
        """Append several steps to the script (none of them if one is invalid)."""
        self._steps.extend([coerce_step(step, index) for index, step in enumerate(steps)])

    def set_default_usage(self, usage: Usage | None) -> None:
        """Usage reported by steps that do not give their own."""
        self._default_usage = copy.deepcopy(usage)

    def assert_complete(self) -> None:
        """Raise `UnconsumedModelSteps` if some steps were never used."""
        if self._steps:
            raise UnconsumedModelSteps(
                f"{len(self._steps)} scripted model step(s) were not used.",
                remaining_steps=len(self._steps),
            )

    def get_retry_advice(self, request: ModelRetryAdviceRequest) -> ModelRetryAdvice | None:
        """The `retry_advice` of the step that raised exactly `request.error` (a copy)."""
        scripted = self._retry_advice.get(id(request.error))
        if scripted is None or scripted[0] is not request.error:
            return None
        return copy.deepcopy(scripted[1])

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
        call = self._record(
            system_instructions, input, model_settings, tools, output_schema, handoffs,
            tracing, previous_response_id, conversation_id, prompt, streamed=False,
        )  # fmt: skip
        step = await self._take_step(call)
        if step.error is not None:
            raise step.error
        return _response(step, call.model_settings)

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
        """Stream the step's reply as Responses-API events: text arrives word by word.

        A step with both `output` and `error` streams its output, then raises the error
        instead of completing (a stream cut off mid-way).
        """
        call = self._record(
            system_instructions, input, model_settings, tools, output_schema, handoffs,
            tracing, previous_response_id, conversation_id, prompt, streamed=True,
        )  # fmt: skip
        step = await self._take_step(call)
        events = step.stream_events
        if step.error is not None and not step.output:
            raise step.error
        if callable(events):
            async with contextlib.aclosing(_factory_events(events(call))) as stream:
                async for event in stream:
                    yield event
            return
        if events is not None:
            for event in events:
                yield copy.deepcopy(event)
            return
        reply = _response(step, call.model_settings).to_response_json()
        for event in response_stream_events(reply):
            if step.error is not None and event["type"] == "response.completed":
                raise step.error
            yield event

    def _record(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Any],
        tracing: ModelTracing,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
        *,
        streamed: bool,
    ) -> ModelCall:
        """Record the call as it is now, and return a copy for the step to use (copied first:
        a call whose arguments cannot be copied raises and is not recorded)."""
        call = ModelCall(
            system_instructions=system_instructions,
            input=copy.deepcopy(ItemHelpers.input_to_new_input_list(input)),
            model_settings=copy.deepcopy(model_settings),
            tools=list(tools),
            output_schema=output_schema,
            handoffs=list(handoffs),
            tracing=tracing,
            previous_response_id=previous_response_id,
            conversation_id=conversation_id,
            prompt=copy.deepcopy(prompt),
            streamed=streamed,
        )
        execution_call = _snapshot(call)
        self._calls.append(call)
        return execution_call

    async def _take_step(self, call: ModelCall) -> ModelStep:
        """The next step for `call`, after its `wait_for` / `delay`; a step raising an error
        leaves its `retry_advice` for `get_retry_advice`."""
        try:
            step = await self._next_step(call, len(self._calls) - 1)
        except Exception as error:  # a responder raised: no stale advice for that error
            self._retry_advice.pop(id(error), None)
            raise
        if step.error is not None:
            if step.retry_advice is None:
                self._retry_advice.pop(id(step.error), None)
            else:
                self._retry_advice[id(step.error)] = (step.error, step.retry_advice)
        if step.wait_for is not None:
            await step.wait_for.wait()
        if step.delay is not None:
            await anyio.sleep(step.delay)
        return step

    async def _next_step(self, call: ModelCall, call_index: int) -> ModelStep:
        if not self._steps:
            mode = "streaming" if call.streamed else "non-streaming"
            raise UnexpectedModelCall(
                f"Unexpected {mode} model call #{call_index + 1}: no scripted steps remain.",
                call=call,
                call_index=call_index,
            )
        step = self._steps.popleft()
        while step.responder is not None:
            result = step.responder(call)
            if inspect.isawaitable(result):
                result = await result
            step = coerce_step(result, 0)
        if step.usage == Usage():
            usage = self._default_usage if self._default_usage is not None else Usage(requests=1)
            step = replace(step, usage=copy.deepcopy(usage))
        return step


def _response(step: ModelStep, settings: ModelSettings) -> ModelResponse:
    """The step's reply, in fresh objects (the step may be replayed by a retry)."""
    return ModelResponse(
        output=[_reply_item(item) for item in step.output],
        usage=copy.deepcopy(step.usage),
        response_id=step.response_id,
        request_id=step.request_id,
        raw_usage=copy.deepcopy(step.raw_usage) if settings.preserve_raw_usage is True else None,
    )


_PATCH_STATUS: TypeAdapter[str] = TypeAdapter(Literal["in_progress", "completed"])


def _reply_item(item: dict[str, Any]) -> dict[str, Any]:
    """A fresh copy of an output item; an `apply_patch_call` is checked as a model's would be
    (the reference SDK's checks: a call id, an item id when given, a valid status)."""
    item = copy.deepcopy(item)
    if item.get("type") != "apply_patch_call":
        return item
    call_id = item.get("call_id")
    if not isinstance(call_id, str) or not call_id:
        raise ModelBehaviorError(
            "Tool invocations require a non-empty string call ID before execution."
        )
    item_id = item.setdefault("id", call_id)
    if not isinstance(item_id, str) or not item_id:
        raise ModelBehaviorError(
            "Apply-patch tool calls require a non-empty string item ID when provided."
        )
    _PATCH_STATUS.validate_python(item.setdefault("status", "completed"))
    return item


async def _factory_events(stream: AsyncIterator[Any]) -> AsyncGenerator[dict[str, Any], None]:
    """The events of a step's stream factory as dicts; the stream is closed when this one ends,
    is closed or is cancelled (a failing close does not hide the error that ended it)."""
    try:
        async for event in stream:
            yield as_json(event)
    except BaseException:
        with contextlib.suppress(Exception):
            await _aclose(stream)
        raise
    await _aclose(stream)


async def _aclose(stream: AsyncIterator[Any]) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        with anyio.CancelScope(shield=True):
            await aclose()


def _snapshot(call: ModelCall) -> ModelCall:
    """A copy of `call` whose input, settings and lists can be changed without effect."""
    return replace(
        call,
        input=copy.deepcopy(call.input),
        model_settings=copy.deepcopy(call.model_settings),
        tools=list(call.tools),
        handoffs=list(call.handoffs),
        prompt=copy.deepcopy(call.prompt),
    )


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
