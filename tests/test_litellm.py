"""LitellmModel over LiteLLM's OpenAI-compatible route to FakeOpenAIServer (real HTTP).

LiteLLM runs only on asyncio: on trio the model refuses with a `UserError` before LiteLLM is
touched. Real sockets, so trio runs with its real clock here.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network at import

from structagents import (
    Agent,
    ModelProviderError,
    ModelSettings,
    RunConfig,
    Runner,
    UserError,
    function_tool,
    open_run,
)
from structagents.extensions.models.litellm_model import LitellmModel
from structagents.extensions.models.litellm_provider import LitellmProvider
from structagents.testing import FakeOpenAIServer, Fault, function_call

# LiteLLM's own code trips pydantic warnings while it streams; not ours to fix.
pytestmark = [
    pytest.mark.filterwarnings("ignore:.*ReadOnly. qualifier:UserWarning"),
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211"),
]


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@function_tool
async def get_weather(city: str) -> str:
    """Today's weather.

    Args:
        city: The city.
    """
    return f"sunny in {city}"


def steps() -> list[Any]:
    return [[function_call("get_weather", {"city": "Oslo"}, call_id="c1")], "Sunny in Oslo."]


def weather_agent(server: FakeOpenAIServer) -> Agent[Any]:
    model = LitellmModel("openai/gpt-test", base_url=server.base_url, api_key="test-key")
    return Agent(
        name="W",
        instructions="Be brief.",
        model=model,
        tools=[get_weather],
        model_settings=ModelSettings(temperature=0.1),
    )


@pytest.mark.parametrize("stream", [False, True])
async def test_a_tool_calling_round_trip_through_litellm(anyio_backend: str, stream: bool) -> None:
    async with FakeOpenAIServer(steps=steps()) as server:
        agent = weather_agent(server)
        if anyio_backend == "trio":
            with pytest.raises(UserError, match="only on asyncio"):
                await Runner.run(agent, "Weather in Oslo?")
            assert server.requests == []
            return
        if stream:
            async with open_run(agent, "Weather in Oslo?") as run:
                async for _ in run.stream_events():
                    pass
            result: Any = run
        else:
            result = await Runner.run(agent, "Weather in Oslo?")
    assert result.final_output == "Sunny in Oslo."
    first, second = (request.body for request in server.requests)
    assert {r.path for r in server.requests} == {"/v1/chat/completions"}
    assert first["model"] == "gpt-test"
    assert first["temperature"] == 0.1
    assert first["messages"][0] == {"role": "system", "content": "Be brief."}
    assert first["tools"][0]["function"]["name"] == "get_weather"
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool"
    assert tool_message["content"] == "sunny in Oslo"
    assert server.requests[0].headers["authorization"] == "Bearer test-key"


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # LiteLLM is asyncio-only
async def test_provider_errors_are_mapped() -> None:
    async with FakeOpenAIServer(steps=[Fault.http_error(400, "bad request")]) as server:
        agent = weather_agent(server)
        with pytest.raises(ModelProviderError) as caught:
            await Runner.run(agent, "hi")
    assert caught.value.status_code == 400


def test_the_provider_builds_litellm_models() -> None:
    model = LitellmProvider().get_model("anthropic/claude-test")
    assert isinstance(model, LitellmModel)
    assert model.model == "anthropic/claude-test"
    assert isinstance(RunConfig(model_provider=LitellmProvider()).model_provider, LitellmProvider)
