"""Misuse raises an error that is both a `UserError` and the builtin the reference SDK raises
for the same misuse (`TypeError`, `ValueError`, `RuntimeError`), so `except TypeError` code
written for the reference still catches it, while the message says how to fix it."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import pytest
from openai import AsyncOpenAI

from structagents import (
    Agent,
    AgentHooks,
    ModelSettings,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    RunConfig,
    RunContextWrapper,
    Runner,
    ToolExecutionConfig,
    UserError,
    function_tool,
)
from structagents.memory import (
    OpenAIConversationsSession,
    OpenAIResponsesCompactionSession,
    SQLiteSession,
)
from structagents.strict_schema import ensure_strict_json_schema
from structagents.testing import FakeOpenAIServer, ScriptedModel
from structagents.tool_context import ToolContext


async def _async_tool(x: int) -> int:
    return x


def bad(value: object) -> Any:
    """`value`, typed as anything: these tests pass what the annotations forbid."""
    return value


def _agent(**fields: Any) -> Callable[[], object]:
    return lambda: Agent(name="a", **fields)


def _compaction(**options: Any) -> Callable[[], object]:
    def make() -> object:
        underlying = options.pop("underlying", None) or SQLiteSession("s")
        return OpenAIResponsesCompactionSession(
            session_id="s", underlying_session=underlying, **options
        )

    return make


def _mcp_server(timeout: Any) -> Callable[[], object]:
    def make() -> object:
        from structagents.mcp import MCPServerStdio

        return MCPServerStdio(params={"command": "x"}, client_session_timeout_seconds=timeout)

    return make


def _redis(*, asynchronous: bool = False, ttl: Any = None) -> object:
    import redis
    import redis.asyncio

    from structagents.extensions.memory import RedisSession

    client = (redis.asyncio.Redis if asynchronous else redis.Redis)()  # never connects
    return RedisSession("s", redis_client=bad(client), ttl=ttl)


def _run_sync_inside_a_loop() -> None:
    async def inside() -> None:
        Runner.run_sync(Agent(name="a", model=ScriptedModel(["x"])), "hi")

    asyncio.run(inside())


MISUSES: dict[str, tuple[type[Exception], Callable[[], object]]] = {
    # Agent fields (the reference checks each in Agent.__post_init__).
    "agent name": (TypeError, lambda: Agent(name=bad(123))),
    "agent handoff_description": (TypeError, _agent(handoff_description=5)),
    "agent instructions": (TypeError, _agent(instructions=5)),
    "agent prompt": (TypeError, _agent(prompt=5)),
    "agent tools": (TypeError, _agent(tools="x")),
    "agent a tool": (TypeError, _agent(tools=[_async_tool])),
    "agent mcp_servers": (TypeError, _agent(mcp_servers="x")),
    "agent mcp_config": (TypeError, _agent(mcp_config="x")),
    "agent handoffs": (TypeError, _agent(handoffs="x")),
    "agent model": (TypeError, _agent(model=5)),
    "agent input_guardrails": (TypeError, _agent(input_guardrails="x")),
    "agent output_guardrails": (TypeError, _agent(output_guardrails="x")),
    "agent output_type": (TypeError, _agent(output_type=[int])),
    "agent hooks": (TypeError, _agent(hooks=5)),
    "agent tool_use_behavior": (TypeError, _agent(tool_use_behavior=5)),
    "agent reset_tool_choice": (TypeError, _agent(reset_tool_choice="yes")),
    "agent model_settings": (TypeError, _agent(model_settings="x")),
    "agent model_settings key": (TypeError, _agent(model_settings={"bogus": 1})),
    "as_tool parameters": (
        TypeError,
        lambda: Agent(name="a").as_tool(tool_name="t", tool_description="d", parameters=bad(int)),
    ),
    # RunConfig and its parts.
    "run_config collision policy": (
        ValueError,
        lambda: RunConfig(tool_name_collision_policy=bad("x")),
    ),
    "run_config tool_not_found": (ValueError, lambda: RunConfig(tool_not_found_behavior=bad("x"))),
    "run_config max_concurrent_tools": (ValueError, lambda: RunConfig(max_concurrent_tools=0)),
    "run_config run_timeout": (ValueError, lambda: RunConfig(run_timeout=-1)),
    "run_config run_timeout type": (TypeError, lambda: RunConfig(run_timeout=bad("soon"))),
    "run_config blocked message": (
        TypeError,
        lambda: RunConfig(output_guardrail_blocked_message=bad(5)),
    ),
    "run_config empty blocked message": (
        ValueError,
        lambda: RunConfig(output_guardrail_blocked_message=""),
    ),
    "run_config model_settings": (TypeError, lambda: RunConfig(model_settings=bad(5))),
    "run_config model_settings key": (TypeError, lambda: RunConfig(model_settings=bad({"x": 1}))),
    "run_config tool_execution": (TypeError, lambda: RunConfig(tool_execution=bad(5))),
    "run_config session_settings key": (
        TypeError,
        lambda: RunConfig(session_settings=bad({"x": 1})),
    ),
    "tool_execution concurrency": (
        ValueError,
        lambda: ToolExecutionConfig(max_function_tool_concurrency=0),
    ),
    "tool_execution pre-approval": (
        ValueError,
        lambda: ToolExecutionConfig(pre_approval_tool_input_guardrails=bad("x")),
    ),
    # Function tools.
    "tool timeout type": (TypeError, lambda: function_tool(_async_tool, timeout=bad("x"))),
    "tool timeout value": (ValueError, lambda: function_tool(_async_tool, timeout=math.inf)),
    "tool timeout_behavior": (
        ValueError,
        lambda: function_tool(_async_tool, timeout=1, timeout_behavior=bad("x")),
    ),
    "tool timeout_error_function": (
        TypeError,
        lambda: function_tool(_async_tool, timeout=1, timeout_error_function=bad(5)),
    ),
    # Schemas, contexts, the runner.
    "strict schema not a dict": (TypeError, lambda: ensure_strict_json_schema(bad(5))),
    "strict schema foreign $ref": (
        ValueError,
        lambda: ensure_strict_json_schema({"$ref": "other.json#/x", "description": "d"}),
    ),
    "strict schema dangling $ref": (
        ValueError,
        lambda: ensure_strict_json_schema({"$ref": "#/$defs/Missing", "description": "d"}),
    ),
    "tool context without a name": (
        ValueError,
        lambda: ToolContext.from_agent_context(RunContextWrapper(None), "call_1"),
    ),
    "run_sync inside a loop": (RuntimeError, _run_sync_inside_a_loop),
    "run max_turns below 0": (
        ValueError,
        lambda: Runner.run_sync(Agent(name="a", model=ScriptedModel()), "hi", max_turns=-1),
    ),
    "run starting_agent": (TypeError, lambda: Runner.run_sync(bad("agent"), "hi")),
    # Sessions and MCP.
    "compaction model": (ValueError, _compaction(model="claude-3")),
    "compaction max_rollback_items": (ValueError, _compaction(max_rollback_items=0)),
    "compaction over a conversation": (
        ValueError,
        _compaction(
            underlying=OpenAIConversationsSession(conversation_id="c", openai_client=bad(object()))
        ),
    ),
    "conversation id before first use": (
        ValueError,
        lambda: OpenAIConversationsSession(openai_client=bad(object())).session_id,
    ),
    "redis async client": (TypeError, lambda: _redis(asynchronous=True)),
    "redis ttl": (ValueError, lambda: _redis(ttl=0)),
    "mcp session timeout type": (TypeError, _mcp_server("soon")),
    "mcp session timeout value": (ValueError, _mcp_server(-1)),
}


@pytest.mark.parametrize(("builtin", "misuse"), MISUSES.values(), ids=list(MISUSES))
def test_misuse_is_a_user_error_and_the_references_builtin(
    builtin: type[Exception], misuse: Callable[[], object]
) -> None:
    with pytest.raises(UserError) as info:
        misuse()
    assert isinstance(info.value, builtin)
    assert str(info.value)  # says what was wrong


async def test_instructions_that_take_the_wrong_arguments() -> None:
    agent = Agent(name="a", instructions=bad(lambda context: "x"))
    with pytest.raises(UserError, match="exactly 2 arguments") as info:
        await agent.get_system_prompt(RunContextWrapper(None))
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize("hooks", [AgentHooks(), 5], ids=["agent-hooks", "int"])
async def test_run_hooks_must_be_run_hooks(hooks: Any) -> None:
    model = ScriptedModel(["never used"])
    with pytest.raises(UserError, match="RunHooks") as info:
        await Runner.run(Agent(name="a", model=model), "hi", hooks=hooks)
    assert isinstance(info.value, TypeError)
    assert model.calls == ()


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_extra_args_may_not_repeat_what_the_request_sets(api: str) -> None:
    async with FakeOpenAIServer(steps=["never"]) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)
        kind = OpenAIResponsesModel if api == "responses" else OpenAIChatCompletionsModel
        settings = ModelSettings(temperature=0.5, extra_args={"temperature": 1.0, "seed": 7})
        agent = Agent(name="a", model=kind("m", openai_client=client), model_settings=settings)
        with pytest.raises(UserError, match="'temperature'") as info:
            await Runner.run(agent, "hi")
        await client.close()
    assert isinstance(info.value, TypeError)
    assert server.requests == []


def test_every_builtin_flavour_is_still_a_user_error() -> None:
    from structagents.exceptions import UserRuntimeError, UserTypeError, UserValueError

    for kind, builtin in [
        (UserTypeError, TypeError),
        (UserValueError, ValueError),
        (UserRuntimeError, RuntimeError),
    ]:
        error = kind("how to fix it")
        assert isinstance(error, UserError)
        assert isinstance(error, builtin)
        assert error.message == "how to fix it"


def _handoff_without_on_handoff() -> object:
    from structagents import handoff

    return handoff(Agent(name="b"), input_type=int)


def _unknown_prefix() -> object:
    from structagents import MultiProvider

    return MultiProvider().get_model("openrouter/openai/gpt-4o")


WORDS: dict[str, tuple[str, Callable[[], object]]] = {
    "tool timeout": ("greater than 0", lambda: function_tool(_async_tool, timeout=0)),
    "tool timeout inf": ("finite number", lambda: function_tool(_async_tool, timeout=math.inf)),
    "timeout_behavior": (
        "timeout_behavior must be one of",
        lambda: function_tool(_async_tool, timeout=1, timeout_behavior=bad("x")),
    ),
    "timeout_error_function": (
        "timeout_error_function must be callable",
        lambda: function_tool(_async_tool, timeout=1, timeout_error_function=bad(5)),
    ),
    "handoff input_type": (
        "You must provide on_handoff when input_type is provided",
        _handoff_without_on_handoff,
    ),
    "model prefix": ("Unknown prefix: openrouter", _unknown_prefix),
}


@pytest.mark.parametrize(("words", "misuse"), WORDS.values(), ids=list(WORDS))
def test_messages_keep_the_references_words(words: str, misuse: Callable[[], object]) -> None:
    """Our messages say more, but keep the reference's phrase, so `match=` in tests ported from
    the reference still matches."""
    with pytest.raises(UserError, match=words):
        misuse()


async def test_max_turns_0_allows_no_model_call() -> None:
    from structagents import MaxTurnsExceeded

    model = ScriptedModel(["never used"])
    with pytest.raises(MaxTurnsExceeded):
        await Runner.run(Agent(name="a", model=model), "hi", max_turns=0)
    assert model.calls == ()


@pytest.mark.parametrize("arguments", ["[]", '"value"', "123", "null"])
async def test_tool_arguments_that_are_not_an_object(arguments: str) -> None:
    from structagents import ModelBehaviorError

    def echo(value: str) -> str:
        return value

    tool = function_tool(echo, failure_error_function=None)
    context = ToolContext(None, tool_name="echo", tool_call_id="c1", tool_arguments=arguments)
    with pytest.raises(ModelBehaviorError, match="echo: expected a JSON object"):
        await tool.on_invoke_tool(context, arguments)


async def test_a_call_to_a_missing_tool_says_not_found() -> None:
    from structagents import ModelBehaviorError
    from structagents.testing import function_call

    model = ScriptedModel([[function_call("missing_tool", {}, call_id="c1")]])
    with pytest.raises(ModelBehaviorError, match="'missing_tool', not found in agent 'a'"):
        await Runner.run(Agent(name="a", model=model), "hi")
