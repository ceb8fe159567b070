"""Runner entry points, results, hooks, instructions, settings and tool_use_behavior."""

from __future__ import annotations

import asyncio
from typing import Any

import anyio
import pytest
import trio

from structagents import (
    Agent,
    AgentHooks,
    FunctionToolResult,
    GuardrailFunctionOutput,
    MessageOutputItem,
    ModelSettings,
    OutputGuardrailTripwireTriggered,
    RunConfig,
    RunContextWrapper,
    RunHooks,
    Runner,
    StopAtTools,
    ToolCallItem,
    ToolCallOutputItem,
    ToolExecutionConfig,
    ToolsToFinalOutputResult,
    Usage,
    UserError,
    function_tool,
    output_guardrail,
)
from structagents.testing import ModelStep, ScriptedModel, assistant_message, function_call


@function_tool
def shout(text: str) -> str:
    """Upper-case the text."""
    return text.upper()


def test_run_sync_works_on_both_backends() -> None:
    for backend in ("asyncio", "trio"):
        model = ScriptedModel([[function_call("shout", {"text": "hi"}, call_id="c1")], "done"])
        agent = Agent(name="a", model=model, tools=[shout])
        result = Runner.run_sync(agent, "go", backend=backend)
        assert result.final_output == "done"
        assert result.new_items[1].raw_item["output"] == "HI"


def test_run_sync_refuses_inside_a_running_loop() -> None:
    agent = Agent(name="a", model=ScriptedModel(["x"]))

    async def inside() -> str:
        with pytest.raises(UserError, match=r"await Runner\.run"):
            Runner.run_sync(agent, "go")
        return "checked"

    assert asyncio.run(inside()) == "checked"
    assert trio.run(inside) == "checked"


def test_run_sync_rejects_unknown_backend() -> None:
    agent = Agent(name="a", model=ScriptedModel(["x"]))
    with pytest.raises(UserError, match="backend"):
        Runner.run_sync(agent, "go", backend="curio")  # type: ignore[arg-type]


async def test_result_fields_and_to_input_list() -> None:
    model = ScriptedModel(
        [
            ModelStep(
                output=[function_call("shout", {"text": "a"}, call_id="c1")],
                usage=Usage(requests=1, input_tokens=10, output_tokens=2, total_tokens=12),
                response_id="r1",
            ),
            ModelStep(
                output=[assistant_message("final")],
                usage=Usage(requests=1, input_tokens=20, output_tokens=3, total_tokens=23),
                response_id="r2",
            ),
        ]
    )
    agent = Agent(name="a", model=model, tools=[shout])
    result = await Runner.run(agent, "go")

    assert result.final_output == "final"
    assert result.last_agent is agent
    assert [type(i) for i in result.new_items] == [
        ToolCallItem,
        ToolCallOutputItem,
        MessageOutputItem,
    ]
    assert [r.response_id for r in result.raw_responses] == ["r1", "r2"]
    assert result.last_response_id == "r2"
    assert (result.usage.requests, result.usage.input_tokens, result.usage.total_tokens) == (
        2,
        30,
        35,
    )
    assert [e.input_tokens for e in result.usage.request_usage_entries] == [10, 20]
    assert result.to_input_list() == [
        {"role": "user", "content": "go"},
        *[item.to_input_item() for item in result.new_items],
    ]
    # What the second model call saw is exactly the history so far.
    assert model.calls[1].input == result.to_input_list()[:-1]


async def test_list_input_and_follow_up_run() -> None:
    model = ScriptedModel(["first", "second"])
    agent = Agent(name="a", model=model)
    first = await Runner.run(agent, "hello")
    follow_up = [*first.to_input_list(), {"role": "user", "content": "again"}]
    second = await Runner.run(agent, follow_up)
    assert second.final_output == "second"
    assert model.calls[1].input == follow_up


async def test_instructions_static_sync_and_async() -> None:
    def sync_instructions(ctx: RunContextWrapper[dict[str, str]], agent: Agent[Any]) -> str:
        return f"user is {ctx.context['user']}"

    async def async_instructions(ctx: RunContextWrapper[dict[str, str]], agent: Agent[Any]) -> str:
        return f"agent is {agent.name}"

    cases: list[tuple[Any, str]] = [
        ("static", "static"),
        (sync_instructions, "user is ada"),
        (async_instructions, "agent is helper"),
    ]
    for instructions, expected in cases:
        model = ScriptedModel(["ok"])
        agent = Agent(name="helper", instructions=instructions, model=model)
        await Runner.run(agent, "x", context={"user": "ada"})
        assert model.calls[0].system_instructions == expected


async def test_model_settings_from_run_config_override_the_agents() -> None:
    model = ScriptedModel(["ok"])
    agent = Agent(
        name="a",
        model=model,
        model_settings=ModelSettings(temperature=0.1, top_p=0.5, extra_args={"a": 1}),
    )
    await Runner.run(
        agent,
        "x",
        run_config=RunConfig(model_settings=ModelSettings(temperature=0.9, extra_args={"b": 2})),
    )
    settings = model.calls[0].model_settings
    assert (settings.temperature, settings.top_p) == (0.9, 0.5)
    assert settings.extra_args == {"a": 1, "b": 2}


async def test_run_config_model_overrides_agent_model() -> None:
    unused = ScriptedModel([])
    override = ScriptedModel(["from override"])
    result = await Runner.run(
        Agent(name="a", model=unused), "x", run_config=RunConfig(model=override)
    )
    assert result.final_output == "from override"
    assert unused.calls == ()


async def test_model_name_without_an_api_key_is_a_user_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(UserError, match="OPENAI_API_KEY"):
        await Runner.run(Agent(name="a", model="gpt-4.1"), "x")


async def test_context_reaches_tools_and_usage_is_live() -> None:
    seen: list[Any] = []

    @function_tool
    def remember(ctx: RunContextWrapper[dict[str, int]], value: int) -> str:
        ctx.context["total"] += value
        seen.append(ctx.usage.requests)
        return "ok"

    context = {"total": 1}
    model = ScriptedModel([[function_call("remember", {"value": 41}, call_id="c1")], "done"])
    result = await Runner.run(Agent(name="a", model=model, tools=[remember]), "x", context=context)
    assert context["total"] == 42
    assert seen == [1]
    assert result.context_wrapper.context is context


@pytest.mark.parametrize(
    ("behavior", "expected_output", "expected_calls"),
    [
        ("run_llm_again", "model answer", 2),
        ("stop_on_first_tool", "A", 1),
        (StopAtTools(stop_at_tool_names=["second"]), "b!", 1),
        (StopAtTools(stop_at_tool_names=["absent"]), "model answer", 2),
    ],
)
async def test_tool_use_behavior(behavior: Any, expected_output: str, expected_calls: int) -> None:
    @function_tool(name_override="second")
    def second(text: str) -> str:
        return text + "!"

    model = ScriptedModel(
        [
            [
                function_call("shout", {"text": "a"}, call_id="c1"),
                function_call("second", {"text": "b"}, call_id="c2"),
            ],
            "model answer",
        ]
    )
    agent = Agent(name="a", model=model, tools=[shout, second], tool_use_behavior=behavior)
    result = await Runner.run(agent, "x")
    assert result.final_output == expected_output
    assert len(model.calls) == expected_calls


async def test_custom_tool_use_behavior_function() -> None:
    async def decide(
        ctx: RunContextWrapper[Any], results: list[FunctionToolResult]
    ) -> ToolsToFinalOutputResult:
        outputs = [r.output for r in results]
        return ToolsToFinalOutputResult(is_final_output=True, final_output="+".join(outputs))

    model = ScriptedModel(
        [
            [
                function_call("shout", {"text": "a"}, call_id="c1"),
                function_call("shout", {"text": "b"}, call_id="c2"),
            ]
        ]
    )
    agent = Agent(name="a", model=model, tools=[shout], tool_use_behavior=decide)
    result = await Runner.run(agent, "x")
    assert result.final_output == "A+B"


def test_invalid_tool_use_behavior_is_a_user_error() -> None:
    with pytest.raises(UserError, match="tool_use_behavior"):
        Agent(name="a", tool_use_behavior="sometimes")  # type: ignore[arg-type]


async def test_output_guardrail_tripwire_cancels_the_others() -> None:
    slow_cancelled = anyio.Event()
    never = anyio.Event()

    @output_guardrail
    async def slow(ctx: RunContextWrapper[Any], agent: Agent[Any], output: Any) -> Any:
        try:
            await never.wait()
        finally:
            slow_cancelled.set()
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)

    @output_guardrail
    def no_secrets(ctx: RunContextWrapper[Any], agent: Agent[Any], output: Any) -> Any:
        return GuardrailFunctionOutput(output_info="secret", tripwire_triggered="secret" in output)

    agent = Agent(name="a", model=ScriptedModel(["the secret"]), output_guardrails=[slow])
    with pytest.raises(OutputGuardrailTripwireTriggered) as info:
        await Runner.run(agent, "x", run_config=RunConfig(output_guardrails=[no_secrets]))
    assert slow_cancelled.is_set()
    assert info.value.guardrail_result.agent_output == "the secret"
    assert info.value.guardrail_result.guardrail.get_name() == "no_secrets"


async def test_output_guardrails_pass_and_are_reported_in_order() -> None:
    def passing(label: str) -> Any:
        @output_guardrail(name=label)
        async def check(ctx: RunContextWrapper[Any], agent: Agent[Any], output: Any) -> Any:
            return GuardrailFunctionOutput(output_info=label, tripwire_triggered=False)

        return check

    agent = Agent(name="a", model=ScriptedModel(["fine"]), output_guardrails=[passing("one")])
    result = await Runner.run(agent, "x", run_config=RunConfig(output_guardrails=[passing("two")]))
    infos = [r.output.output_info for r in result.output_guardrail_results]
    assert sorted(infos) == ["one", "two"]  # in the order they finished, as in the reference


async def test_hooks_fire_in_lifecycle_order() -> None:
    events: list[str] = []

    class Recorder(RunHooks[Any]):
        async def on_agent_start(self, context: Any, agent: Any) -> None:
            events.append(f"run:agent_start:{agent.name}")

        async def on_llm_start(self, context: Any, agent: Any, prompt: Any, items: Any) -> None:
            events.append(f"run:llm_start:{len(items)}")

        async def on_llm_end(self, context: Any, agent: Any, response: Any) -> None:
            events.append("run:llm_end")

        async def on_tool_start(self, context: Any, agent: Any, tool: Any) -> None:
            events.append(f"run:tool_start:{tool.name}:{context.tool_call_id}")

        async def on_tool_end(self, context: Any, agent: Any, tool: Any, result: Any) -> None:
            events.append(f"run:tool_end:{result}")

        async def on_agent_end(self, context: Any, agent: Any, output: Any) -> None:
            events.append(f"run:agent_end:{output}")

    class AgentRecorder(AgentHooks[Any]):
        async def on_start(self, context: Any, agent: Any) -> None:
            events.append("agent:start")

        async def on_end(self, context: Any, agent: Any, output: Any) -> None:
            events.append("agent:end")

    model = ScriptedModel([[function_call("shout", {"text": "a"}, call_id="c1")], "done"])
    agent = Agent(name="a", model=model, tools=[shout], hooks=AgentRecorder())
    await Runner.run(agent, "x", hooks=Recorder())
    assert events == [
        "run:agent_start:a",
        "agent:start",
        "run:llm_start:1",
        "run:llm_end",
        "run:tool_start:shout:c1",
        "run:tool_end:A",
        "run:llm_start:3",
        "run:llm_end",
        "run:agent_end:done",
        "agent:end",
    ]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"input": 42}, "input must be"),
        ({"max_turns": -1}, "max_turns"),
    ],
)
async def test_bad_run_arguments_are_user_errors(kwargs: dict[str, Any], match: str) -> None:
    call: dict[str, Any] = {"input": "x", **kwargs}
    with pytest.raises(UserError, match=match):
        await Runner.run(Agent(name="a", model=ScriptedModel([])), **call)


async def test_starting_agent_must_be_an_agent() -> None:
    with pytest.raises(UserError, match="starting_agent"):
        await Runner.run("not an agent", "x")  # type: ignore[arg-type]


def test_run_config_validation_and_reference_spelling() -> None:
    config = RunConfig(tool_execution=ToolExecutionConfig(max_function_tool_concurrency=4))
    assert config.max_concurrent_tools == 4
    with pytest.raises(UserError, match="disagree"):
        RunConfig(
            max_concurrent_tools=2,
            tool_execution=ToolExecutionConfig(max_function_tool_concurrency=4),
        )
    with pytest.raises(UserError, match="run_timeout"):
        RunConfig(run_timeout=0)
    with pytest.raises(UserError, match="max_concurrent_tools"):
        RunConfig(max_concurrent_tools=0)


def test_agent_validation_says_how_to_fix() -> None:
    def plain(x: int) -> int:
        return x

    with pytest.raises(UserError, match="@function_tool"):
        Agent(name="a", tools=[plain])  # type: ignore[list-item]
    with pytest.raises(UserError, match="name"):
        Agent(name="")


async def test_clone_shares_nothing_it_should_not() -> None:
    base = Agent(name="base", instructions="one", model=ScriptedModel(["x"]))
    copy = base.clone(name="copy", instructions="two")
    assert (copy.name, copy.instructions, copy.model) == ("copy", "two", base.model)
    assert base.instructions == "one"


async def test_one_agent_serves_concurrent_runs() -> None:
    model = ScriptedModel([f"answer {i}" for i in range(20)])
    agent = Agent(name="shared", model=model)
    answers: list[str] = []

    async def one(i: int) -> None:
        result = await Runner.run(agent, f"q{i}")
        answers.append(result.final_output)

    async with anyio.create_task_group() as tg:
        for i in range(20):
            tg.start_soon(one, i)
    assert sorted(answers) == sorted(f"answer {i}" for i in range(20))
