"""`post_json`, the OpenAI models' request loop: what it relies on in the `openai` SDK, that it
builds the requests the SDK builds, and the SDK's behaviour (auth, retries, errors, custom
clients) over real HTTP to FakeOpenAIServer on both backends.

The loop runs once the SDK has read the platform on a first request of the process (through
`client.post`): the tests below make a first request, then check `lean_client`.
These tests use real sockets, so trio runs with its real clock.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import httpx
import pytest
from openai import AsyncAzureOpenAI, AsyncOpenAI, Timeout
from openai._base_client import AsyncAPIClient

from structagents import (
    Agent,
    ModelConnectionError,
    ModelProviderError,
    ModelRateLimitError,
    ModelSettings,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    Runner,
)
from structagents.models._openai_request import (
    CALLED,
    REPLACED,
    _build_request,
    _sdk,
    lean_client,
    post_json,
)
from structagents.models._openai_shared import mapped_errors
from structagents.testing import FakeOpenAIServer, Fault


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def legacy_client() -> Any:
    """A plain `httpx` client (the SDK also takes one instead of its httpx2 transport)."""
    return httpx.AsyncClient()


BODY = {"model": "gpt-test", "input": "hi"}
CONTENT = json.dumps(BODY).encode()


async def warm(client: AsyncOpenAI) -> None:
    """A first request (through `client.post` if it is the process's first); then the loop
    serves `client`."""
    await post_json(client, "/responses", BODY, CONTENT, {})
    assert lean_client(client)


# --- what the loop relies on in the SDK -------------------------------------------------


def test_the_sdk_has_every_private_piece_the_loop_uses() -> None:
    assert _sdk() is not None
    for name in REPLACED + CALLED:
        assert callable(getattr(AsyncAPIClient, name, None)), name
    signatures = {
        "_build_headers": ["self", "options", "retries_taken"],
        "_sleep_for_retry": ["self", "retries_taken", "max_retries", "options", "response"],
        "_make_status_error_from_response": ["self", "response"],
        "_should_retry": ["self", "response"],
        "_send_request": ["self", "request", "stream", "kwargs"],
        "_prepare_options": ["self", "options"],
        "_prepare_request": ["self", "request"],
        "_prepare_url": ["self", "url"],
        "_auth_query": ["self", "security"],
        "_should_stream_response_body": ["self", "request"],
    }
    for name, parameters in signatures.items():
        assert list(inspect.signature(getattr(AsyncAPIClient, name)).parameters) == parameters
    # the loop this module ports: if the SDK's changes, so must the port
    source = inspect.getsource(AsyncAPIClient.request)
    for step in (
        "model_copy(options)",
        "self._idempotency_key()",
        "await self._prepare_options(options)",
        "self._build_request(options, retries_taken=retries_taken)",
        "await self._prepare_request(request)",
        "self._should_retry(err.response)",
        "self._make_status_error_from_response(err.response)",
        "raise APITimeoutError(request=request) from err",
        "raise APIConnectionError(request=request) from err",
    ):
        assert step in source, step


def test_clients_that_build_requests_themselves_take_the_sdk_path() -> None:
    azure = AsyncAzureOpenAI(api_key="k", api_version="2024-10-21", azure_endpoint="http://x")
    azure._platform = "known"  # type: ignore[assignment]
    assert not lean_client(azure)

    class Custom(AsyncOpenAI):
        def _prepare_url(self, url: str) -> Any:
            return super()._prepare_url(url)

    custom = Custom(api_key="k")
    custom._platform = "known"  # type: ignore[assignment]
    assert not lean_client(custom)


@pytest.mark.parametrize(
    "make",
    [
        lambda: AsyncOpenAI(api_key="k", base_url="http://127.0.0.1:9/v1"),
        lambda: AsyncOpenAI(
            api_key="k",
            organization="org",
            project="proj",
            base_url="http://h:9/a/b/",
            timeout=Timeout(3.0, connect=1.0),
            default_headers={"x-one": "1", "OpenAI-Project": "other"},
        ),
        lambda: AsyncOpenAI(api_key="k", timeout=7.5, http_client=legacy_client()),
        lambda: AsyncOpenAI(api_key="k", default_query={"q": "1"}),
    ],
)
def test_requests_are_the_ones_the_sdk_builds(make: Any) -> None:
    client = make()
    sdk: Any = _sdk()
    for options in (
        {},
        {"headers": {"x-extra": "e", "Authorization": "Bearer other"}},
        {"params": {"p": "2"}},
    ):
        opts = sdk.model_copy(sdk.prototype)
        opts.url, opts.content, opts.idempotency_key = "/responses", CONTENT, "idem"
        for key, value in options.items():
            setattr(opts, key, value)
        for retries_taken in (0, 2):
            ours = _build_request(client, sdk, opts, retries_taken)
            theirs = client._build_request(sdk.model_copy(opts), retries_taken=retries_taken)
            assert (ours.method, str(ours.url)) == (theirs.method, str(theirs.url))
            assert list(ours.headers.multi_items()) == list(theirs.headers.multi_items())
            assert ours.extensions == theirs.extensions
            assert ours.content == theirs.content == CONTENT


# --- the SDK's behaviour, over HTTP ---------------------------------------------------


async def test_a_rate_limit_is_retried_with_the_same_body_and_the_retry_count() -> None:
    steps: list[Any] = [
        "warm",
        Fault.http_error(429, "slow down", headers={"retry-after-ms": "1"}),
        Fault.http_error(503, "busy", headers={"retry-after": "0.001"}),
        "hello",
    ]
    async with FakeOpenAIServer(steps=steps) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=2) as client:
            await warm(client)
            reply = json.loads(await post_json(client, "/responses", BODY, CONTENT, {}))
    assert reply["output"][0]["content"][0]["text"] == "hello"
    retried = server.requests[1:]
    assert [r.headers["x-stainless-retry-count"] for r in retried] == ["0", "1", "2"]
    assert all(r.body == BODY for r in retried)
    assert all(r.headers["authorization"] == "Bearer k" for r in retried)


async def test_errors_after_the_retries_are_the_sdks_mapped_to_ours() -> None:
    steps: list[Any] = ["warm", Fault.http_error(429, "slow", headers={"retry-after-ms": "1"})]
    steps += [Fault.http_error(500, "kaboom", headers={"retry-after-ms": "1"})] * 2
    steps += [Fault.http_error(400, "bad")]
    async with FakeOpenAIServer(steps=steps) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=1) as client:
            await warm(client)
            agent = Agent(name="a", model=OpenAIResponsesModel("gpt-test", openai_client=client))
            with pytest.raises(ModelProviderError) as info:
                await Runner.run(agent, "hi")  # 429, then 500: out of retries
            assert type(info.value.__cause__).__name__ == "InternalServerError"
            assert info.value.status_code == 500
            assert "kaboom" in str(info.value)
            with pytest.raises(ModelProviderError) as info:
                await Runner.run(agent, "hi")  # 500 retried, then 400: not retried
            assert type(info.value.__cause__).__name__ == "BadRequestError"
            assert info.value.status_code == 400
    assert len(server.requests) == 5


async def test_a_rate_limit_without_retries_is_a_rate_limit_error() -> None:
    steps: list[Any] = ["warm", Fault.http_error(429, "slow")]
    async with FakeOpenAIServer(steps=steps) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
            await warm(client)
            with pytest.raises(ModelRateLimitError) as info, mapped_errors(client):
                await post_json(client, "/responses", BODY, CONTENT, {})
    assert type(info.value.__cause__).__name__ == "RateLimitError"


async def test_timeouts_and_refused_connections_are_connection_errors() -> None:
    steps: list[Any] = ["warm", Fault.delay(30, "late"), Fault.delay(30, "late"), "warm"]
    async with FakeOpenAIServer(steps=steps) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=1, timeout=0.2)
        async with client:
            await warm(client)
            with pytest.raises(ModelConnectionError) as info, mapped_errors(client):
                await post_json(client, "/responses", BODY, CONTENT, {})
            assert type(info.value.__cause__).__name__ == "APITimeoutError"
            assert len(server.requests) == 3  # the timeout was retried once

            no_retry = client.with_options(max_retries=0)
            await warm(no_retry)
            closed = FakeOpenAIServer()
            async with closed:
                url = closed.base_url
            no_retry.base_url = url  # nobody listens there now: the joined URL follows
            with pytest.raises(ModelConnectionError) as info, mapped_errors(no_retry):
                await post_json(no_retry, "/responses", BODY, CONTENT, {})
            assert type(info.value.__cause__).__name__ == "APIConnectionError"
            assert url.removesuffix("/v1") in str(info.value)


async def test_a_callable_key_is_asked_for_each_request() -> None:
    keys = iter(["first", "second", "third"])

    async def api_key() -> str:
        return next(keys)

    async with FakeOpenAIServer(steps=["a", "b", "c"]) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key=api_key) as client:
            await warm(client)
            await post_json(client, "/responses", BODY, CONTENT, {})
            await post_json(client, "/responses", BODY, CONTENT, {})
    sent = [r.headers["authorization"] for r in server.requests]
    assert sent == ["Bearer first", "Bearer second", "Bearer third"]


async def test_default_and_request_headers_and_query_arrive() -> None:
    async with FakeOpenAIServer(steps=["a", "b", "c"]) as server:
        base = AsyncOpenAI(base_url=server.base_url, api_key="k", http_client=legacy_client())
        async with base:
            client = base.with_options(default_headers={"x-default": "d"})
            await warm(client)
            model = OpenAIResponsesModel("gpt-test", openai_client=client)
            settings = ModelSettings(extra_headers={"x-extra": "e"}, extra_query={"q": "1"})
            await Runner.run(Agent(name="a", model=model, model_settings=settings), "hi")
            await Runner.run(Agent(name="a", model=model), "hi")
    with_query, plain = server.requests[1:]
    assert with_query.path == "/v1/responses?q=1"
    assert (with_query.headers["x-default"], with_query.headers["x-extra"]) == ("d", "e")
    assert plain.path == "/v1/responses"
    assert plain.headers["x-default"] == "d"
    assert "x-extra" not in plain.headers


async def test_an_azure_client_routes_chat_completions_by_deployment() -> None:
    async with FakeOpenAIServer(steps=["a"]) as server:
        client = AsyncAzureOpenAI(
            api_key="k",
            api_version="2024-10-21",
            azure_endpoint=server.base_url.removesuffix("/v1"),
        )
        async with client:
            model = OpenAIChatCompletionsModel("gpt-test", openai_client=client)
            with pytest.raises(ModelProviderError):  # the fake server has no Azure paths
                await Runner.run(Agent(name="a", model=model), "hi")
    (request,) = server.requests
    assert request.path == "/openai/deployments/gpt-test/chat/completions?api-version=2024-10-21"
    assert request.headers["api-key"] == "k"
    assert request.body["model"] == "gpt-test"


async def test_a_streamed_request_takes_the_loop_with_its_retries_and_errors() -> None:
    steps: list[Any] = ["warm", Fault.http_error(429, "slow", headers={"retry-after-ms": "1"})]
    steps += ["streamed hello", Fault.http_error(401, "who?")]
    async with FakeOpenAIServer(steps=steps) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=1) as client:
            await warm(client)
            agent = Agent(name="a", model=OpenAIResponsesModel("gpt-test", openai_client=client))
            async with Runner.run_streamed(agent, "hi") as result:
                deltas = [
                    event.data.delta
                    async for event in result.stream_events()
                    if event.type == "raw_response_event"
                    and event.data.type == "response.output_text.delta"
                ]
            assert "".join(deltas) == "streamed hello"
            with pytest.raises(ModelProviderError) as info:
                async with Runner.run_streamed(agent, "hi") as result:
                    async for _ in result.stream_events():
                        pass
    assert type(info.value.__cause__).__name__ == "AuthenticationError"
    assert info.value.status_code == 401
    streamed = server.requests[1:]
    assert [r.headers["x-stainless-retry-count"] for r in streamed] == ["0", "1", "0"]
    assert all(r.body["stream"] is True for r in streamed)


class SdkPathClient(AsyncOpenAI):
    """An `AsyncOpenAI` that overrides a replaced method, so it is sent through `client.post`."""

    def _prepare_url(self, url: str) -> Any:
        return super()._prepare_url(url)


_NAMED = ("host", "user-agent")  # the server's port; the client class's name


async def test_the_loop_sends_what_client_post_sends() -> None:
    """The same scenario (a rate limit retried, then an answer) on a client the loop serves and
    on one `client.post` serves: the same requests, header for header."""
    seen: dict[type[Any], list[Any]] = {}
    for cls in (AsyncOpenAI, SdkPathClient):
        steps: list[Any] = ["warm", Fault.http_error(429, "slow", headers={"retry-after-ms": "1"})]
        async with FakeOpenAIServer(steps=[*steps, "hello"]) as server:
            async with cls(base_url=server.base_url, api_key="k", max_retries=1) as client:
                await post_json(client, "/responses", BODY, CONTENT, {})
                assert lean_client(client) is (cls is AsyncOpenAI)
                options = {"headers": {"x-extra": "e"}}
                reply = await post_json(client, "/responses", BODY, CONTENT, options)
        assert json.loads(reply)["output"][0]["content"][0]["text"] == "hello"
        seen[cls] = [
            (r.method, r.path, r.body, {k: v for k, v in r.headers.items() if k not in _NAMED})
            for r in server.requests[1:]
        ]
    assert seen[AsyncOpenAI] == seen[SdkPathClient]


async def test_with_options_copies_take_the_loop_from_their_first_request() -> None:
    async with FakeOpenAIServer(steps=["a", "b"]) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key="k") as client:
            await warm(client)
            copy = client.with_options(default_headers={"x-copy": "1"})
            assert lean_client(copy)
            await post_json(copy, "/responses", BODY, CONTENT, {})
    first, second = server.requests
    assert second.headers["x-copy"] == "1"
    assert second.headers["x-stainless-os"] == first.headers["x-stainless-os"]
