"""Agent.reset_tool_choice, Agent.prompt, dict-form settings and tool-name collisions."""

from __future__ import annotations

import logging
from typing import Any

import anyio.lowlevel
import pytest

from structagents import (
    Agent,
    GenerateDynamicPromptData,
    MaxTurnsExceeded,
    ModelRetryBackoffSettings,
    ModelRetrySettings,
    ModelSettings,
    Prompt,
    RunConfig,
    RunContextWrapper,
    Runner,
    ToolContext,
    ToolExecutionConfig,
    UserError,
    function_tool,
    handoff,
    retry_policies,
)
from structagents.testing import ModelCall, ModelStep, ScriptedModel, function_call


@function_tool
def lookup(key: str) -> str:
    """Look a key up.

    Args:
        key: The key.
    """
    return f"value of {key}"


def forced_tool_model() -> ScriptedModel:
    """Calls the tool whenever tool_choice forces it; answers otherwise."""

    def reply(call: ModelCall) -> Any:
        if call.model_settings.tool_choice == "required":
            return [function_call("lookup", {"key": "k"}, call_id=f"c{len(model.calls)}")]
        return "done"

    model = ScriptedModel([ModelStep.respond(reply) for _ in range(6)])
    return model


async def test_forced_tool_choice_is_reset_after_a_tool_ran() -> None:
    model = forced_tool_model()
    agent = Agent(
        name="A", model=model, tools=[lookup], model_settings=ModelSettings(tool_choice="required")
    )
    result = await Runner.run(agent, "go")
    assert result.final_output == "done"
    assert [c.model_settings.tool_choice for c in model.calls] == ["required", None]


async def test_reset_tool_choice_false_keeps_forcing_until_max_turns() -> None:
    model = forced_tool_model()
    agent = Agent(
        name="A",
        model=model,
        tools=[lookup],
        model_settings=ModelSettings(tool_choice="required"),
        reset_tool_choice=False,
    )
    with pytest.raises(MaxTurnsExceeded):
        await Runner.run(agent, "go", max_turns=3)
    assert [c.model_settings.tool_choice for c in model.calls] == ["required"] * 3


async def test_prompt_static_sync_and_async_function() -> None:
    static: Prompt = {"id": "pmpt_1", "version": "2", "variables": {"city": "Oslo"}}

    def sync_prompt(data: GenerateDynamicPromptData) -> Prompt:
        return {"id": f"pmpt_{data.agent.name}"}

    async def async_prompt(data: GenerateDynamicPromptData) -> Prompt:
        return {"id": "pmpt_async", "variables": {"user": str(data.context.context)}}

    seen = []
    for prompt in (static, sync_prompt, async_prompt):
        model = ScriptedModel(["ok"])
        await Runner.run(Agent(name="P", model=model, prompt=prompt), "hi", context="ann")
        seen.append(model.calls[0].prompt)
    assert seen == [
        static,
        {"id": "pmpt_P"},
        {"id": "pmpt_async", "variables": {"user": "ann"}},
    ]


async def test_a_prompt_function_returning_garbage_is_a_user_error() -> None:
    agent = Agent(name="P", model=ScriptedModel(["ok"]), prompt=lambda data: "pmpt_1")  # type: ignore[arg-type,return-value]
    with pytest.raises(UserError, match="prompt must be a Prompt dict"):
        await Runner.run(agent, "hi")


async def test_settings_given_as_dicts() -> None:
    model = ScriptedModel(["ok"])
    agent = Agent(name="D", model=model, model_settings={"temperature": 0, "top_p": 0.5})  # type: ignore[arg-type]
    assert agent.model_settings == ModelSettings(temperature=0, top_p=0.5)
    config: Any = {"model_settings": {"top_p": 0.9, "retry": {"max_retries": 1}}}
    await Runner.run(agent, "hi", run_config=config)
    settings = model.calls[0].model_settings
    assert (settings.temperature, settings.top_p) == (0, 0.9)
    assert settings.retry == ModelRetrySettings(max_retries=1)
    run_config = RunConfig(tool_execution={"max_function_tool_concurrency": 2})  # type: ignore[arg-type]
    assert run_config.tool_execution == ToolExecutionConfig(max_function_tool_concurrency=2)
    assert run_config.max_concurrent_tools == 2
    assert agent.clone(model_settings={"top_p": 0.1}).model_settings == ModelSettings(top_p=0.1)


def test_unknown_settings_keys_are_user_errors() -> None:
    with pytest.raises(UserError, match="temprature"):
        Agent(name="D", model_settings={"temprature": 0})  # type: ignore[arg-type]
    with pytest.raises(UserError, match="max_retires"):
        ModelSettings(retry={"max_retires": 3})  # type: ignore[arg-type]
    with pytest.raises(UserError, match="unknown RunConfig field"):
        from structagents._config import coerce_run_config

        coerce_run_config({"max_turn": 3})
    with pytest.raises(UserError, match="timeout"):
        ModelSettings(timeout=0)


def test_resolve_merges_retry_field_by_field() -> None:
    policy = retry_policies.network_error()
    base = ModelSettings(
        temperature=0.2,
        retry=ModelRetrySettings(max_retries=2, backoff={"initial_delay": 1.0}, policy=policy),
    )
    merged = base.resolve({"retry": {"backoff": {"max_delay": 5.0}}, "timeout": 3.0})
    assert merged.retry is not None
    assert merged.retry.max_retries == 2
    assert merged.retry.policy is policy
    assert merged.retry.backoff == ModelRetryBackoffSettings(initial_delay=1.0, max_delay=5.0)
    assert (merged.temperature, merged.timeout) == (0.2, 3.0)
    assert merged.to_json_dict()["retry"]["max_retries"] == 2


def _twin(name: str, doc: str) -> Any:
    def fn() -> str:
        return doc

    return function_tool(fn, name_override=name, description_override=doc)


async def test_two_tools_with_one_name_are_a_user_error_before_any_request() -> None:
    model = ScriptedModel(["never sent"])
    agent = Agent(
        name="A", model=model, tools=[_twin("search", "Search the web."), _twin("search", "Grep.")]
    )
    with pytest.raises(UserError, match="'search'") as caught:
        await Runner.run(agent, "hi")
    assert "Search the web." in str(caught.value)
    assert "Grep." in str(caught.value)
    assert model.calls == ()


async def test_a_tool_named_like_a_handoff_is_a_user_error() -> None:
    other = Agent(name="Billing", model=ScriptedModel())
    model = ScriptedModel(["never sent"])
    agent = Agent(
        name="A",
        model=model,
        tools=[_twin("transfer_to_billing", "Pretend.")],
        handoffs=[handoff(other)],
    )
    with pytest.raises(UserError, match="handoff to agent 'Billing'"):
        await Runner.run(agent, "hi")
    assert model.calls == ()


async def test_warn_policy_offers_one_of_the_colliding_tools(
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = ScriptedModel(["ok"])
    agent = Agent(name="A", model=model, tools=[_twin("t", "First."), _twin("t", "Second.")])
    with caplog.at_level(logging.WARNING, logger="structagents"):
        await Runner.run(agent, "hi", run_config=RunConfig(tool_name_collision_policy="warn"))
    assert [getattr(t, "description", None) for t in model.calls[0].tools] == ["Second."]
    assert "more than one tool named 't'" in caplog.text


async def test_tool_execution_limits_function_tools_at_once_and_is_validated() -> None:
    running = 0
    most = 0

    @function_tool
    async def slow(n: int) -> str:
        """Take a few scheduler ticks."""
        nonlocal running, most
        running += 1
        most = max(most, running)
        for _ in range(5):
            await anyio.lowlevel.checkpoint()
        running -= 1
        return str(n)

    def model() -> ScriptedModel:
        calls = [function_call("slow", {"n": i}, call_id=f"c{i}") for i in range(4)]
        return ScriptedModel([calls, "done"])

    for limit, expected in ((None, 4), (1, 1), (2, 2)):
        most = 0
        config: Any = {"tool_execution": {"max_function_tool_concurrency": limit}}
        agent = Agent(name="T", model=model(), tools=[slow])
        assert (await Runner.run(agent, "go", run_config=config)).final_output == "done"
        assert most == expected
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="max_function_tool_concurrency"):
            ToolExecutionConfig(max_function_tool_concurrency=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pre_approval_tool_input_guardrails"):
        ToolExecutionConfig(pre_approval_tool_input_guardrails="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unknown ToolExecutionConfig field"):
        RunConfig(tool_execution={"max_concurrency": 2})  # type: ignore[arg-type]


def test_a_tool_context_takes_a_dict_run_config() -> None:
    ctx = ToolContext.from_run_context(
        RunContextWrapper(None),
        tool_name="t",
        tool_call_id="c",
        tool_arguments="{}",
        run_config={"max_concurrent_tools": 3},
    )
    assert isinstance(ctx.run_config, RunConfig)
    assert ctx.run_config.max_concurrent_tools == 3
    with pytest.raises(TypeError, match="max_turn"):
        ToolContext(None, run_config={"max_turn": 1})  # type: ignore[arg-type]
