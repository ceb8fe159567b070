"""More behaviours matched to the reference SDK (issue 13): handoff filters, output types, run
options, sessions, settings, agent equality, hooks and `is_enabled`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Literal

import anyio
import pytest

from structagents import (
    Agent,
    AgentHooks,
    AgentOutputSchema,
    GuardrailFunctionOutput,
    HandoffInputData,
    ItemHelpers,
    ModelSettings,
    OutputGuardrail,
    ReasoningItem,
    RunConfig,
    RunContextWrapper,
    Runner,
    SQLiteSession,
    ToolCallItem,
    UserError,
    function_tool,
    handoff,
    handoff_filters,
)
from structagents.testing import ScriptedModel, handoff_call

# --- 5. nest_handoff_history over several handoffs: one flat transcript --------------------


def _agents() -> tuple[Agent[Any], Agent[Any], Agent[Any], ScriptedModel]:
    last_model = ScriptedModel(["done"])
    last = Agent(name="Last", model=last_model)
    middle = Agent(
        name="Middle",
        model=ScriptedModel([[handoff_call("Last", call_id="h2")]]),
        handoffs=[last],
    )
    first = Agent(
        name="First",
        model=ScriptedModel([[handoff_call("Middle", call_id="h1")]]),
        handoffs=[middle],
    )
    return first, middle, last, last_model


async def test_nesting_over_two_handoffs_gives_one_flat_transcript() -> None:
    first, _, _, last_model = _agents()
    await Runner.run(first, "hello", run_config=RunConfig(nest_handoff_history=True))
    [summary] = last_model.calls[0].input
    text = summary["content"]
    assert summary["role"] == "assistant"
    assert text.count("<CONVERSATION HISTORY>") == 1  # the first summary was unpacked
    lines = text.splitlines()
    assert lines[0] == (
        "For context, here is the conversation so far between the user and the previous agent:"
    )
    assert lines[2] == "1. user: hello"
    calls = [json.loads(line.split(". ", 1)[1]) for line in lines[3:-1]]
    assert [(c["type"], c["call_id"]) for c in calls] == [
        ("function_call", "h1"),
        ("function_call_output", "h1"),
        ("function_call", "h2"),
        ("function_call_output", "h2"),
    ]


def test_nesting_passes_user_messages_of_the_turn_on_after_the_summary() -> None:
    agent = Agent(name="a")
    data = HandoffInputData(
        input_history="hi",
        pre_handoff_items=(),
        new_items=(
            ToolCallItem(agent, {"type": "function_call", "call_id": "c", "name": "t"}),
            _message(agent, "user", "second question"),
        ),
    )
    nested = handoff_filters.nest_handoff_history(data)
    assert not isinstance(nested.input_history, str)
    summary, forwarded = nested.input_history
    assert isinstance(summary, dict)
    assert "1. user: hi" in summary["content"]
    assert forwarded == {"role": "user", "content": "second question"}
    assert nested.input_items == ()


def _message(agent: Agent[Any], role: str, text: str) -> Any:
    from structagents import InputItem

    return InputItem(agent, {"role": role, "content": text})


# --- 6. remove_all_tools; str history and str content parts ----------------------------------


def test_remove_all_tools_drops_reasoning_mcp_and_hosted_items() -> None:
    agent = Agent(name="a")
    kinds = ("reasoning", "mcp_call", "web_search_call", "image_generation_call")
    history = (*({"type": kind, "id": kind} for kind in kinds), {"role": "user", "content": "kept"})
    data = HandoffInputData(
        input_history=history,
        pre_handoff_items=(ReasoningItem(agent, {"type": "reasoning", "id": "r", "summary": []}),),
        new_items=(ToolCallItem(agent, {"type": "web_search_call", "id": "w"}),),
    )
    filtered = handoff_filters.remove_all_tools(data)
    assert filtered.input_history == ({"role": "user", "content": "kept"},)
    assert filtered.pre_handoff_items == ()
    assert filtered.new_items == ()


def test_filters_accept_a_string_history() -> None:
    data = HandoffInputData(input_history="hi", pre_handoff_items=(), new_items=())
    assert handoff_filters.remove_all_tools(data).input_history == "hi"
    assert data.to_input_list() == [{"role": "user", "content": "hi"}]


def test_extract_text_reads_string_content_parts() -> None:
    message = {"role": "assistant", "content": ["plain ", {"type": "output_text", "text": "typed"}]}
    assert ItemHelpers.extract_text(message) == "plain typed"


# --- 7. output types ------------------------------------------------------------------------


async def test_non_strict_dict_output_is_the_object_itself() -> None:
    model = ScriptedModel(['{"a": 1, "b": 2}'])
    agent = Agent(
        name="a",
        model=model,
        output_type=AgentOutputSchema(dict[str, int], strict_json_schema=False),
    )
    result = await Runner.run(agent, "x")
    assert result.final_output == {"a": 1, "b": 2}


def test_output_schema_names_are_the_references() -> None:
    assert AgentOutputSchema(Literal["a", "b"]).name() == "Literal['a', 'b']"
    assert AgentOutputSchema(list[int]).name() == "list[int]"
    assert AgentOutputSchema(int).name() == "int"


# --- 10. run options --------------------------------------------------------------------------


async def test_max_turns_none_means_no_limit() -> None:
    @function_tool
    def step() -> str:
        return "ok"

    from structagents.testing import function_call

    turns: list[Any] = [[function_call("step", {}, call_id=f"c{i}")] for i in range(12)]
    model = ScriptedModel([*turns, "done"])
    result = await Runner.run(Agent(name="a", model=model, tools=[step]), "x", max_turns=None)
    assert result.final_output == "done"
    assert len(model.calls) == 13


async def test_output_guardrails_with_server_kept_history_fail_closed() -> None:
    guard = OutputGuardrail(lambda c, a, o: GuardrailFunctionOutput(None, False))
    agent = Agent(name="a", model=ScriptedModel(["hi"]), output_guardrails=[guard])
    with pytest.raises(UserError, match="output guardrails"):
        await Runner.run(agent, "x", previous_response_id="resp_1")
    with pytest.raises(UserError, match="output guardrails"):
        await Runner.run(
            Agent(name="b", model=ScriptedModel(["hi"])),
            "x",
            conversation_id="conv_1",
            run_config=RunConfig(output_guardrails=[guard]),
        )


class _FalsyFilter:
    def __init__(self) -> None:
        self.calls = 0

    def __bool__(self) -> bool:
        return False

    def __call__(self, data: HandoffInputData) -> HandoffInputData:
        self.calls += 1
        return data.clone(input_history=({"role": "user", "content": "filtered"},))


async def test_a_falsy_but_callable_input_filter_is_used() -> None:
    falsy = _FalsyFilter()
    last_model = ScriptedModel(["done"])
    last = Agent(name="Last", model=last_model)
    first = Agent(
        name="First",
        model=ScriptedModel([[handoff_call("Last", call_id="h1")]]),
        handoffs=[handoff(last, input_filter=falsy)],
    )
    await Runner.run(first, "hello")
    assert falsy.calls == 1
    assert last_model.calls[0].input[0] == {"role": "user", "content": "filtered"}


async def test_a_closed_session_is_a_runtime_error_even_for_no_items(tmp_path: Path) -> None:
    session = SQLiteSession("s", tmp_path / "s.db")
    session.close()
    with pytest.raises(RuntimeError, match="SQLiteSession is closed"):
        await session.add_items([])
    with pytest.raises(UserError):
        await session.add_items([])


def test_model_settings_are_mutable() -> None:
    settings = ModelSettings(temperature=0.1)
    settings.temperature = 0.5
    assert settings == ModelSettings(temperature=0.5)


def test_agents_compare_by_fields_and_stay_hashable() -> None:
    a = Agent(name="a", instructions="x")
    same = dataclasses.replace(a)
    assert a == same
    assert a is not same
    assert a != Agent(name="a", instructions="y")
    assert {a: 1}[same] == 1
    assert len({a, same, Agent(name="b")}) == 2


async def test_on_handoff_fires_on_the_source_agents_hooks() -> None:
    seen: list[str] = []

    class Recorder(AgentHooks[Any]):
        def __init__(self, label: str) -> None:
            self.label = label

        async def on_handoff(self, context: Any, agent: Any, source: Any) -> None:
            seen.append(f"{self.label}: {source.name}->{agent.name}")

    first, middle, last, _ = _agents()
    first.hooks, middle.hooks, last.hooks = Recorder("first"), Recorder("middle"), Recorder("last")
    await Runner.run(first, "hello")
    assert seen == ["first: First->Middle", "middle: Middle->Last"]


async def test_is_enabled_callbacks_run_concurrently() -> None:
    both_started = anyio.Event()
    started: list[str] = []

    async def enabled(ctx: RunContextWrapper[Any], agent: Any) -> bool:
        started.append("x")
        if len(started) == 2:
            both_started.set()
        await both_started.wait()  # only returns once every check has started
        return True

    tools: list[Any] = [
        function_tool(lambda: "", name_override=n, is_enabled=enabled) for n in "ab"
    ]
    agent = Agent(name="a", tools=tools)
    with anyio.fail_after(5):
        assert [t.name for t in await agent.get_all_tools(RunContextWrapper(None))] == ["a", "b"]
