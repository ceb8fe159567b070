"""Settings over real HTTP: retries, timeouts, prompt templates and request fields, through the
`openai` client to FakeOpenAIServer (real clock on trio: these tests use real sockets)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from openai import AsyncOpenAI

from structagents import (
    Agent,
    FileSearchTool,
    ModelConnectionError,
    ModelRetrySettings,
    ModelSettings,
    ModelTimeoutError,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    RetryDecision,
    RetryPolicyContext,
    Runner,
    ShellTool,
    UserError,
    WebSearchTool,
    function_tool,
    retry_policies,
)
from structagents.testing import FakeOpenAIServer, Fault


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def client_for(server: FakeOpenAIServer) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)


async def test_a_500_is_retried_after_the_servers_retry_after() -> None:
    contexts: list[RetryPolicyContext] = []

    def policy(context: RetryPolicyContext) -> Any:
        contexts.append(context)
        return retry_policies.provider_suggested()(context)

    settings = ModelSettings(
        retry=ModelRetrySettings(max_retries=2, backoff={"initial_delay": 0.01}, policy=policy)
    )
    steps: list[Any] = [Fault.http_error(500, headers={"retry-after-ms": "10"}), "recovered"]
    async with FakeOpenAIServer(steps=steps) as server, client_for(server) as client:
        agent = Agent(
            name="R", model=OpenAIResponsesModel("m", openai_client=client), model_settings=settings
        )
        result = await Runner.run(agent, "hi")
    assert result.final_output == "recovered"
    assert len(server.requests) == 2
    [context] = contexts
    assert context.normalized.status_code == 500
    assert context.normalized.retry_after == pytest.approx(0.01)
    assert context.provider_advice is not None
    assert context.provider_advice.suggested is True


async def test_a_400_is_not_retried_by_provider_suggested() -> None:
    settings = ModelSettings(
        retry=ModelRetrySettings(max_retries=2, policy=retry_policies.provider_suggested())
    )
    async with FakeOpenAIServer(steps=[Fault.http_error(400), "no"]) as server:
        async with client_for(server) as client:
            model = OpenAIResponsesModel("m", openai_client=client)
            with pytest.raises(Exception, match="400"):
                await Runner.run(Agent(name="R", model=model, model_settings=settings), "hi")
    assert len(server.requests) == 1


@pytest.mark.parametrize("stream", [False, True])
async def test_a_server_that_never_answers_times_out_and_the_retry_succeeds(stream: bool) -> None:
    settings = ModelSettings(
        timeout=0.3,
        retry=ModelRetrySettings(
            max_retries=1, backoff={"initial_delay": 0}, policy=retry_policies.network_error()
        ),
    )
    async with FakeOpenAIServer(steps=[Fault.delay(3600, then="late"), "in time"]) as server:
        async with client_for(server) as client:
            agent = Agent(
                name="T",
                model=OpenAIResponsesModel("m", openai_client=client),
                model_settings=settings,
            )
            with anyio.fail_after(30):
                if stream:
                    result: Any = Runner.run_streamed(agent, "hi")
                    async with result:
                        async for _ in result.stream_events():
                            pass
                else:
                    result = await Runner.run(agent, "hi")
    assert result.final_output == "in time"
    assert len(server.requests) == 2


async def test_a_timeout_without_retry_raises_model_timeout_error() -> None:
    async with FakeOpenAIServer(steps=[Fault.delay(3600, then="late")]) as server:
        async with client_for(server) as client:
            agent = Agent(
                name="T",
                model=OpenAIChatCompletionsModel("m", openai_client=client),
                model_settings=ModelSettings(timeout=0.2),
            )
            with anyio.fail_after(30), pytest.raises(ModelTimeoutError):
                await Runner.run(agent, "hi")


async def test_prompt_template_and_cache_fields_reach_the_responses_body() -> None:
    settings = ModelSettings(
        prompt_cache_retention="24h",
        prompt_cache_options={"mode": "explicit", "ttl": "30m"},
        context_management=[{"type": "compaction", "compact_threshold": 200000}],
        preserve_raw_usage=True,
    )
    async with FakeOpenAIServer(steps=["ok"]) as server, client_for(server) as client:
        agent = Agent(
            name="P",
            model=OpenAIResponsesModel("m", openai_client=client),
            prompt={"id": "pmpt_123", "version": "4", "variables": {"city": "Oslo"}},
            model_settings=settings,
        )
        result = await Runner.run(agent, "hi")
    body = server.requests[0].body
    assert body["prompt"] == {"id": "pmpt_123", "version": "4", "variables": {"city": "Oslo"}}
    assert body["prompt_cache_retention"] == "24h"
    assert body["prompt_cache_options"] == {"mode": "explicit", "ttl": "30m"}
    assert body["context_management"] == [{"type": "compaction", "compact_threshold": 200000}]
    assert "retry" not in body
    assert "timeout" not in body
    raw_usage = result.raw_responses[0].raw_usage
    assert raw_usage is not None
    assert "input_tokens" in raw_usage


async def test_a_prompt_template_on_chat_completions_is_a_user_error() -> None:
    async with FakeOpenAIServer(steps=["never"]) as server, client_for(server) as client:
        agent = Agent(
            name="P",
            model=OpenAIChatCompletionsModel("m", openai_client=client),
            prompt={"id": "pmpt_1"},
        )
        with pytest.raises(UserError, match="Responses API"):
            await Runner.run(agent, "hi")
    assert server.requests == []


async def test_a_cancel_during_the_backoff_after_a_500_stops_at_once() -> None:
    in_backoff = anyio.Event()

    def policy(context: RetryPolicyContext) -> RetryDecision:
        in_backoff.set()
        return RetryDecision(retry=True, delay=3600)

    settings = ModelSettings(retry=ModelRetrySettings(max_retries=3, policy=policy))
    steps: list[Any] = [Fault.http_error(500), "never sent"]
    async with FakeOpenAIServer(steps=steps) as server, client_for(server) as client:
        agent = Agent(
            name="R", model=OpenAIResponsesModel("m", openai_client=client), model_settings=settings
        )
        with anyio.fail_after(30):  # a safety net: the cancel must end the hour-long wait
            async with anyio.create_task_group() as tg:
                tg.start_soon(Runner.run, agent, "hi")
                await in_backoff.wait()
                tg.cancel_scope.cancel()
    assert len(server.requests) == 1


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize("seen_text", [False, True])
async def test_a_stream_cut_after_the_user_saw_text_is_not_sent_again(
    api: str, seen_text: bool
) -> None:
    settings = ModelSettings(
        retry=ModelRetrySettings(max_retries=3, backoff={"initial_delay": 0}, policy=lambda c: True)
    )
    # after 1 event the user saw nothing yet (the retry is safe); after 4 they saw text
    cut = Fault.cut_stream(after_events=4 if seen_text else 1, then="a long answer never ending")
    steps: list[Any] = [cut, "a second answer"]
    async with FakeOpenAIServer(steps=steps) as server, client_for(server) as client:
        model_class = OpenAIResponsesModel if api == "responses" else OpenAIChatCompletionsModel
        agent = Agent(
            name="S", model=model_class("m", openai_client=client), model_settings=settings
        )
        deltas: list[str] = []

        async def run() -> Any:
            async with Runner.run_streamed(agent, "hi") as result:
                async for event in result.stream_events():
                    if event.type == "raw_response_event" and "delta" in event.data_dict:
                        deltas.append(str(event.data_dict["delta"]))
            return result.final_output

        with anyio.fail_after(30):
            if seen_text:
                with pytest.raises(ModelConnectionError):
                    await run()
            else:
                assert await run() == "a second answer"
    assert len(server.requests) == (1 if seen_text else 2)
    if seen_text:
        assert "a " in deltas  # the user saw part of the first answer


async def test_a_named_tool_choice_forces_hosted_and_builtin_tools_by_their_type() -> None:
    def lookup() -> str:
        return "x"

    tools: list[Any] = [
        WebSearchTool(),
        FileSearchTool(vector_store_ids=["vs"]),
        ShellTool(executor=lambda request: "ok"),
        function_tool(lookup),
    ]
    choices: dict[str, Any] = {
        "web_search": {"type": "web_search"},
        "file_search": {"type": "file_search"},
        "shell": {"type": "shell"},
        "lookup": {"type": "function", "name": "lookup"},
        "required": "required",
    }
    async with FakeOpenAIServer(steps=["ok"] * len(choices)) as server:
        async with client_for(server) as client:
            for choice in choices:
                agent = Agent(
                    name="C",
                    model=OpenAIResponsesModel("m", openai_client=client),
                    tools=tools,
                    model_settings=ModelSettings(tool_choice=choice),
                )
                await Runner.run(agent, "hi")
    assert [request.body["tool_choice"] for request in server.requests] == list(choices.values())
