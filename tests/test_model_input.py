"""What each model call receives: chaining on server state, and call_model_input_filter."""

from __future__ import annotations

from typing import Any

import pytest

from structagents import (
    Agent,
    CallModelData,
    ModelInputData,
    RunConfig,
    RunHooks,
    Runner,
    UserError,
    function_tool,
    open_run,
)
from structagents.testing import ModelStep, ScriptedModel, assistant_message, function_call


@function_tool
def add(a: int, b: int) -> int:
    return a + b


def tool_then_answer() -> ScriptedModel:
    return ScriptedModel(
        [
            ModelStep(
                output=[function_call("add", {"a": 1, "b": 2}, call_id="c1")], response_id="r1"
            ),
            ModelStep(output=[assistant_message("3")], response_id="r2"),
        ]
    )


async def test_previous_response_id_sends_only_new_items() -> None:
    model = tool_then_answer()
    result = await Runner.run(
        Agent(name="a", model=model, tools=[add]), "1+2?", previous_response_id="r0"
    )
    first, second = model.calls
    assert (first.previous_response_id, first.input) == (
        "r0",
        [{"role": "user", "content": "1+2?"}],
    )
    assert second.previous_response_id == "r1"
    assert second.input == [{"type": "function_call_output", "call_id": "c1", "output": "3"}]
    assert result.last_response_id == "r2"
    # The run's own record is complete.
    assert len(result.to_input_list()) == 4


async def test_auto_previous_response_id_chains_after_the_first_call() -> None:
    model = tool_then_answer()
    await Runner.run(
        Agent(name="a", model=model, tools=[add]), "1+2?", auto_previous_response_id=True
    )
    first, second = model.calls
    assert (first.previous_response_id, len(first.input)) == (None, 1)
    assert (second.previous_response_id, len(second.input)) == ("r1", 1)


async def test_conversation_id_sends_new_items_with_the_conversation() -> None:
    model = tool_then_answer()
    async with open_run(
        Agent(name="a", model=model, tools=[add]), "1+2?", conversation_id="conv_1"
    ) as stream:
        async for _ in stream:
            pass
    first, second = model.calls
    assert [c.conversation_id for c in model.calls] == ["conv_1", "conv_1"]
    assert stream.last_response_id == "r2"
    assert [c.previous_response_id for c in model.calls] == [None, None]
    assert len(first.input) == 1
    assert second.input == [{"type": "function_call_output", "call_id": "c1", "output": "3"}]


async def test_without_server_state_every_call_sends_the_whole_history() -> None:
    model = tool_then_answer()
    await Runner.run(Agent(name="a", model=model, tools=[add]), "1+2?")
    assert [len(c.input) for c in model.calls] == [1, 3]
    assert [c.previous_response_id for c in model.calls] == [None, None]


async def test_conversation_and_previous_response_are_both_sent() -> None:
    model = ScriptedModel(["ok"])
    agent = Agent(name="a", model=model)
    await Runner.run(agent, "x", conversation_id="c", previous_response_id="r")
    assert (model.calls[0].conversation_id, model.calls[0].previous_response_id) == ("c", "r")


async def test_call_model_input_filter_rewrites_every_call() -> None:
    seen: list[tuple[str, int]] = []

    async def trim(data: CallModelData[Any]) -> ModelInputData:
        seen.append((data.agent.name, len(data.model_data.input)))
        context = data.context
        assert context is not None
        return ModelInputData(
            input=data.model_data.input[-1:],
            instructions=f"{data.model_data.instructions} (user {context['user']})",
        )

    model = tool_then_answer()
    agent = Agent(name="calc", instructions="Add.", model=model, tools=[add])
    result = await Runner.run(
        agent,
        "1+2?",
        context={"user": "ada"},
        run_config=RunConfig(call_model_input_filter=trim),
    )
    assert seen == [("calc", 1), ("calc", 3)]
    assert [c.system_instructions for c in model.calls] == ["Add. (user ada)"] * 2
    assert [len(c.input) for c in model.calls] == [1, 1]
    assert len(result.to_input_list()) == 4


async def test_call_model_input_filter_must_return_model_input_data() -> None:
    config = RunConfig(call_model_input_filter=lambda data: data.model_data.input)  # type: ignore[arg-type,return-value]
    with pytest.raises(UserError, match="ModelInputData"):
        await Runner.run(Agent(name="a", model=ScriptedModel(["x"])), "x", run_config=config)


class _Keeping(ScriptedModel):
    """Keeps the list each call receives (as a model written for the reference SDK may)."""

    def __init__(self, steps: Any) -> None:
        super().__init__(steps)
        self.received: list[Any] = []

    async def get_response(
        self, system_instructions: Any, input: Any, *args: Any, **kw: Any
    ) -> Any:
        self.received.append(input)
        return await super().get_response(system_instructions, input, *args, **kw)


class _Borrowing(_Keeping):
    borrows_input = True


class _HookCounting(RunHooks[Any]):
    pass


def _three_turns() -> list[Any]:
    return [
        [function_call("add", {"a": 1, "b": 2}, call_id="c1")],
        [function_call("add", {"a": 3, "b": 4}, call_id="c2")],
        [assistant_message("done")],
    ]


@pytest.mark.parametrize("lends", ["borrowing", "inherited", "hooks", "sensitive trace"])
async def test_history_list_is_lent_only_to_a_model_that_declares_it(lends: str) -> None:
    """A model class that declares `borrows_input` receives the run's own history list (no
    per-turn copy); an inherited declaration, run hooks or a span recording the input get
    a copy each turn, which later turns leave unchanged."""
    model = _Borrowing(_three_turns()) if lends != "inherited" else _Keeping(_three_turns())
    if lends == "inherited":
        assert ScriptedModel.borrows_input
        assert "borrows_input" not in type(model).__dict__
    config = RunConfig(tracing_disabled=lends != "sensitive trace")
    hooks = _HookCounting() if lends == "hooks" else None
    result = await Runner.run(
        Agent(name="a", model=model, tools=[add]), "go", run_config=config, hooks=hooks
    )
    assert result.final_output == "done"
    first, second, third = model.received
    if lends == "borrowing":
        assert first is second is third  # the history list itself, grown by the run
        assert len(first) == 6
    else:
        assert [len(first), len(second), len(third)] == [1, 3, 5]
    assert model.calls[0].input == [{"role": "user", "content": "go"}]  # records are copies
    assert third == result.to_input_list()[: len(third)]
