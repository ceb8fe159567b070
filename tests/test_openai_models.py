"""The OpenAI models end to end: the real `openai` client over loopback HTTP to FakeOpenAIServer.

These tests use real sockets, so trio runs with its real clock here (an autojumping mock clock
would fire the client's timeouts while it waits on the network).
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from openai import AsyncOpenAI
from openai.types.responses import ResponseTextDeltaEvent
from pydantic import BaseModel

from structagents import (
    Agent,
    ModelConnectionError,
    ModelProviderError,
    ModelRateLimitError,
    ModelSettings,
    MultiProvider,
    OpenAIChatCompletionsModel,
    OpenAIProvider,
    OpenAIResponsesModel,
    RawResponsesStreamEvent,
    RunConfig,
    Runner,
    Usage,
    function_tool,
    open_run,
)
from structagents._usage import InputTokensDetails, OutputTokensDetails
from structagents.testing import (
    FakeOpenAIServer,
    Fault,
    ModelStep,
    assistant_message,
    function_call,
)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@function_tool
def get_weather(city: str) -> str:
    """Today's weather.

    Args:
        city: The city.
    """
    return f"sunny in {city}"


def client_for(server: FakeOpenAIServer, *, max_retries: int = 0) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.base_url, api_key="test-key", max_retries=max_retries)


def tool_steps() -> list[Any]:
    return [
        [function_call("get_weather", {"city": "Lisbon"}, call_id="call_1")],
        "It is sunny in Lisbon.",
    ]


def weather_agent(model: Any) -> Agent[Any]:
    return Agent(name="Weather", instructions="Answer briefly.", model=model, tools=[get_weather])


async def test_tool_calling_run_over_responses() -> None:
    async with FakeOpenAIServer(steps=tool_steps()) as server:
        async with client_for(server) as client:
            model = OpenAIResponsesModel("gpt-test", openai_client=client)
            result = await Runner.run(weather_agent(model), "Weather in Lisbon?")

    assert result.final_output == "It is sunny in Lisbon."
    first, second = (request.body for request in server.requests)
    assert [r.path for r in server.requests] == ["/v1/responses", "/v1/responses"]
    assert first["model"] == "gpt-test"
    assert first["instructions"] == "Answer briefly."
    assert first["input"] == [{"role": "user", "content": "Weather in Lisbon?"}]
    assert first["tools"] == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Today's weather.",
            "parameters": get_weather.params_json_schema,
            "strict": True,
        }
    ]
    assert [item.get("type") for item in second["input"][1:]] == [
        "function_call",
        "function_call_output",
    ]
    assert second["input"][-1] == {
        "type": "function_call_output",
        "call_id": "call_1",
        "output": "sunny in Lisbon",
    }
    assert "stream" not in first


async def test_tool_calling_run_over_chat_completions() -> None:
    async with FakeOpenAIServer(steps=tool_steps()) as server:
        async with client_for(server) as client:
            model = OpenAIChatCompletionsModel("gpt-test", openai_client=client)
            result = await Runner.run(weather_agent(model), "Weather in Lisbon?")

    assert result.final_output == "It is sunny in Lisbon."
    assert [r.path for r in server.requests] == ["/v1/chat/completions"] * 2
    first, second = (request.body for request in server.requests)
    assert first["messages"] == [
        {"role": "system", "content": "Answer briefly."},
        {"role": "user", "content": "Weather in Lisbon?"},
    ]
    assert first["tools"][0]["function"]["name"] == "get_weather"
    assert second["messages"][2:] == [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Lisbon"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny in Lisbon"},
    ]


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_streaming_deltas_arrive_as_raw_events(api: str) -> None:
    async with FakeOpenAIServer(steps=tool_steps()) as server:
        async with client_for(server) as client:
            model_class = OpenAIResponsesModel if api == "responses" else OpenAIChatCompletionsModel
            agent = weather_agent(model_class("gpt-test", openai_client=client))
            deltas: list[str] = []
            async with open_run(agent, "Weather in Lisbon?") as stream:
                async for event in stream:
                    if not isinstance(event, RawResponsesStreamEvent):
                        continue
                    if isinstance(event.data, ResponseTextDeltaEvent):
                        deltas.append(event.data.delta)

    assert "".join(deltas) == "It is sunny in Lisbon."
    assert len(deltas) > 1
    assert stream.result.final_output == "It is sunny in Lisbon."
    assert all(request.body["stream"] is True for request in server.requests)


class Forecast(BaseModel):
    city: str
    celsius: int


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_structured_output(api: str) -> None:
    answer = Forecast(city="Oslo", celsius=-3).model_dump_json()
    async with FakeOpenAIServer(steps=[[assistant_message(answer)]]) as server:
        async with client_for(server) as client:
            model_class = OpenAIResponsesModel if api == "responses" else OpenAIChatCompletionsModel
            agent = Agent(
                name="f", model=model_class("gpt-test", openai_client=client), output_type=Forecast
            )
            result = await Runner.run(agent, "Oslo?")

    assert result.final_output == Forecast(city="Oslo", celsius=-3)
    body = server.requests[0].body
    schema_holder = (
        body["text"]["format"] if api == "responses" else body["response_format"]["json_schema"]
    )
    assert schema_holder["strict"] is True
    assert schema_holder["schema"]["required"] == ["city", "celsius"]


async def test_previous_response_id_chaining_sends_only_new_items() -> None:
    async with FakeOpenAIServer(steps=tool_steps()) as server:
        async with client_for(server) as client:
            agent = weather_agent(OpenAIResponsesModel("gpt-test", openai_client=client))
            result = await Runner.run(agent, "Weather?", previous_response_id="resp_earlier")

    first, second = (request.body for request in server.requests)
    assert first["previous_response_id"] == "resp_earlier"
    assert first["input"] == [{"role": "user", "content": "Weather?"}]
    assert second["previous_response_id"] == result.raw_responses[0].response_id
    assert second["input"] == [
        {"type": "function_call_output", "call_id": "call_1", "output": "sunny in Lisbon"}
    ]
    assert result.last_response_id == result.raw_responses[1].response_id


async def test_rate_limit_then_success_is_retried_by_the_client() -> None:
    steps: list[Any] = [
        Fault.http_error(429, "slow down", headers={"retry-after-ms": "1"}),
        "hello",
    ]
    async with FakeOpenAIServer(steps=steps) as server:
        async with client_for(server, max_retries=2) as client:
            agent = Agent(name="a", model=OpenAIResponsesModel("gpt-test", openai_client=client))
            result = await Runner.run(agent, "hi")
    assert result.final_output == "hello"
    assert len(server.requests) == 2


async def test_rate_limit_after_retries_is_a_typed_error() -> None:
    async with FakeOpenAIServer(steps=[Fault.http_error(429, "slow down")]) as server:
        async with client_for(server) as client:
            agent = Agent(name="a", model=OpenAIResponsesModel("gpt-test", openai_client=client))
            with pytest.raises(ModelRateLimitError) as info:
                await Runner.run(agent, "hi")
    assert info.value.status_code == 429


async def test_server_error_surfaces_as_a_typed_error() -> None:
    async with FakeOpenAIServer(steps=[Fault.http_error(500, "kaboom")]) as server:
        async with client_for(server) as client:
            agent = Agent(name="a", model=OpenAIResponsesModel("gpt-test", openai_client=client))
            with pytest.raises(ModelProviderError) as info:
                await Runner.run(agent, "hi")
    error = info.value
    assert type(error) is ModelProviderError
    assert error.status_code == 500
    assert error.request_id == "req_fake_1"
    assert "kaboom" in str(error)
    assert type(error.__cause__).__name__ == "InternalServerError"
    assert error.run_data is not None


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_a_cut_stream_raises_instead_of_hanging(api: str) -> None:
    steps = [Fault.cut_stream(after_events=3, then="a long answer that never ends")]
    async with FakeOpenAIServer(steps=steps) as server:
        async with client_for(server) as client:
            model_class = OpenAIResponsesModel if api == "responses" else OpenAIChatCompletionsModel
            agent = Agent(name="a", model=model_class("gpt-test", openai_client=client))
            with anyio.fail_after(5), pytest.raises((ModelConnectionError, ModelProviderError)):
                async with open_run(agent, "hi") as stream:
                    async for _ in stream:
                        pass


async def _cancel_once_requested(server: FakeOpenAIServer, scope: anyio.CancelScope) -> None:
    """Cancel `scope` once the server holds the request (a fixed delay races a loaded machine)."""
    while not server.requests:  # noqa: ASYNC110 (the server offers no event)
        await anyio.sleep(0.01)
    scope.cancel()


@pytest.mark.parametrize("streamed", [False, True])
async def test_cancelling_mid_request_closes_the_connection(streamed: bool) -> None:
    step = (
        Fault.pause_stream(after_events=2, then="slow answer")
        if streamed
        else Fault.delay(30, then="too late")
    )
    async with FakeOpenAIServer(steps=[step]) as server:
        async with client_for(server) as client:
            agent = Agent(name="a", model=OpenAIResponsesModel("gpt-test", openai_client=client))
            with anyio.CancelScope() as scope:
                async with anyio.create_task_group() as task_group:
                    task_group.start_soon(_cancel_once_requested, server, scope)
                    if streamed:
                        async with open_run(agent, "hi") as stream:
                            async for _ in stream:
                                pass
                    else:
                        await Runner.run(agent, "hi")
            assert scope.cancelled_caught
            with anyio.fail_after(5):
                while server.disconnects < 1:  # noqa: ASYNC110 (the server offers no event)
                    await anyio.sleep(0.01)
    assert server.disconnects == 1


async def test_settings_headers_and_usage_travel_both_ways() -> None:
    step = ModelStep(
        output=[assistant_message("ok")],
        usage=Usage(
            requests=1,
            input_tokens=100,
            input_tokens_details=InputTokensDetails(cached_tokens=40),
            output_tokens=20,
            output_tokens_details=OutputTokensDetails(reasoning_tokens=5),
            total_tokens=120,
        ),
    )
    settings = ModelSettings(
        temperature=0.2,
        max_tokens=50,
        tool_choice="auto",
        reasoning={"effort": "low"},
        metadata={"team": "qa"},
        extra_headers={"x-trace": "t-1"},
        extra_body={"service_tier": "flex"},
    )
    async with FakeOpenAIServer(steps=[step]) as server:
        async with client_for(server) as client:
            agent = Agent(
                name="a",
                model=OpenAIResponsesModel("gpt-test", openai_client=client),
                model_settings=settings,
            )
            result = await Runner.run(agent, "hi")

    request = server.requests[0]
    assert request.headers["x-trace"] == "t-1"
    assert request.headers["authorization"] == "Bearer test-key"
    body = request.body
    assert (body["temperature"], body["max_output_tokens"], body["tool_choice"]) == (
        0.2,
        50,
        "auto",
    )
    assert body["reasoning"] == {"effort": "low"}
    assert (body["metadata"], body["service_tier"]) == ({"team": "qa"}, "flex")
    usage = result.usage
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (100, 20, 120)
    assert usage.input_tokens_details.cached_tokens == 40
    assert usage.output_tokens_details.reasoning_tokens == 5


@pytest.mark.parametrize(
    ("use_responses", "path"), [(True, "/v1/responses"), (False, "/v1/chat/completions")]
)
async def test_model_names_resolve_through_the_provider(use_responses: bool, path: str) -> None:
    async with FakeOpenAIServer(steps=["from the provider"]) as server:
        provider = MultiProvider(
            openai_base_url=server.base_url,
            openai_api_key="test-key",
            openai_use_responses=use_responses,
        )
        agent = Agent(name="a", model="openai/gpt-named")
        result = await Runner.run(agent, "hi", run_config=RunConfig(model_provider=provider))
        await provider.aclose()
    assert result.final_output == "from the provider"
    assert server.requests[0].path == path
    assert server.requests[0].body["model"] == "gpt-named"


async def test_openai_provider_with_a_client_and_run_config_model() -> None:
    async with FakeOpenAIServer(steps=["hello"]) as server:
        async with client_for(server) as client:
            config = RunConfig(
                model="gpt-override", model_provider=OpenAIProvider(openai_client=client)
            )
            result = await Runner.run(Agent(name="a", model="gpt-ignored"), "hi", run_config=config)
    assert result.final_output == "hello"
    assert server.requests[0].body["model"] == "gpt-override"


async def test_providers_close_only_the_clients_they_created() -> None:
    provider = OpenAIProvider(base_url="http://127.0.0.1:9/v1", api_key="k")
    created = provider.get_model("m").client  # type: ignore[attr-defined]
    await provider.aclose()
    assert created.is_closed()

    async with AsyncOpenAI(base_url="http://127.0.0.1:9/v1", api_key="k") as mine:
        borrowed = OpenAIProvider(openai_client=mine)
        assert borrowed.get_model("m").client is mine  # type: ignore[attr-defined]
        await borrowed.aclose()
        assert not mine.is_closed()


async def test_a_run_closes_the_client_its_default_provider_created(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc
    import os

    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    async with FakeOpenAIServer(steps=["one"]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        gc.collect()
        gc.disable()  # only an explicit close may release the connection
        try:
            before = open_fds()
            result = await Runner.run(Agent(name="a", model="gpt-test"), "x")
            with anyio.fail_after(2):
                while open_fds() != before:  # noqa: ASYNC110 (asyncio closes a transport a tick later)
                    await anyio.sleep(0.01)
        finally:
            gc.enable()
    assert result.final_output == "one"
