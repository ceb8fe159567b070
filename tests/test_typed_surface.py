"""Typed at the surface, plain inside: the reference SDK's idioms over the SDK's objects.

Stream event `data`, `RunItem.raw_item` and `ModelResponse.output` read as the `openai` SDK's
typed objects (as in the reference); history, sessions and `to_input_list()` stay JSON dicts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openai import AsyncOpenAI
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseReasoningItem,
    ResponseTextDeltaEvent,
)

from structagents import (
    Agent,
    ItemHelpers,
    MemorySession,
    MessageOutputItem,
    Model,
    ModelResponse,
    OpenAIResponsesModel,
    RawResponsesStreamEvent,
    ReasoningItem,
    RunItemStreamEvent,
    Runner,
    ToolCallItem,
    ToolCallOutputItem,
    Usage,
    function_tool,
)
from structagents.testing import FakeOpenAIServer, ScriptedModel, assistant_message, function_call


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)  # real sockets: trio on its real clock


@function_tool
def how_many_jokes() -> int:
    """How many jokes to tell."""
    return 3


def joker(model: Any) -> Agent[Any]:
    return Agent(
        name="Joker",
        instructions="First call the `how_many_jokes` tool, then tell that many jokes.",
        model=model,
        tools=[how_many_jokes],
    )


JOKES = "One. Two. Three."


async def test_reference_streaming_idioms_over_http() -> None:
    """The reference docs' two streaming loops, unchanged but for `async with`.

    (mypy cannot narrow `event.item` by its `type` here: our `RunItem` is a base class where
    the reference's is a union, hence the two ignores.)
    """
    steps = [[function_call("how_many_jokes", {}, call_id="call_1")], JOKES]
    async with FakeOpenAIServer(steps=steps) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
            agent = joker(OpenAIResponsesModel("gpt-test", openai_client=client))
            printed: list[str] = []
            seen: list[str] = []
            async with Runner.run_streamed(agent, input="Hello") as result:
                async for event in result.stream_events():
                    if event.type == "raw_response_event" and isinstance(
                        event.data, ResponseTextDeltaEvent
                    ):
                        printed.append(event.data.delta)
                    elif event.type == "run_item_stream_event":
                        if event.item.type == "tool_call_item":
                            seen.append(f"call {event.item.raw_item.name}")
                            seen.append(f"args {event.item.raw_item.arguments}")
                        elif event.item.type == "tool_call_output_item":
                            seen.append(f"output {event.item.output}")  # type: ignore[attr-defined]
                        elif event.item.type == "message_output_item":
                            seen.append(ItemHelpers.text_message_output(event.item))  # type: ignore[arg-type]

    assert "".join(printed) == JOKES
    assert len(printed) > 1
    assert seen == ["call how_many_jokes", "args {}", "output 3", JOKES]
    completed = [r.output for r in result.raw_responses]
    assert isinstance(completed[0][0], ResponseFunctionToolCall)
    assert isinstance(completed[1][0], ResponseOutputMessage)
    assert result.final_output == JOKES


async def test_the_seeds_streaming_and_item_idioms_inside_async_with(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The seeds' examples (000: print every event, then the final output; 002: the message
    text of each message item), unchanged inside `async with`. Seed 002 writes
    `event.item.content[0].text`, which neither SDK has: the reference's item keeps it on
    `raw_item`, as here."""
    my_agent = joker(ScriptedModel([[function_call("how_many_jokes", {}, call_id="c1")], JOKES]))
    async with Runner.run_streamed(my_agent, input="Hello, agent!") as streamed_result:
        async for event in streamed_result.stream_events():
            print(event)
    print(streamed_result.final_output)
    printed = capsys.readouterr().out
    assert "ResponseTextDeltaEvent(" in printed
    assert "RunItemStreamEvent(name='tool_called'" in printed
    assert printed.endswith(f"{JOKES}\n")

    agent = joker(ScriptedModel([[function_call("how_many_jokes", {}, call_id="c1")], JOKES]))
    async with Runner.run_streamed(agent, "Hello") as result:
        async for event in result.stream_events():
            if isinstance(event, RunItemStreamEvent):
                if isinstance(event.item, MessageOutputItem):
                    print(event.item.raw_item.content[0].text)
                elif isinstance(event.item, ToolCallItem):
                    print(event.item.raw_item.name, event.item.raw_item.arguments)
    assert capsys.readouterr().out == f"how_many_jokes {{}}\n{JOKES}\n"


async def test_typed_objects_equal_what_validation_makes() -> None:
    """Flat events and items are built shallowly (no validation): they must be the objects
    `model_validate` would make from the same JSON, nested ones too."""
    steps = [[function_call("how_many_jokes", {}, call_id="call_1")], JOKES]
    async with FakeOpenAIServer(steps=steps) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
            agent = joker(OpenAIResponsesModel("gpt-test", openai_client=client))
            events: list[RawResponsesStreamEvent] = []
            async with Runner.run_streamed(agent, input="Hello") as result:
                async for event in result.stream_events():
                    if isinstance(event, RawResponsesStreamEvent):
                        events.append(event)
    kinds = {type(event.data).__name__ for event in events}
    assert {"ResponseTextDeltaEvent", "ResponseFunctionCallArgumentsDeltaEvent"} <= kinds
    for event in events:
        assert event.data == type(event.data).model_validate(event.data_dict), event.data_dict
        assert event.data.model_dump(mode="json", exclude_unset=True) == event.data_dict
    for item in result.new_items[:1] + result.new_items[-1:]:
        assert item.raw_item == type(item.raw_item).model_validate(item.raw_item_dict)

    bare = ToolCallItem(Agent(name="a"), {"type": "function_call", "call_id": "c", "name": "f"})
    assert isinstance(bare.raw_item, ResponseFunctionToolCall)
    assert (bare.raw_item.name, bare.raw_item.id, bare.raw_item.status) == ("f", None, None)
    assert bare.raw_item.model_dump(exclude_unset=True) == bare.raw_item_dict


async def test_stream_event_data_is_typed_and_data_dict_is_the_json() -> None:
    model = ScriptedModel(["Hi there"])
    kinds: list[type] = []
    dicts: list[dict[str, Any]] = []
    async with Runner.run_streamed(Agent(name="a", model=model), "hi") as result:
        async for event in result.stream_events():
            if isinstance(event, RawResponsesStreamEvent):
                kinds.append(type(event.data))
                dicts.append(event.data_dict)
                assert event.data is event.data  # built once
                assert event.data.type == event.data_dict["type"]
    assert ResponseTextDeltaEvent in kinds
    assert kinds[-1] is ResponseCompletedEvent
    assert "".join(d["delta"] for d in dicts if d["type"] == "response.output_text.delta") == (
        "Hi there"
    )
    json.dumps(dicts)  # plain JSON


async def test_items_and_responses_are_typed_history_stays_plain() -> None:
    reasoning = {"type": "reasoning", "id": "rs_1", "summary": []}
    model = ScriptedModel(
        [
            [reasoning, function_call("how_many_jokes", {}, call_id="c1")],
            [assistant_message(JOKES)],
        ]
    )
    session = MemorySession()
    result = await Runner.run(joker(model), "Hello", session=session)

    reasoning_item, call, output, message = result.new_items
    assert isinstance(reasoning_item, ReasoningItem)
    assert isinstance(reasoning_item.raw_item, ResponseReasoningItem)
    assert isinstance(call, ToolCallItem)
    assert isinstance(call.raw_item, ResponseFunctionToolCall)
    assert (call.raw_item.name, call.raw_item.call_id) == ("how_many_jokes", "c1")
    assert (call.tool_name, call.call_id) == ("how_many_jokes", "c1")
    assert isinstance(output, ToolCallOutputItem)
    assert output.raw_item == {"type": "function_call_output", "call_id": "c1", "output": "3"}
    assert isinstance(message, MessageOutputItem)
    assert isinstance(message.raw_item, ResponseOutputMessage)
    assert isinstance(message.raw_item.content[0], ResponseOutputText)
    assert ItemHelpers.extract_last_text(message.raw_item) == JOKES
    assert ItemHelpers.text_message_outputs(result.new_items) == JOKES
    assert isinstance(result.raw_responses[0].output[1], ResponseFunctionToolCall)

    history = result.to_input_list()
    assert all(type(item) is dict for item in history)
    assert history[1:] == [item.to_input_item() for item in result.new_items]
    assert history[2] == function_call("how_many_jokes", {}, call_id="c1")
    json.dumps(history)
    stored = await session.get_items()
    assert stored == history
    # The model saw dicts too.
    assert model.calls[1].input[1:] == history[1:4]


class ReferenceStyleModel(Model):
    """A model written for the reference SDK: it returns and streams the SDK's objects."""

    def __init__(self) -> None:
        self.inputs: list[Any] = []

    def _message(self) -> ResponseOutputMessage:
        text = ResponseOutputText(type="output_text", text="typed hi", annotations=[])
        return ResponseOutputMessage(
            id="m1", type="message", role="assistant", status="completed", content=[text]
        )

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        self.inputs.append(args[1])
        return ModelResponse(output=[self._message()], usage=Usage(requests=1), response_id="r1")

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        from openai.types.responses import Response

        self.inputs.append(args[1])
        yield ResponseTextDeltaEvent(
            type="response.output_text.delta",
            delta="typed hi",
            item_id="m1",
            output_index=0,
            content_index=0,
            sequence_number=1,
            logprobs=[],
        )
        response = Response.model_construct(
            id="r1", object="response", status="completed", output=[self._message()]
        )
        yield ResponseCompletedEvent(
            type="response.completed", response=response, sequence_number=2
        )


async def test_a_model_returning_sdk_objects_runs_and_history_is_plain() -> None:
    model = ReferenceStyleModel()
    session = MemorySession()
    agent = Agent(name="a", model=model)
    result = await Runner.run(agent, "hi", session=session)
    assert result.final_output == "typed hi"
    assert type(result.to_input_list()[1]) is dict
    assert result.to_input_list()[1]["content"][0]["text"] == "typed hi"

    deltas: list[str] = []
    async with Runner.run_streamed(agent, "again", session=session) as streamed:
        async for event in streamed.stream_events():
            if event.type == "raw_response_event" and isinstance(
                event.data, ResponseTextDeltaEvent
            ):
                deltas.append(event.data_dict["delta"])
    assert deltas == ["typed hi"]
    assert streamed.final_output == "typed hi"
    stored = await session.get_items()
    assert all(type(item) is dict for item in stored)
    json.dumps(stored)
    assert all(type(item) is dict for item in model.inputs[1])


def test_runs_nobody_inspects_never_build_typed_objects() -> None:
    """A streamed run read through the plain paths never imports openai (so builds nothing)."""
    code = textwrap.dedent(
        """
        import sys, anyio
        from structagents import Agent, Runner
        from structagents.testing import ScriptedModel, function_call

        async def main():
            model = ScriptedModel([[function_call("f", {}, call_id="c")], "done"])
            from structagents import function_tool
            @function_tool
            def f() -> str:
                return "ok"
            agent = Agent(name="a", model=model, tools=[f])
            text = []
            async with Runner.run_streamed(agent, "hi") as result:
                async for event in result.stream_events():
                    if event.type == "raw_response_event":
                        if event.data_dict["type"] == "response.output_text.delta":
                            text.append(event.data_dict["delta"])
                    elif event.type == "run_item_stream_event":
                        event.item.to_input_item()
            assert "".join(text) == "done", text
            result.to_input_list()
            assert "openai" not in sys.modules, "the run imported openai"

        anyio.run(main)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


def test_sdk_objects_given_to_items_are_kept_and_dumped_once() -> None:
    agent = Agent(name="a")
    call = ResponseFunctionToolCall(type="function_call", call_id="c", name="g", arguments="{}")
    item = ToolCallItem(agent=agent, raw_item=call)
    assert item.raw_item is call
    assert item.to_input_item() == {
        "type": "function_call",
        "call_id": "c",
        "name": "g",
        "arguments": "{}",
    }
    assert item.raw_item_dict is item.to_input_item()
    response = ModelResponse(output=[call], usage=Usage(), response_id=None)
    assert response.output == [call]
    assert response.to_input_items() == [item.to_input_item()]
    unknown = {"type": "some_future_item", "x": 1}
    assert MessageOutputItem(agent, unknown).raw_item == unknown  # unknown kinds stay dicts
