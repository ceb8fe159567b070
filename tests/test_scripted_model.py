"""`ScriptedModel`: every step form, responders, timing controls, recorded calls, script errors."""

from __future__ import annotations

from typing import Any, cast

import anyio
import pytest

from structagents import (
    Agent,
    ModelResponse,
    ModelSettings,
    ModelTracing,
    Runner,
    Usage,
    function_tool,
)
from structagents.testing import (
    InvalidModelStep,
    ModelCall,
    ModelScriptError,
    ModelStep,
    ScriptedModel,
    UnconsumedModelSteps,
    UnexpectedModelCall,
    assistant_message,
    function_call,
)


async def ask(
    model: ScriptedModel,
    input: str | list[dict[str, Any]] = "hi",
    *,
    system_instructions: str | None = None,
) -> ModelResponse:
    """Call the model directly, the way the run loop does."""
    return await model.get_response(
        system_instructions,
        input,
        ModelSettings(),
        [],
        None,
        [],
        ModelTracing.DISABLED,
        previous_response_id=None,
        conversation_id=None,
        prompt=None,
    )


def texts(response: ModelResponse) -> list[str]:
    return [part["text"] for item in response.to_input_items() for part in item.get("content", ())]


@function_tool
def lookup(key: str) -> str:
    return f"value of {key}"


# --- step forms -----------------------------------------------------------------------------


async def test_string_step_is_an_assistant_message() -> None:
    model = ScriptedModel(["hello there"])
    response = await ask(model)
    assert response.to_input_items() == [assistant_message("hello there")]
    assert response.to_input_items()[0]["role"] == "assistant"


async def test_string_step_is_the_final_output_of_a_run() -> None:
    model = ScriptedModel(["hello there"])
    result = await Runner.run(Agent(name="a", model=model), "hi")
    assert result.final_output == "hello there"
    model.assert_complete()


@pytest.mark.parametrize("container", [list, tuple])
async def test_list_of_output_items_step(container: Any) -> None:
    items = [
        assistant_message("checking", item_id="m1"),
        function_call("lookup", {"key": "k"}, call_id="c1"),
    ]
    model = ScriptedModel([container(items)])
    response = await ask(model)
    assert response.to_input_items() == items


async def test_list_step_drives_tool_calls_in_a_run() -> None:
    model = ScriptedModel([[function_call("lookup", {"key": "k"}, call_id="c1")], "done"])
    result = await Runner.run(Agent(name="a", model=model, tools=[lookup]), "hi")
    assert result.final_output == "done"
    assert model.calls[1].input[-1]["output"] == "value of k"


async def test_empty_list_step_is_a_reply_with_no_output() -> None:
    model = ScriptedModel([[]])
    response = await ask(model)
    assert response.to_input_items() == []


async def test_model_step_sets_every_response_field() -> None:
    usage = Usage(requests=1, input_tokens=11, output_tokens=4, total_tokens=15)
    model = ScriptedModel(
        [
            ModelStep(
                output=[assistant_message("hi")],
                usage=usage,
                response_id="resp_a",
                request_id="req_a",
            )
        ]
    )
    response = await ask(model)
    assert response.to_input_items() == [assistant_message("hi")]
    assert response.usage == usage
    assert response.response_id == "resp_a"
    assert response.request_id == "req_a"


async def test_dict_spec_takes_model_step_fields() -> None:
    model = ScriptedModel(
        [
            {
                "output": [assistant_message("from a dict")],
                "usage": Usage(requests=1, input_tokens=3),
                "response_id": "resp_dict",
            }
        ]
    )
    response = await ask(model)
    assert texts(response) == ["from a dict"]
    assert response.usage.input_tokens == 3
    assert response.response_id == "resp_dict"


async def test_model_response_step_is_replayed_as_given() -> None:
    given = ModelResponse(
        output=[assistant_message("canned")],
        usage=Usage(requests=1, output_tokens=9),
        response_id="resp_given",
        request_id="req_given",
    )
    model = ScriptedModel([given])
    response = await ask(model)
    assert response.to_input_items() == given.to_input_items()
    assert response.usage.output_tokens == 9
    assert (response.response_id, response.request_id) == ("resp_given", "req_given")


async def test_model_response_step_without_usage_counts_one_request() -> None:
    model = ScriptedModel([ModelResponse(output=[assistant_message("x")])])
    response = await ask(model)
    assert response.usage == Usage(requests=1)
    assert response.response_id is None  # the ModelResponse's own id, even when None


async def test_default_response_id_is_the_reference_sdks() -> None:
    model = ScriptedModel(["a", ModelStep(response_id="own"), ModelStep(response_id=None)])
    ids = [(await ask(model)).response_id for _ in range(3)]
    assert ids == ["resp-789", "own", None]


@pytest.mark.parametrize(
    "make_step",
    [
        lambda error: error,
        lambda error: ModelStep.raise_error(error),
        lambda error: ModelStep(error=error),
        lambda error: {"error": error},
    ],
    ids=["exception", "raise_error", "model-step", "dict"],
)
async def test_exception_steps_raise_that_exception(make_step: Any) -> None:
    error = ConnectionError("provider down")
    model = ScriptedModel([make_step(error), "after"])
    with pytest.raises(ConnectionError) as info:
        await ask(model)
    assert info.value is error
    # The failing step is used up; the next call takes the next step.
    assert texts(await ask(model)) == ["after"]
    assert len(model.calls) == 2


async def test_exception_step_fails_a_run_unwrapped() -> None:
    error = ConnectionError("provider down")
    model = ScriptedModel([error])
    with pytest.raises(ConnectionError) as info:
        await Runner.run(Agent(name="a", model=model), "hi")
    assert info.value is error
    assert type(info.value) is ConnectionError


# --- responders -----------------------------------------------------------------------------


async def test_sync_responder_sees_the_recorded_call() -> None:
    seen: list[ModelCall] = []

    def echo(call: ModelCall) -> str:
        seen.append(call)
        return f"you said {call.input[-1]['content']}"

    model = ScriptedModel([ModelStep.respond(echo)])
    result = await Runner.run(Agent(name="a", model=model, instructions="Be brief."), "ping")
    assert result.final_output == "you said ping"
    assert seen == [model.calls[0]]
    assert seen[0].system_instructions == "Be brief."


async def test_async_responder() -> None:
    async def reply(call: ModelCall) -> list[dict[str, Any]]:
        await anyio.lowlevel.checkpoint()
        return [assistant_message(f"{len(call.input)} items")]

    model = ScriptedModel([ModelStep.respond(reply)])
    response = await ask(
        model, [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]
    )
    assert texts(response) == ["2 items"]


async def test_responder_in_a_dict_spec() -> None:
    model = ScriptedModel([{"responder": lambda call: "from dict responder"}])
    assert texts(await ask(model)) == ["from dict responder"]


@pytest.mark.parametrize(
    ("reply", "expected_text"),
    [
        (lambda call: ModelStep(output=[assistant_message("step")], response_id="r9"), "step"),
        (lambda call: {"output": [assistant_message("dict")]}, "dict"),
        (lambda call: ModelResponse(output=[assistant_message("resp")]), "resp"),
        (lambda call: ModelStep.respond(lambda inner: "chained"), "chained"),
    ],
    ids=["model-step", "dict", "model-response", "chained-responder"],
)
async def test_responder_may_return_any_step_form(reply: Any, expected_text: str) -> None:
    model = ScriptedModel([ModelStep.respond(reply)])
    assert texts(await ask(model)) == [expected_text]


async def test_responder_returning_an_exception_raises_it() -> None:
    error = TimeoutError("slow provider")
    model = ScriptedModel([ModelStep.respond(lambda call: error)])
    with pytest.raises(TimeoutError) as info:
        await ask(model)
    assert info.value is error


async def test_responder_returning_an_invalid_step_fails_the_call() -> None:
    model = ScriptedModel([ModelStep.respond(lambda call: cast(Any, 42))])
    with pytest.raises(InvalidModelStep, match="is a int"):
        await ask(model)


async def test_responder_can_branch_on_tool_output() -> None:
    def after_tool(call: ModelCall) -> str:
        return f"the tool said: {call.input[-1]['output']}"

    model = ScriptedModel(
        [[function_call("lookup", {"key": "x"}, call_id="c1")], ModelStep.respond(after_tool)]
    )
    result = await Runner.run(Agent(name="a", model=model, tools=[lookup]), "hi")
    assert result.final_output == "the tool said: value of x"


# --- wait_for and delay ---------------------------------------------------------------------


async def test_wait_for_holds_the_call_until_the_event_is_set() -> None:
    release = anyio.Event()
    model = ScriptedModel([ModelStep(output=[assistant_message("late")], wait_for=release)])
    replies: list[ModelResponse] = []

    async def call() -> None:
        replies.append(await ask(model))

    async with anyio.create_task_group() as tg:
        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        assert len(model.calls) == 1  # the call is recorded and in flight
        assert replies == []
        release.set()
    assert [texts(reply) for reply in replies] == [["late"]]


async def test_raise_error_waits_for_its_event_first() -> None:
    release = anyio.Event()
    model = ScriptedModel([ModelStep.raise_error(ConnectionError("gone"), wait_for=release)])
    events: list[str] = []

    async def call() -> None:
        with pytest.raises(ConnectionError):
            await ask(model)
        events.append("raised")

    async with anyio.create_task_group() as tg:
        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        events.append("released")
        release.set()
    assert events == ["released", "raised"]


async def test_responder_step_may_wait_for_an_event() -> None:
    entered = anyio.Event()
    release = anyio.Event()

    def held(call: ModelCall) -> ModelStep:
        entered.set()
        return ModelStep(output=[assistant_message("held")], wait_for=release)

    model = ScriptedModel([ModelStep.respond(held)])
    results: list[str] = []

    async def run() -> None:
        result = await Runner.run(Agent(name="a", model=model), "hi")
        results.append(result.final_output)

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        await entered.wait()
        await anyio.wait_all_tasks_blocked()
        assert results == []
        release.set()
    assert results == ["held"]


async def test_delay_sleeps_before_replying(anyio_backend_name: str) -> None:
    # On trio the tests' MockClock jumps ahead, so an hour-long delay costs nothing.
    delay = 3600.0 if anyio_backend_name == "trio" else 0.02
    model = ScriptedModel([ModelStep(output=[assistant_message("slow")], delay=delay)])
    start = anyio.current_time()
    response = await ask(model)
    elapsed = anyio.current_time() - start
    assert texts(response) == ["slow"]
    assert elapsed >= delay * 0.75  # allow for the event loop clock's resolution


async def test_shorter_delay_replies_first() -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[assistant_message("slow")], delay=0.05),
            ModelStep(output=[assistant_message("fast")], delay=0.01),
        ]
    )
    order: list[str] = []

    async def call() -> None:
        order.extend(texts(await ask(model)))

    # Whichever task takes which step, the one holding the shorter delay replies first.
    async with anyio.create_task_group() as tg:
        tg.start_soon(call)
        tg.start_soon(call)
    assert order == ["fast", "slow"]


async def test_delayed_call_can_be_cancelled() -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("never")], delay=30)])
    replies: list[ModelResponse] = []
    with anyio.move_on_after(0.01) as scope:
        replies.append(await ask(model))
    assert scope.cancelled_caught
    assert replies == []
    assert len(model.calls) == 1
    assert model.remaining_steps == 0


# --- recorded calls -------------------------------------------------------------------------


async def test_calls_record_what_the_run_sent() -> None:
    model = ScriptedModel([[function_call("lookup", {"key": "k"}, call_id="c1")], "done"])
    agent = Agent(
        name="a",
        model=model,
        instructions="You look things up.",
        tools=[lookup],
        model_settings=ModelSettings(temperature=0.25),
    )
    unused = ScriptedModel()
    assert unused.first_call is None
    assert unused.last_call is None

    await Runner.run(agent, "find k")

    assert len(model.calls) == 2
    first, second = model.calls
    assert model.first_call == first
    assert model.last_call == second
    for call in (first, second):
        assert call.system_instructions == "You look things up."
        assert [tool.name for tool in call.tools] == ["lookup"]
        assert call.tools[0] is lookup
        assert call.model_settings.temperature == 0.25
        assert call.output_schema is None
        assert call.handoffs == []
        assert call.streamed is False
        assert call.previous_response_id is None
    # Each call's input is a snapshot of the history at that moment.
    assert first.input == [{"role": "user", "content": "find k"}]
    assert [item.get("type", "user") for item in second.input] == [
        "user",
        "function_call",
        "function_call_output",
    ]
    assert second.input[2] == {
        "type": "function_call_output",
        "call_id": "c1",
        "output": "value of k",
    }


async def test_recorded_output_schema_for_structured_agents() -> None:
    model = ScriptedModel(['{"response": 3}'])
    await Runner.run(Agent(name="a", model=model, output_type=int), "count")
    schema = model.calls[0].output_schema
    assert schema is not None
    assert schema.json_schema()["required"] == ["response"]


async def test_recorded_string_input_and_instructions_from_a_direct_call() -> None:
    model = ScriptedModel(["ok"])
    await ask(model, "raw string", system_instructions="sys")
    call = model.calls[0]
    # A string input is recorded the way the run would send it: as one user message.
    assert call.input == [{"role": "user", "content": "raw string"}]
    assert call.system_instructions == "sys"
    assert call.tracing is ModelTracing.DISABLED


async def test_calls_is_a_read_only_snapshot() -> None:
    model = ScriptedModel(["a", "b"])
    await ask(model)
    before = model.calls
    await ask(model)
    assert isinstance(before, tuple)
    assert len(before) == 1
    assert len(model.calls) == 2


# --- running out, leftovers, invalid steps --------------------------------------------------


async def test_call_after_the_script_is_used_up_is_unexpected() -> None:
    model = ScriptedModel(["only"])
    await ask(model)
    with pytest.raises(UnexpectedModelCall, match="#2") as info:
        await ask(model, "again")
    assert isinstance(info.value, ModelScriptError)
    assert info.value.call_index == 1
    assert info.value.call.input == [{"role": "user", "content": "again"}]
    assert info.value.call == model.calls[1]


async def test_unexpected_call_fails_a_run_unwrapped() -> None:
    model = ScriptedModel([[function_call("lookup", {"key": "k"}, call_id="c1")]])
    with pytest.raises(UnexpectedModelCall) as info:
        await Runner.run(Agent(name="a", model=model, tools=[lookup]), "hi")
    assert type(info.value) is UnexpectedModelCall
    assert info.value.call_index == 1
    assert info.value.call.input[-1]["output"] == "value of k"


async def test_assert_complete_reports_unused_steps() -> None:
    model = ScriptedModel(["a", "b", "c"])
    assert model.remaining_steps == 3
    await ask(model)
    assert model.remaining_steps == 2
    with pytest.raises(UnconsumedModelSteps, match="2 scripted model step") as info:
        model.assert_complete()
    assert info.value.remaining_steps == 2
    assert isinstance(info.value, ModelScriptError)

    await ask(model)
    await ask(model)
    model.assert_complete()
    assert model.remaining_steps == 0


def test_empty_script_is_complete() -> None:
    ScriptedModel().assert_complete()
    ScriptedModel([]).assert_complete()


@pytest.mark.parametrize(
    "bad_step",
    [
        42,
        None,
        object(),
        ValueError,  # an exception class, not an instance
        [assistant_message("ok"), "not an item"],
        b"bytes",
    ],
    ids=["int", "none", "object", "exception-class", "mixed-list", "bytes"],
)
def test_steps_that_cannot_be_understood_are_rejected_with_their_index(bad_step: Any) -> None:
    with pytest.raises(InvalidModelStep, match=r"step #2 (is a|holds)") as info:
        ScriptedModel(["fine", bad_step, "also fine"])
    assert info.value.input_index == 1
    assert isinstance(info.value, ModelScriptError)


def test_dict_step_with_unknown_fields_is_rejected() -> None:
    with pytest.raises(InvalidModelStep, match=r"unsupported fields \['text'\]") as info:
        ScriptedModel(["fine", "fine", {"text": "hello"}])
    assert info.value.input_index == 2


def test_bare_output_item_as_a_step_says_to_wrap_it_in_a_list() -> None:
    with pytest.raises(InvalidModelStep, match="wrap it in a list") as info:
        ScriptedModel([assistant_message("forgot the list")])
    assert info.value.input_index == 0


# --- usage ----------------------------------------------------------------------------------


async def test_each_call_counts_one_request_by_default() -> None:
    model = ScriptedModel(
        [
            [function_call("lookup", {"key": "a"}, call_id="c1")],
            [function_call("lookup", {"key": "b"}, call_id="c2")],
            "done",
        ]
    )
    result = await Runner.run(Agent(name="a", model=model, tools=[lookup]), "hi")
    assert result.usage.requests == 3
    assert result.usage.input_tokens == 0
    assert result.usage.request_usage_entries == []  # no tokens: no entry, as in the reference
    assert [response.usage.requests for response in result.raw_responses] == [1, 1, 1]


async def test_default_usage_applies_to_steps_without_their_own() -> None:
    default = Usage(requests=1, input_tokens=10, output_tokens=2, total_tokens=12)
    own = Usage(requests=1, input_tokens=100, output_tokens=1, total_tokens=101)
    model = ScriptedModel(
        [[function_call("lookup", {"key": "a"}, call_id="c1")], ModelStep(output=[], usage=own)],
        default_usage=default,
    )
    result = await Runner.run(Agent(name="a", model=model, tools=[lookup]), "hi")
    assert result.usage.requests == 2
    assert result.usage.input_tokens == 110
    assert result.usage.total_tokens == 113
    # The run adds usage up in its own object; the scripted usages are not changed.
    assert default == Usage(requests=1, input_tokens=10, output_tokens=2, total_tokens=12)


async def test_set_default_usage_changes_later_calls() -> None:
    model = ScriptedModel(["a", "b", "c"])
    assert (await ask(model)).usage == Usage(requests=1)
    model.set_default_usage(Usage(requests=1, input_tokens=5))
    assert (await ask(model)).usage.input_tokens == 5
    model.set_default_usage(None)
    assert (await ask(model)).usage == Usage(requests=1)


# --- enqueue and extend ---------------------------------------------------------------------


async def test_enqueue_and_extend_append_to_the_script() -> None:
    model = ScriptedModel()
    model.enqueue("first")
    model.extend(["second", [assistant_message("third")]])
    model.enqueue(ModelStep(output=[assistant_message("fourth")]))
    assert model.remaining_steps == 4
    replies = [texts(await ask(model)) for _ in range(4)]
    assert replies == [["first"], ["second"], ["third"], ["fourth"]]
    model.assert_complete()


async def test_steps_can_be_added_between_runs() -> None:
    model = ScriptedModel(["one"])
    agent = Agent(name="a", model=model)
    assert (await Runner.run(agent, "hi")).final_output == "one"
    model.enqueue("two")
    assert (await Runner.run(agent, "hi")).final_output == "two"
    assert len(model.calls) == 2


def test_enqueue_rejects_an_invalid_step() -> None:
    model = ScriptedModel()
    with pytest.raises(InvalidModelStep):
        model.enqueue(3.5)  # type: ignore[arg-type]
    assert model.remaining_steps == 0


def test_extend_reports_the_index_of_the_invalid_step() -> None:
    model = ScriptedModel()
    with pytest.raises(InvalidModelStep) as info:
        model.extend(["ok", "ok", cast(Any, 7)])
    assert info.value.input_index == 2


def test_failed_extend_leaves_the_script_unchanged() -> None:
    model = ScriptedModel(["existing"])
    with pytest.raises(InvalidModelStep):
        model.extend(["ok", cast(Any, 7)])
    assert model.remaining_steps == 1


def test_handoff_call_names_the_default_handoff_tool() -> None:
    from structagents import Agent
    from structagents.testing import handoff_call

    item = handoff_call(Agent(name="Billing Desk"), {"reason": "refund"}, call_id="h1")
    assert item["type"] == "function_call"
    assert item["name"] == "transfer_to_billing_desk"
    assert item["arguments"] == '{"reason":"refund"}'
    assert handoff_call("triage", call_id="h2")["name"] == "transfer_to_triage"


async def test_reference_sdk_forms_are_accepted() -> None:
    from openai.types.responses import (
        ResponseFunctionToolCall,
        ResponseOutputMessage,
        ResponseOutputText,
    )

    from structagents import Agent, Runner, function_tool

    @function_tool
    def ping() -> str:
        return "pong"

    typed_call = ResponseFunctionToolCall(
        type="function_call", call_id="c1", name="ping", arguments="{}", id="fc_1"
    )
    typed_message = ResponseOutputMessage(
        id="msg_1",
        type="message",
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text="done", annotations=[])],
    )
    model = ScriptedModel(
        [[typed_call], {"output": [typed_message], "raw_usage": {"x": 1}}],
        emit_traces=False,
    )
    result = await Runner.run(Agent(name="a", model=model, tools=[ping]), "go")
    assert result.final_output == "done"
    assert model.calls[1].input[1]["name"] == "ping"
    assert ModelStep.raise_error(ValueError("x"), retry_advice=None).error is not None


async def test_stream_events_are_streamed_verbatim() -> None:
    from structagents import Agent, RawResponsesStreamEvent, open_run

    events = [
        {"type": "response.output_text.delta", "delta": "Hel"},
        {"type": "response.output_text.delta", "delta": "lo"},
        {
            "type": "response.completed",
            "response": {"id": "r1", "output": [assistant_message("Hello")]},
        },
    ]
    model = ScriptedModel([ModelStep.stream(events)])
    async with open_run(Agent(name="a", model=model), "hi") as stream:
        raw = [
            e.data_dict for e in [e async for e in stream] if isinstance(e, RawResponsesStreamEvent)
        ]
    assert raw == events
    assert stream.result.final_output == "Hello"
