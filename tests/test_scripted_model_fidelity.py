"""`ScriptedModel` as the reference SDK's: calls recorded as they were made, steps checked and
copied when queued, the reference's default response id, raw usage and retry advice scoped."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any, cast

import anyio
import pytest

from structagents import (
    Agent,
    ModelBehaviorError,
    ModelRetryAdvice,
    ModelRetryAdviceRequest,
    ModelSettings,
    ModelTracing,
    Runner,
    Usage,
    function_tool,
    open_run,
)
from structagents.testing import (
    InvalidModelStep,
    ModelCall,
    ModelStep,
    ScriptedModel,
    UnexpectedModelCall,
    assistant_message,
    function_call,
)


def call_args(settings: ModelSettings | None = None, input: Any = ()) -> tuple[Any, ...]:
    return (None, list(input), settings or ModelSettings(), [], None, [], ModelTracing.DISABLED)


NO_IDS: dict[str, Any] = {"previous_response_id": None, "conversation_id": None, "prompt": None}


@function_tool
def lookup(key: str) -> str:
    return f"value of {key}"


async def test_each_call_records_the_input_and_settings_it_was_given() -> None:
    settings = ModelSettings(temperature=0.1, extra_args={"provider": {"mode": "first"}})
    model = ScriptedModel([[function_call("lookup", {"key": "k"}, call_id="c1")], "done"])
    agent = Agent(name="a", model=model, tools=[lookup], model_settings=settings)
    result = await Runner.run(agent, "find k")

    first, second = model.calls
    assert first.input == [{"role": "user", "content": "find k"}]  # not the grown history
    assert [item.get("type") for item in second.input] == [
        None,
        "function_call",
        "function_call_output",
    ]
    assert first.model_settings == settings
    assert first.model_settings is not settings
    assert result.raw_responses[0].response_id == "resp-789"  # the reference's default id

    # What the caller does with its objects afterwards does not reach the record.
    history = result.to_input_list()
    history[0]["content"] = "changed"
    assert settings.extra_args is not None
    settings.extra_args["provider"]["mode"] = "changed"
    assert model.calls[0].input[0]["content"] == "find k"
    assert model.calls[0].model_settings.extra_args == {"provider": {"mode": "first"}}


async def test_recorded_calls_are_handed_out_as_copies() -> None:
    model = ScriptedModel(["done"])
    prompt: dict[str, Any] = {"id": "pmpt_1", "variables": {"topic": "first"}}
    item: dict[str, Any] = {"role": "user", "content": [{"type": "input_text", "text": "first"}]}
    await model.get_response(*call_args(input=[item]), previous_response_id=None,
                             conversation_id=None, prompt=prompt)  # fmt: skip
    item["content"][0]["text"] = "second"
    prompt["variables"]["topic"] = "second"

    handed_out = model.calls[0]
    handed_out.input[0]["content"][0]["text"] = "changed"
    handed_out.tools.clear()
    for call in (model.calls[0], model.first_call, model.last_call):
        assert call is not None
        assert call.input[0]["content"][0]["text"] == "first"
        assert call.prompt == {"id": "pmpt_1", "variables": {"topic": "first"}}
    assert model.calls[0] is not model.calls[0]


async def test_a_call_whose_arguments_cannot_be_copied_is_not_recorded() -> None:
    failure = RuntimeError("cannot copy")

    class Uncopyable:
        def __deepcopy__(self, memo: dict[int, Any]) -> Any:
            raise failure

    used: list[ModelCall] = []

    def respond(call: ModelCall) -> str:
        used.append(call)
        return "unused"

    model = ScriptedModel([ModelStep.respond(respond)])
    settings = ModelSettings(extra_args={"x": Uncopyable()})
    with pytest.raises(RuntimeError) as info:
        await model.get_response(*call_args(settings), **NO_IDS)
    assert info.value is failure
    assert model.calls == ()
    assert model.remaining_steps == 1
    assert used == []


async def test_an_unexpected_call_carries_a_copy_of_the_call() -> None:
    model = ScriptedModel()
    with pytest.raises(UnexpectedModelCall, match="non-streaming model call #1") as info:
        await Runner.run(Agent(name="a", model=model), "hi")
    info.value.call.input[0]["content"] = "changed"
    assert model.calls[0].input == [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(
    ("step", "reason"),
    [
        ({"unknown": True}, "unsupported_field"),
        ({"error": "not an exception"}, "invalid_error"),
        ({"responder": "not callable"}, "invalid_responder"),
        ({"stream_events": 1}, "invalid_stream_events"),
        ({"error": RuntimeError("x"), "responder": lambda call: []}, "conflicting_outcomes"),
        ({"output": 5}, "invalid_input"),
        ({"output": ["not an item"]}, "invalid_input"),
        ({"usage": {"requests": 1}}, "invalid_input"),
        ({"response_id": 1}, "invalid_input"),
        ({"raw_usage": []}, "invalid_input"),
        ({"delay": -1}, "invalid_input"),
        ({"retry_advice": ModelRetryAdvice(suggested=True)}, "invalid_retry_advice"),
        ({"error": RuntimeError("x"), "retry_advice": "not advice"}, "invalid_retry_advice"),
        (42, "invalid_input"),
    ],
)
def test_an_invalid_step_is_rejected_when_queued(step: Any, reason: str) -> None:
    model = ScriptedModel(["kept"])
    with pytest.raises(InvalidModelStep, match=r"^Scripted model step #2 ") as info:
        model.extend(["fine", step])
    assert (info.value.reason, info.value.input_index) == (reason, 1)
    assert model.remaining_steps == 1  # nothing of the failed extend was queued
    with pytest.raises(InvalidModelStep, match=r"step #1 "):
        ScriptedModel([step])


async def test_steps_are_copied_when_queued() -> None:
    message = assistant_message("before")
    usage = Usage(requests=2, input_tokens=3, total_tokens=3)
    raw_usage = {"provider": {"cached_tokens": 1}}
    step = ModelStep(output=[message], usage=usage, response_id="r1", raw_usage=raw_usage)
    model = ScriptedModel([step, step])
    message["content"][0]["text"] = "after"
    usage.requests = 99
    raw_usage["provider"]["cached_tokens"] = 99
    step.response_id = "r2"

    settings = ModelSettings(preserve_raw_usage=True)
    for _ in range(2):
        response = await model.get_response(*call_args(settings), **NO_IDS)
        assert response.to_input_items()[0]["content"][0]["text"] == "before"
        assert response.usage == Usage(requests=2, input_tokens=3, total_tokens=3)
        assert (response.response_id, response.raw_usage) == (
            "r1",
            {"provider": {"cached_tokens": 1}},
        )
        response.to_input_items()[0]["content"][0]["text"] = "changed by the run"


@pytest.mark.parametrize("preserve", [None, False, True])
async def test_raw_usage_is_reported_only_when_the_settings_preserve_it(preserve: Any) -> None:
    model = ScriptedModel([{"output": "done", "raw_usage": {"provider": {"tokens": 3}}}])
    response = await model.get_response(
        *call_args(ModelSettings(preserve_raw_usage=preserve)), **NO_IDS
    )
    assert response.raw_usage == ({"provider": {"tokens": 3}} if preserve else None)


async def test_default_usage_is_copied_and_counts_one_request() -> None:
    default = Usage(requests=1, input_tokens=2, total_tokens=2)
    model = ScriptedModel(["a", "b"], default_usage=default)
    default.input_tokens = 50
    first = await model.get_response(*call_args(), **NO_IDS)
    first.usage.input_tokens = 70
    second = await model.get_response(*call_args(), **NO_IDS)
    assert second.usage == Usage(requests=1, input_tokens=2, total_tokens=2)


async def test_retry_advice_belongs_to_the_error_it_was_scripted_with() -> None:
    error = RuntimeError("failed")
    advice = ModelRetryAdvice(suggested=True, replay_safety="safe")

    def raise_same_error(call: ModelCall) -> ModelStep:
        raise error

    model = ScriptedModel([ModelStep.raise_error(error, retry_advice=advice),
                           ModelStep.respond(raise_same_error), "unused"])  # fmt: skip
    advice.suggested = False  # copied when queued
    request = ModelRetryAdviceRequest(error=error, attempt=1, stream=False)
    with pytest.raises(RuntimeError):
        await model.get_response(*call_args(), **NO_IDS)
    given = model.get_retry_advice(request)
    assert given is not None
    assert given.suggested is True
    given.suggested = False
    assert cast(ModelRetryAdvice, model.get_retry_advice(request)).suggested is True
    other = ModelRetryAdviceRequest(error=RuntimeError("other"), attempt=1, stream=False)
    assert model.get_retry_advice(other) is None
    with pytest.raises(RuntimeError):  # the same error, from a responder: no stale advice
        await model.get_response(*call_args(), **NO_IDS)
    assert model.get_retry_advice(request) is None


async def test_a_string_output_is_an_assistant_message() -> None:
    model = ScriptedModel([ModelStep(output="hello"), {"output": "from a dict"}])
    agent = Agent(name="a", model=model)
    assert (await Runner.run(agent, "hi")).final_output == "hello"
    assert (await Runner.run(agent, "hi")).final_output == "from a dict"
    assert ModelStep(output="x").output == [assistant_message("x")]


async def test_a_stream_factory_is_streamed_and_closed_with_the_run() -> None:
    closed = anyio.Event()
    completed = {"type": "response.completed",
                 "response": {"id": "r1", "output": [assistant_message("exact")]}}  # fmt: skip

    async def events(call: ModelCall) -> AsyncIterator[dict[str, Any]]:
        assert call.streamed
        try:
            yield {"type": "response.output_text.delta", "delta": "exact"}
            yield completed
        finally:
            closed.set()

    step = ModelStep.stream(events)
    assert step.stream_events is events
    async with open_run(Agent(name="a", model=ScriptedModel([step])), "hi") as run:
        seen = [event.type async for event in run.stream_events()]
    assert run.final_output == "exact"
    assert "raw_response_event" in seen
    assert closed.is_set()

    # Closing the model's stream early closes the factory's stream too.
    closed = anyio.Event()
    model = ScriptedModel([ModelStep.stream(events)])
    stream = cast(Any, model.stream_response(*call_args(), **NO_IDS))
    assert (await stream.__anext__())["delta"] == "exact"
    await stream.aclose()
    assert closed.is_set()


def test_an_exact_event_list_is_frozen() -> None:
    events = [{"type": "response.completed", "response": {"id": "r", "output": []}}]
    step = ModelStep.stream(events)
    events.clear()
    assert step.stream_events == (
        {"type": "response.completed", "response": {"id": "r", "output": []}},
    )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"call_id": ""}, "non-empty string call ID"),
        ({"id": 123}, "non-empty string item ID"),
        ({"status": "invalid"}, "in_progress"),
    ],
)
async def test_apply_patch_calls_are_checked_as_the_reference_does(change: Any, match: str) -> None:
    item = {"type": "apply_patch_call", "call_id": "c1",
            "operation": {"type": "delete_file", "path": "x.txt"}}  # fmt: skip
    ok = await ScriptedModel([[item]]).get_response(*call_args(), **NO_IDS)
    assert ok.to_input_items()[0]["id"] == "c1"  # an item id defaults to the call id
    with pytest.raises((ModelBehaviorError, ValueError), match=match):
        await ScriptedModel([[{**copy.deepcopy(item), **change}]]).get_response(
            *call_args(), **NO_IDS
        )
