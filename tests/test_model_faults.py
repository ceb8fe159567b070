"""Malformed 200 replies and provider errors over real HTTP (FakeOpenAIServer), both APIs,
JSON and SSE: each is a `ModelProviderError` (or `ModelBehaviorError`) with its cause, and
a streamed run raises the same error as `Runner.run`. Real sockets: trio's real clock."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI

from structagents import (
    Agent,
    ModelBehaviorError,
    ModelConnectionError,
    ModelProviderError,
    OpenAIChatCompletionsModel,
    OpenAIProvider,
    OpenAIResponsesModel,
    Runner,
    open_run,
)
from structagents.models._openai_shared import DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT
from structagents.testing import FakeOpenAIServer, Fault


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def sse(*events: bytes | dict[str, Any]) -> bytes:
    return b"".join(
        b"data: " + (e if isinstance(e, bytes) else json.dumps(e).encode()) + b"\n\n"
        for e in events
    )


DEEP = b"[" * 50_000 + b"]" * 50_000
RESPONSE = {"id": "resp_1", "object": "response", "status": "completed"}
CHUNK = {"id": "chatcmpl-1", "object": "chat.completion.chunk"}
COMPLETION = {"id": "chatcmpl-1", "object": "chat.completion"}


def same(plain: bytes, streamed: bytes) -> dict[str, tuple[bytes, bytes]]:
    return {"resp": (plain, streamed), "chat": (plain, streamed)}


# fault name -> (plain body, SSE body) for each API
FAULTS: dict[str, dict[str, tuple[bytes, bytes]]] = {
    "invalid JSON": same(b'{"output": [', sse(b'{"type": "response.created", ')),
    "empty body": same(b"", b""),
    "deep nesting": same(DEEP, sse(DEEP)),
    "not UTF-8": same(b'{"id": "\xff\xfe"}', b'data: {"type": "x", "id": "\xff\xfe"}\n\n'),
    "wrong-shaped items": {
        "resp": (
            json.dumps({**RESPONSE, "output": [1, "text"]}).encode(),
            sse({"type": "response.completed", "response": {**RESPONSE, "output": [1]}}),
        ),
        "chat": (
            json.dumps({**COMPLETION, "choices": [{"message": "hi"}]}).encode(),
            sse({**CHUNK, "choices": [{"delta": {"tool_calls": [{"function": "f"}]}}]}),
        ),
    },
    "wrong-shaped fields": {
        "resp": (
            json.dumps({**RESPONSE, "output": [{"type": "function_call", "name": 3}]}).encode(),
            sse({"type": "response.completed", "response": {**RESPONSE, "output": "abc"}}),
        ),
        "chat": (
            json.dumps({**COMPLETION, "choices": "abc"}).encode(),
            sse({**CHUNK, "choices": [{"delta": {"content": ["not", "text"]}}]}),
        ),
    },
}


def make_agent(api: str, client: AsyncOpenAI) -> Agent[Any]:
    model_class = OpenAIResponsesModel if api == "resp" else OpenAIChatCompletionsModel
    return Agent(name="a", model=model_class("gpt-test", openai_client=client))


async def run_once(agent: Agent[Any], *, streamed: bool) -> Any:
    if not streamed:
        return await Runner.run(agent, "hi")
    async with open_run(agent, "hi") as stream:
        async for _ in stream:
            pass
    return stream.result


@pytest.mark.parametrize("api", ["resp", "chat"])
@pytest.mark.parametrize("streamed", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_malformed_200_reply_is_a_typed_error_with_its_cause(
    fault: str, streamed: bool, api: str
) -> None:
    plain, streamed_body = FAULTS[fault][api]
    body = streamed_body if streamed else plain
    async with FakeOpenAIServer([Fault.raw_body(body)]) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
            with pytest.raises((ModelProviderError, ModelBehaviorError)) as info:
                await run_once(make_agent(api, client), streamed=streamed)

    error = info.value
    if fault == "empty body" and streamed:
        # No event at all: nothing failed to parse, the stream simply never completed.
        assert "ended" in str(error)
    else:
        assert isinstance(error, ModelProviderError)
        assert error.__cause__ is not None, "the parsing or validation error is the cause"
    assert error.run_data is not None


@pytest.mark.parametrize("api", ["resp", "chat"])
async def test_a_streamed_provider_error_keeps_the_sdk_error_as_its_cause(api: str) -> None:
    errors = []
    for streamed in (False, True):
        async with FakeOpenAIServer([Fault.http_error(500, "server broke")]) as server:
            async with AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
                with pytest.raises(ModelProviderError) as info:
                    await run_once(make_agent(api, client), streamed=streamed)
        errors.append(info.value)

    for error in errors:
        assert isinstance(error.__cause__, openai.InternalServerError)
        assert error.status_code == 500
        assert error.request_id == "req_fake_1"
    plain, streamed_error = errors
    assert type(plain) is type(streamed_error)
    assert str(plain) == str(streamed_error)


def test_clients_we_create_have_a_bounded_request_timeout() -> None:
    model = OpenAIProvider(api_key="k", base_url="http://127.0.0.1:9/v1").get_model("m")
    assert isinstance(model, OpenAIResponsesModel)
    timeout = model.client.timeout
    assert isinstance(timeout, openai.Timeout)
    assert (timeout.read, timeout.write, timeout.connect) == (
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_CONNECT_TIMEOUT,
    )
    assert DEFAULT_REQUEST_TIMEOUT * (1 + model.client.max_retries) <= 600
    assert OpenAIProvider(api_key="k", timeout=3.0).get_model("m").client.timeout == 3.0  # type: ignore[attr-defined]


@pytest.mark.parametrize("streamed", [False, True], ids=["json", "sse"])
async def test_a_silent_server_fails_the_request_after_the_client_timeout(streamed: bool) -> None:
    silent = Fault.pause_stream(after_events=0, then="never sent")
    async with FakeOpenAIServer([silent]) as server:
        provider = OpenAIProvider(api_key="k", base_url=server.base_url, timeout=0.2, max_retries=0)
        agent = Agent(name="a", model=provider.get_model("m"))
        try:
            with pytest.raises(ModelConnectionError) as info:
                await run_once(agent, streamed=streamed)
        finally:
            await provider.aclose()
    assert isinstance(info.value.__cause__, openai.APITimeoutError)
