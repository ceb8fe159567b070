"""`FakeOpenAIServer`: real loopback HTTP, driven by the official openai client and raw httpx.

Every reply is checked against the openai SDK's own pydantic types, on asyncio and trio. Trio
runs with its real clock here: an autojumping MockClock jumps to the next deadline whenever
every task waits on the kernel's socket buffers, so real network I/O would time out at once.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import h11
import httpx
import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

from structagents import Usage
from structagents.testing import (
    FakeOpenAIServer,
    Fault,
    ModelCall,
    ModelStep,
    RecordedRequest,
    assistant_message,
    function_call,
)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


STREAM_EVENT = TypeAdapter[Any](ResponseStreamEvent)
# The openai SDK stops reading a chat stream at `[DONE]` without closing its inner async
# generators; trio warns when they are garbage collected (asyncio finalises them silently).
OPENAI_CHAT_STREAM_ON_TRIO = pytest.mark.filterwarnings("ignore:Async generator:ResourceWarning")


def openai_client(server: FakeOpenAIServer, *, max_retries: int = 0) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key="test", max_retries=max_retries)


async def sse_data(response: httpx.Response) -> AsyncIterator[tuple[str | None, str]]:
    """(event name, data) of each SSE frame of `response`."""
    event: str | None = None
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield event, line.removeprefix("data: ")
            event = None


async def wait_until(condition: Any) -> None:
    """Poll `condition` (a server counter: nothing to wait on) for up to two seconds."""
    with anyio.fail_after(2):
        while not condition():  # noqa: ASYNC110
            await anyio.sleep(0.01)


# -- Responses API ---------------------------------------------------------------------------


async def test_responses_reply_validates_as_an_openai_response() -> None:
    usage = Usage(requests=1, input_tokens=5, output_tokens=7, total_tokens=12)
    steps = [
        ModelStep(
            output=[
                {"type": "message", "content": [{"type": "output_text", "text": "Hi"}]},
                {"type": "function_call", "name": "lookup", "arguments": {"q": "x"}},
            ],
            usage=usage,
            response_id="resp_1",
        )
    ]
    async with FakeOpenAIServer(steps) as server, httpx.AsyncClient() as http:
        reply = await http.post(f"{server.base_url}/responses", json={"model": "m", "input": "x"})
    assert reply.status_code == 200
    response = Response.model_validate(reply.json())
    assert response.id == "resp_1"
    assert response.model == "m"
    assert response.output_text == "Hi"
    call = response.output[1]
    assert call.type == "function_call"
    assert (call.name, call.arguments) == ("lookup", '{"q":"x"}')
    assert call.call_id
    assert call.id
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (5, 7)
    assert response.usage.total_tokens == 12


async def test_openai_client_gets_text_and_function_calls() -> None:
    steps: list[Any] = [
        "Hello there.",
        [function_call("get_weather", {"city": "Paris"}, call_id="c1")],
    ]
    async with FakeOpenAIServer(steps) as server, openai_client(server) as client:
        first = await client.responses.create(model="gpt-test", input="Hi")
        second = await client.responses.create(model="gpt-test", input="Weather?")
    assert first.output_text == "Hello there."
    assert first.usage is not None
    assert first.usage.total_tokens == 0
    assert first._request_id == "req_fake_1"
    [call] = second.output
    assert call.type == "function_call"
    assert (call.call_id, call.name, call.arguments) == ("c1", "get_weather", '{"city":"Paris"}')
    assert server.remaining_steps == 0


async def test_responses_stream_events_validate_and_rebuild_the_reply() -> None:
    step = [assistant_message("Streaming is fun"), function_call("f", {}, call_id="c1")]
    async with FakeOpenAIServer([step]) as server, httpx.AsyncClient() as http:
        body = {"model": "m", "input": "x", "stream": True}
        async with http.stream("POST", f"{server.base_url}/responses", json=body) as reply:
            assert reply.headers["content-type"].startswith("text/event-stream")
            frames = [(name, json.loads(data)) async for name, data in sse_data(reply)]
    events = [STREAM_EVENT.validate_python(data) for _, data in frames]
    assert all(name == data["type"] for name, data in frames)
    assert events[0].type == "response.created"
    assert events[-1].type == "response.completed"
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert deltas == ["Streaming ", "is ", "fun"]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert events[-1].response.output[1].type == "function_call"


async def test_openai_client_iterates_a_responses_stream() -> None:
    async with FakeOpenAIServer(["one two three"]) as server, openai_client(server) as client:
        stream = await client.responses.create(model="m", input="Hi", stream=True)
        events = [event async for event in stream]
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "one two three"
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == "one two three"


# -- Chat Completions ------------------------------------------------------------------------


async def test_chat_completion_carries_text_tool_calls_and_usage() -> None:
    usage = Usage(requests=1, input_tokens=3, output_tokens=4, total_tokens=7)
    output = [assistant_message("Let me check."), function_call("f", {"a": 1}, call_id="c1")]
    async with FakeOpenAIServer([{"output": output, "usage": usage}, "Done."]) as server:
        async with openai_client(server) as client:
            messages: Any = [{"role": "user", "content": "hi"}]
            first = await client.chat.completions.create(model="m", messages=messages)
            second = await client.chat.completions.create(model="m", messages=messages)
    assert first.object == "chat.completion"
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Let me check."
    assert choice.message.tool_calls is not None
    [tool_call] = choice.message.tool_calls
    assert tool_call.type == "function"
    assert (tool_call.id, tool_call.function.name, tool_call.function.arguments) == (
        "c1",
        "f",
        '{"a":1}',
    )
    assert first.usage is not None
    assert (first.usage.prompt_tokens, first.usage.completion_tokens) == (3, 4)
    assert first.usage.total_tokens == 7
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.content == "Done."


async def test_chat_completion_json_validates() -> None:
    async with FakeOpenAIServer(["ok"]) as server, httpx.AsyncClient() as http:
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        reply = await http.post(f"{server.base_url}/chat/completions", json=body)
    completion = ChatCompletion.model_validate(reply.json())
    assert completion.choices[0].message.content == "ok"
    assert completion.usage is not None
    assert completion.usage.total_tokens == 0


async def test_chat_stream_chunks_validate_and_end_with_done() -> None:
    output = [assistant_message("Hi there"), function_call("f", {"a": 1}, call_id="c1")]
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    async with FakeOpenAIServer([output]) as server, httpx.AsyncClient() as http:
        async with http.stream("POST", f"{server.base_url}/chat/completions", json=body) as reply:
            frames = [data async for _, data in sse_data(reply)]
    assert frames[-1] == "[DONE]"
    chunks = [ChatCompletionChunk.model_validate_json(data) for data in frames[:-1]]
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hi there"
    tool_deltas = [d for c in chunks if c.choices for d in c.choices[0].delta.tool_calls or ()]
    assert tool_deltas[0].id == "c1"
    assert tool_deltas[0].function is not None
    assert tool_deltas[0].function.name == "f"
    assert "".join(d.function.arguments or "" for d in tool_deltas if d.function) == '{"a":1}'
    assert chunks[-2].choices[0].finish_reason == "tool_calls"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None


@OPENAI_CHAT_STREAM_ON_TRIO
async def test_openai_client_iterates_a_chat_stream() -> None:
    async with FakeOpenAIServer(["word by word"]) as server, openai_client(server) as client:
        stream = await client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        chunks = [chunk async for chunk in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "word by word"
    assert chunks[-1].choices[0].finish_reason == "stop"


# -- Requests, responders, script -------------------------------------------------------------


async def test_requests_are_recorded_in_order_whatever_the_endpoint() -> None:
    async with FakeOpenAIServer(["a", "b"]) as server, openai_client(server) as client:
        await client.responses.create(model="m", input="first", instructions="Be brief.")
        await client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "second"}], temperature=0.5
        )
    first, second = server.requests
    assert isinstance(first, RecordedRequest)
    assert (first.method, first.path) == ("POST", "/v1/responses")
    assert first.body == {"model": "m", "input": "first", "instructions": "Be brief."}
    assert first.headers["authorization"] == "Bearer test"
    assert first.headers["content-type"] == "application/json"
    assert second.path == "/v1/chat/completions"
    assert second.body["messages"] == [{"role": "user", "content": "second"}]
    assert second.body["temperature"] == 0.5


async def test_a_responder_sees_the_request_as_a_model_call() -> None:
    calls: list[ModelCall] = []

    def echo(call: ModelCall) -> str:
        calls.append(call)
        return f"echo: {call.input[-1]['content']}"

    async with FakeOpenAIServer() as server, openai_client(server) as client:
        server.extend([ModelStep.respond(echo), ModelStep.respond(echo)])
        reply = await client.responses.create(model="m", input="ping", instructions="sys")
        chat = await client.chat.completions.create(
            model="m",
            messages=[
                {"role": "system", "content": "be nice"},
                {"role": "user", "content": "pong"},
            ],
        )
    assert reply.output_text == "echo: ping"
    assert chat.choices[0].message.content == "echo: pong"
    assert calls[0].system_instructions == "sys"
    assert calls[0].input == [{"role": "user", "content": "ping"}]
    assert calls[1].system_instructions == "be nice"
    assert calls[1].input == [{"role": "user", "content": "pong"}]


async def test_running_out_of_script_replies_500_and_records_the_request() -> None:
    async with FakeOpenAIServer(["only one"]) as server, openai_client(server) as client:
        await client.responses.create(model="m", input="1")
        with pytest.raises(openai.InternalServerError, match="script ran out"):
            await client.responses.create(model="m", input="2")
    assert len(server.requests) == 2


async def test_unknown_paths_get_404() -> None:
    async with FakeOpenAIServer(["unused"]) as server, httpx.AsyncClient() as http:
        reply = await http.get(f"{server.base_url}/models")
    assert reply.status_code == 404
    assert "error" in reply.json()
    assert server.remaining_steps == 1


# -- Faults ----------------------------------------------------------------------------------


async def test_a_429_is_retried_by_the_openai_client() -> None:
    steps: list[Any] = [
        Fault.http_error(429, "Slow down", headers={"retry-after-ms": "1"}),
        "Finally.",
    ]
    async with FakeOpenAIServer(steps) as server, openai_client(server, max_retries=2) as client:
        reply = await client.responses.create(model="m", input="Hi")
    assert reply.output_text == "Finally."
    assert len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body


async def test_a_500_surfaces_as_internal_server_error() -> None:
    steps = [Fault.http_error(500, "Boom")]
    async with FakeOpenAIServer(steps) as server, openai_client(server) as client:
        with pytest.raises(openai.InternalServerError, match="Boom") as caught:
            await client.responses.create(model="m", input="Hi")
    assert caught.value.status_code == 500
    assert caught.value.body == {
        "message": "Boom",
        "type": "server_error",
        "param": None,
        "code": None,
    }


async def test_a_step_error_replies_500() -> None:
    async with FakeOpenAIServer([RuntimeError("model exploded")]) as server:
        async with openai_client(server) as client:
            with pytest.raises(openai.InternalServerError, match="model exploded"):
                await client.chat.completions.create(model="m", messages=[])


async def test_a_cut_stream_raises_instead_of_hanging() -> None:
    steps = [Fault.cut_stream(after_events=2, then="never finished text")]
    received: list[str] = []
    with anyio.fail_after(5):
        async with FakeOpenAIServer(steps) as server, openai_client(server) as client:
            stream = await client.responses.create(model="m", input="Hi", stream=True)
            with pytest.raises(openai.APIConnectionError):
                async for event in stream:
                    received.append(event.type)
    assert received == ["response.created", "response.output_item.added"]
    assert server.disconnects == 0


async def test_a_streamed_step_error_sends_the_output_then_breaks() -> None:
    step = ModelStep(output=[assistant_message("partial")], error=RuntimeError("broken"))
    received: list[str] = []
    with anyio.fail_after(5):
        async with FakeOpenAIServer([step]) as server, openai_client(server) as client:
            stream = await client.responses.create(model="m", input="Hi", stream=True)
            with pytest.raises(openai.APIConnectionError):
                async for event in stream:
                    received.append(event.type)
    assert received[-1] == "response.output_item.done"


async def test_a_cut_non_streaming_request_gets_no_response() -> None:
    steps = [Fault.cut_stream(after_events=0, then="unsent")]
    with anyio.fail_after(5):
        async with FakeOpenAIServer(steps) as server, openai_client(server) as client:
            with pytest.raises(openai.APIConnectionError):
                await client.responses.create(model="m", input="Hi")


async def test_a_client_hanging_up_during_a_delay_is_counted() -> None:
    async with FakeOpenAIServer([Fault.delay(30, then="too late"), "next"]) as server:
        async with openai_client(server) as client:
            with anyio.move_on_after(0.2) as scope:
                await client.responses.create(model="m", input="Hi")
            assert scope.cancelled_caught
            await wait_until(lambda: server.disconnects == 1)
            reply = await client.responses.create(model="m", input="again")
    assert reply.output_text == "next"
    assert server.disconnects == 1


async def test_a_client_leaving_mid_stream_is_counted() -> None:
    steps: list[Any] = [Fault.pause_stream(after_events=2, then="never read to the end"), "next"]
    async with FakeOpenAIServer(steps) as server, openai_client(server) as client:
        with anyio.fail_after(5):
            stream = await client.responses.create(model="m", input="Hi", stream=True)
            async with stream:
                received = [(await stream.__anext__()).type for _ in range(2)]
            await wait_until(lambda: server.disconnects == 1)
            reply = await client.responses.create(model="m", input="again")
    assert received == ["response.created", "response.output_item.added"]
    assert reply.output_text == "next"


async def test_a_paused_stream_resumes() -> None:
    steps = [Fault.pause_stream(after_events=3, seconds=0.01, then="all of it")]
    async with FakeOpenAIServer(steps) as server, openai_client(server) as client:
        stream = await client.responses.create(model="m", input="Hi", stream=True)
        events = [event async for event in stream]
    assert events[-1].type == "response.completed"
    assert server.disconnects == 0


async def test_a_delay_then_an_answer() -> None:
    async with FakeOpenAIServer([Fault.delay(0.01, then="waited")]) as server:
        async with openai_client(server) as client:
            reply = await client.responses.create(model="m", input="Hi")
    assert reply.output_text == "waited"
    assert server.disconnects == 0


# -- Connections and lifetime ----------------------------------------------------------------


async def test_concurrent_requests_are_served_on_several_connections() -> None:
    gate = anyio.Event()
    answers: dict[int, str] = {}
    async with FakeOpenAIServer() as server, openai_client(server) as client:
        server.extend(
            ModelStep(output=[assistant_message(f"r{i}")], wait_for=gate) for i in range(3)
        )

        async def ask(index: int) -> None:
            reply = await client.responses.create(model="m", input=f"q{index}")
            answers[index] = reply.output_text

        async with anyio.create_task_group() as task_group:
            for index in range(3):
                task_group.start_soon(ask, index)
            await wait_until(lambda: len(server.requests) == 3)  # all in flight at once
            gate.set()
    assert sorted(answers.values()) == ["r0", "r1", "r2"]


async def test_one_connection_carries_several_requests() -> None:
    async with FakeOpenAIServer(["first", "second"]) as server:
        port = int(server.base_url.split(":")[2].split("/")[0])
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            connection = h11.Connection(h11.CLIENT)
            bodies = [await exchange(stream, connection, i) for i in range(2)]
    texts = [Response.model_validate_json(body).output_text for body in bodies]
    assert texts == ["first", "second"]


async def exchange(stream: Any, connection: h11.Connection, index: int) -> bytes:
    """Send one request over `stream` with h11 and read its whole response body."""
    payload = json.dumps({"model": "m", "input": str(index)}).encode()
    headers = [("host", "127.0.0.1"), ("content-length", str(len(payload)))]
    for outgoing in (
        h11.Request(method="POST", target="/v1/responses", headers=headers),
        h11.Data(data=payload),
        h11.EndOfMessage(),
    ):
        await stream.send(connection.send(outgoing))
    body = b""
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            connection.receive_data(await stream.receive())
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            connection.start_next_cycle()
            return body


async def test_leaving_the_block_stops_serving() -> None:
    async with FakeOpenAIServer() as server:
        url = server.base_url
    with pytest.raises(OSError):
        await anyio.connect_tcp("127.0.0.1", int(url.split(":")[2].split("/")[0]))


async def test_leaving_the_block_cancels_a_reply_in_progress() -> None:
    errors: list[Exception] = []

    async def ask(client: openai.AsyncOpenAI) -> None:
        async with client:
            try:
                await client.responses.create(model="m", input="Hi")
            except openai.APIConnectionError as exc:
                errors.append(exc)

    with anyio.fail_after(5):
        async with anyio.create_task_group() as task_group:
            async with FakeOpenAIServer([Fault.delay(30, then="never")]) as server:
                task_group.start_soon(ask, openai_client(server))
                await wait_until(lambda: len(server.requests) == 1)
    assert len(errors) == 1
    assert server.disconnects == 0


def test_base_url_needs_a_running_server() -> None:
    with pytest.raises(RuntimeError, match="entered"):
        _ = FakeOpenAIServer().base_url


async def test_the_body_exception_is_not_wrapped_in_a_group() -> None:
    with pytest.raises(KeyError):
        async with FakeOpenAIServer():
            raise KeyError("mine")


# -- a chosen port, and echoing when unscripted ------------------------------------------------


async def test_echo_answers_each_unscripted_request_with_its_last_user_message() -> None:
    async with FakeOpenAIServer(steps=["scripted first"], echo=True) as server:
        async with openai_client(server) as client:
            first = await client.responses.create(model="m", input="ignored")
            assert first.output_text == "scripted first"
            items: Any = [
                {"role": "user", "content": "earlier"},
                {"role": "assistant", "content": "reply"},
                {"role": "user", "content": [{"type": "input_text", "text": "echo this"}]},
            ]
            echoed = await client.responses.create(model="m", input=items)
            assert echoed.output_text == "echo this"
            chat = await client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "chat echo"}]
            )
            assert chat.choices[0].message.content == "chat echo"
        assert server.remaining_steps == 0


async def test_the_server_listens_on_the_port_asked_for() -> None:
    async with FakeOpenAIServer() as probe:  # a port that was free a moment ago
        port = int(probe.base_url.rsplit(":", 1)[1].split("/")[0])
    async with FakeOpenAIServer(["on my port"], port=port) as server:
        assert server.base_url == f"http://127.0.0.1:{port}/v1"
        async with openai_client(server) as client:
            reply = await client.responses.create(model="m", input="hi")
        assert reply.output_text == "on my port"
