"""Errors a newcomer meets first say what went wrong and how to fix it: a wrong base URL,
a rejected API key (named by where it came from, never shown), a tool the model could not
call, and a session given its own history again. Real sockets: trio's real clock."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI

from structagents import (
    Agent,
    MemorySession,
    ModelConnectionError,
    ModelProviderError,
    OpenAIProvider,
    RunConfig,
    Runner,
    UserError,
    function_tool,
    open_run,
    set_default_openai_key,
)
from structagents.models import _openai_shared
from structagents.testing import FakeOpenAIServer, Fault, ScriptedModel

SECRET = "sk-test-never-shown-4242"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def run_once(agent: Agent[Any], *, streamed: bool) -> None:
    if streamed:
        async with open_run(agent, "hi") as run:
            async for _ in run.stream_events():
                pass
    else:
        await Runner.run(agent, "hi")


@pytest.mark.parametrize("streamed", [False, True], ids=["json", "sse"])
async def test_a_connection_error_names_the_url_and_the_settings(
    closed_port: int, streamed: bool
) -> None:
    base_url = f"http://127.0.0.1:{closed_port}/v1"
    provider = OpenAIProvider(api_key="k", base_url=base_url, max_retries=0)
    try:
        with pytest.raises(ModelConnectionError) as info:
            await run_once(Agent(name="a", model=provider.get_model("m")), streamed=streamed)
    finally:
        await provider.aclose()
    message = str(info.value)
    assert f"{base_url}/responses" in message
    assert "set by the base_url argument" in message
    assert "OPENAI_BASE_URL" in message
    assert "Is a server listening there?" in message
    assert isinstance(info.value.__cause__, openai.APIConnectionError)


async def test_a_connection_error_says_the_base_url_came_from_the_environment(
    closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port}/v1")
    provider = OpenAIProvider(api_key="k", max_retries=0)
    try:
        with pytest.raises(ModelConnectionError) as info:
            await Runner.run(Agent(name="a", model=provider.get_model("m")), "hi")
    finally:
        await provider.aclose()
    assert "set by the OPENAI_BASE_URL environment variable" in str(info.value)


async def test_a_connection_error_of_your_own_client_says_so(closed_port: int) -> None:
    async with AsyncOpenAI(
        api_key="k", base_url=f"http://127.0.0.1:{closed_port}/v1", max_retries=0
    ) as client:
        provider = OpenAIProvider(openai_client=client, use_responses=False)
        with pytest.raises(ModelConnectionError) as info:
            await Runner.run(Agent(name="a", model=provider.get_model("m")), "hi")
    message = str(info.value)
    assert f"127.0.0.1:{closed_port}/v1/chat/completions" in message
    assert "set on the AsyncOpenAI client you passed" in message


@dataclass
class KeySource:
    name: str
    expected: str


KEY_SOURCES = [
    KeySource("env", "the OPENAI_API_KEY environment variable"),
    KeySource("argument", "the api_key argument"),
    KeySource("set_default_openai_key", "set_default_openai_key()"),
    KeySource("client", "the AsyncOpenAI client you passed"),
]


@pytest.mark.parametrize("source", KEY_SOURCES, ids=lambda s: s.name)
@pytest.mark.parametrize("streamed", [False, True], ids=["json", "sse"])
async def test_a_401_names_where_the_key_came_from_but_not_the_key(
    source: KeySource, streamed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    rejected = Fault.http_error(401, "Incorrect API key provided.", code="invalid_api_key")
    async with FakeOpenAIServer([rejected]) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key=SECRET, max_retries=0)
        if source.name == "env":
            provider = OpenAIProvider(base_url=server.base_url, max_retries=0)
        elif source.name == "argument":
            provider = OpenAIProvider(api_key=SECRET, base_url=server.base_url, max_retries=0)
        elif source.name == "set_default_openai_key":
            monkeypatch.setitem(_openai_shared._defaults, "key", None)  # restored afterwards
            set_default_openai_key(SECRET, use_for_tracing=False)
            provider = OpenAIProvider(base_url=server.base_url, max_retries=0)
        else:
            provider = OpenAIProvider(openai_client=client)
        try:
            with pytest.raises(ModelProviderError) as info:
                await run_once(Agent(name="a", model=provider.get_model("m")), streamed=streamed)
        finally:
            await provider.aclose()
            await client.close()
    error = info.value
    assert error.status_code == 401
    assert isinstance(error.__cause__, openai.AuthenticationError)
    assert f"Check the API key: it came from {source.expected}" in str(error)
    assert SECRET not in str(error)
    assert "Incorrect API key provided." in str(error)


class Connection:
    """A type pydantic cannot describe as JSON."""


def test_a_tool_parameter_without_a_json_schema_names_the_tool_and_the_parameter() -> None:
    def query(sql: str, connection: Connection) -> str:
        return sql

    with pytest.raises(UserError) as info:
        function_tool(query)
    message = str(info.value)
    assert message.startswith("Tool 'query': parameter 'connection' has type ")
    assert "Connection, which has no JSON schema" in message
    assert "pydantic models, dataclasses and TypedDicts" in message
    assert info.value.__cause__ is not None  # pydantic's own error, for the details


@pytest.mark.parametrize(
    ("signature", "expected"),
    [
        ("def lookup(_secret: int) -> str: ...", "parameter '_secret' starts with '_'"),
        ("def lookup(model_config: int) -> str: ...", "parameter 'model_config' is a name"),
        ("def lookup(scores: dict[str, int]) -> str: ...", "strict_mode=False"),
        ("def lookup(cb: Callable[[int], int]) -> str: ...", "parameter 'cb' has type"),
    ],
)
def test_each_unsupported_parameter_gets_its_own_reason(signature: str, expected: str) -> None:
    from collections.abc import Callable

    namespace: dict[str, Any] = {"Callable": Callable}
    exec(signature, namespace)
    with pytest.raises(UserError, match=r"^Tool 'lookup': ") as info:
        function_tool(namespace["lookup"])
    assert expected in str(info.value)


def test_free_form_dicts_work_without_strict_mode() -> None:
    def lookup(scores: dict[str, int]) -> str:
        return str(scores)

    assert function_tool(lookup, strict_mode=False).name == "lookup"


def test_a_lambda_needs_a_name() -> None:
    with pytest.raises(UserError, match=r"lambda.*name_override="):
        function_tool(lambda city: city)
    assert function_tool(lambda city: city, name_override="echo_city").name == "echo_city"


@pytest.mark.parametrize("name", ["get weather", "crm.lookup", "météo", "x" * 65, "a/b"])
@pytest.mark.parametrize("how", ["override", "function name"])
def test_a_name_the_openai_api_rejects_is_a_user_error(name: str, how: str) -> None:
    def tool() -> str:
        return ""

    with pytest.raises(UserError, match="is not accepted by the OpenAI API") as info:
        if how == "override":
            function_tool(tool, name_override=name)
        else:
            tool.__name__ = name
            function_tool(tool)
    if name == "get weather":
        assert "pass name_override='get_weather'" in str(info.value)


@pytest.mark.parametrize("name", ["get_weather", "a-b", "X" * 64])
def test_valid_names_are_kept(name: str) -> None:
    assert function_tool(lambda: "", name_override=name).name == name


def echo_agent(*replies: str) -> Agent[Any]:
    return Agent(name="echo", model=ScriptedModel(list(replies)))


async def test_list_input_that_repeats_the_session_history_is_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = MemorySession("chat-1")
    agent = echo_agent("Hello Ada.", "Noted.", "Noted again.")
    first = await Runner.run(agent, "I am Ada.", session=session)
    with caplog.at_level(logging.WARNING, logger="structagents"):
        await Runner.run(agent, [{"role": "user", "content": "Remember me?"}], session=session)
        assert not caplog.records, "new items only: nothing to warn about"

        repeated = [*first.to_input_list(), {"role": "user", "content": "And now?"}]
        await Runner.run(agent, repeated, session=session)
    (record,) = caplog.records
    assert "repeats 2 of the 4 items session 'chat-1' already holds" in record.getMessage()
    assert "session_input_callback" in record.getMessage()


async def test_the_whole_latest_history_repeated_is_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = MemorySession("chat-3")
    agent = echo_agent("One.", "Two.", "Three.")
    await Runner.run(agent, "first", session=session)
    latest = await Runner.run(agent, "second", session=session)
    with caplog.at_level(logging.WARNING, logger="structagents"):
        again = [*latest.to_input_list(), {"role": "user", "content": "third"}]
        await Runner.run(agent, again, session=session)
    assert "repeats 4 of the 4 items" in caplog.text


async def test_no_warning_when_a_callback_combines_the_input(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = MemorySession("chat-2")
    agent = echo_agent("Hello.", "Again.")
    first = await Runner.run(agent, "hi", session=session)
    config = RunConfig(session_input_callback=lambda history, new: new)
    with caplog.at_level(logging.WARNING, logger="structagents"):
        await Runner.run(agent, first.to_input_list(), session=session, run_config=config)
    assert not caplog.records


async def test_a_timeout_names_the_url_and_the_setting_to_change() -> None:
    silent = Fault.pause_stream(after_events=0, then="never sent")
    async with FakeOpenAIServer([silent]) as server:
        provider = OpenAIProvider(api_key="k", base_url=server.base_url, timeout=0.2, max_retries=0)
        try:
            with pytest.raises(ModelConnectionError) as info:
                await Runner.run(Agent(name="a", model=provider.get_model("m")), "hi")
        finally:
            await provider.aclose()
    message = str(info.value)
    assert f"{server.base_url}/responses did not answer in time" in message
    assert "OpenAIProvider(timeout=...)" in message
