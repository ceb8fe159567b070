"""RunErrorHandlers: max_turns, model_refusal and invalid_final_output turned into answers."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from pydantic import BaseModel

from structagents import (
    Agent,
    MaxTurnsExceeded,
    MemorySession,
    MessageOutputItem,
    ModelBehaviorError,
    ModelRefusalError,
    RunErrorHandlerInput,
    RunErrorHandlerResult,
    RunErrorHandlers,
    Runner,
    UserError,
    function_tool,
)
from structagents.testing import ScriptedModel, assistant_message, function_call


@function_tool
def ping() -> str:
    """Ping."""
    return "pong"


def looping(turns: int = 3) -> Agent[Any]:
    steps = [[function_call("ping", {}, call_id=f"p{n}")] for n in range(turns)]
    return Agent(name="Looper", model=ScriptedModel(steps), tools=[ping])


def refusing() -> Agent[Any]:
    refusal = {
        "type": "message",
        "id": "m",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "refusal", "refusal": "I can't help with that."}],
    }
    return Agent(name="Careful", model=ScriptedModel([[refusal]]))


class Answer(BaseModel):
    value: int


def structured(text: str) -> Agent[Any]:
    return Agent(name="Typed", model=ScriptedModel([[assistant_message(text)]]), output_type=Answer)


async def test_max_turns_handler_gives_the_final_output_and_history() -> None:
    seen: list[RunErrorHandlerInput[Any]] = []

    def handler(data: RunErrorHandlerInput[Any]) -> RunErrorHandlerResult:
        seen.append(data)
        return RunErrorHandlerResult(final_output="I stopped after two tries.")

    session = MemorySession("s")
    result = await Runner.run(
        looping(), "go", max_turns=2, error_handlers={"max_turns": handler}, session=session
    )
    assert result.final_output == "I stopped after two tries."
    assert isinstance(result.new_items[-1], MessageOutputItem)
    [data] = seen
    assert isinstance(data.error, MaxTurnsExceeded)
    assert data.run_data.last_agent.name == "Looper"
    assert len(data.run_data.raw_responses) == 2
    assert data.run_data.history[0] == {"role": "user", "content": "go"}
    assert len(data.run_data.output) == 4  # two calls, two outputs
    stored = await session.get_items()
    assert stored[-1]["content"][0]["text"] == "I stopped after two tries."


async def test_handlers_may_be_async_return_plain_values_dicts_or_none() -> None:
    async def quiet(data: RunErrorHandlerInput[Any]) -> dict[str, Any]:
        await anyio.lowlevel.checkpoint()
        return {"final_output": "quietly", "include_in_history": False}

    result = await Runner.run(looping(), "go", max_turns=1, error_handlers={"max_turns": quiet})
    assert result.final_output == "quietly"
    assert not any(isinstance(i, MessageOutputItem) for i in result.new_items)

    plain = await Runner.run(
        looping(), "go", max_turns=1, error_handlers=RunErrorHandlers(max_turns=lambda d: 42)
    )
    assert plain.final_output == 42

    with pytest.raises(MaxTurnsExceeded) as caught:
        await Runner.run(looping(), "go", max_turns=1, error_handlers={"max_turns": lambda d: None})
    assert caught.value.run_state is not None

    with pytest.raises(UserError, match="only hold final_output"):
        await Runner.run(
            looping(),
            "go",
            max_turns=1,
            error_handlers={"max_turns": lambda d: {"final_output": 1, "extra": 2}},
        )


async def test_a_refusal_raises_model_refusal_error_unless_handled() -> None:
    with pytest.raises(ModelRefusalError) as caught:
        await Runner.run(refusing(), "do something bad")
    assert caught.value.refusal == "I can't help with that."

    def explain(data: RunErrorHandlerInput[Any]) -> str:
        assert isinstance(data.error, ModelRefusalError)
        return f"Refused: {data.error.refusal}"

    result = await Runner.run(
        refusing(), "do something bad", error_handlers={"model_refusal": explain}
    )
    assert result.final_output == "Refused: I can't help with that."


async def test_invalid_final_output_handler_validates_what_it_returns() -> None:
    with pytest.raises(ModelBehaviorError):
        await Runner.run(structured("not json"), "go")

    def fallback(data: RunErrorHandlerInput[Any]) -> Answer:
        assert isinstance(data.error, ModelBehaviorError)
        return Answer(value=-1)

    result = await Runner.run(
        structured("not json"), "go", error_handlers={"invalid_final_output": fallback}
    )
    assert result.final_output == Answer(value=-1)
    assert result.new_items[-1].raw_item.content[0].text == '{"value":-1}'

    with pytest.raises(ModelBehaviorError):
        await Runner.run(
            structured("not json"), "go", error_handlers={"invalid_final_output": lambda d: None}
        )
    with pytest.raises(UserError, match="not a valid Answer"):
        await Runner.run(
            structured("not json"), "go", error_handlers={"invalid_final_output": lambda d: "x"}
        )


async def test_structured_run_without_a_message_goes_to_the_handler() -> None:
    agent = Agent(
        name="Typed",
        model=ScriptedModel([[], [assistant_message('{"value": 3}')]]),
        output_type=Answer,
    )
    result = await Runner.run(agent, "go")
    assert result.final_output == Answer(value=3)  # no handler: the model is asked again

    agent = Agent(name="Typed", model=ScriptedModel([[]]), output_type=Answer)
    result = await Runner.run(
        agent,
        "go",
        error_handlers={"invalid_final_output": lambda d: {"final_output": {"value": 7}}},
    )
    assert result.final_output == Answer(value=7)


async def test_streamed_runs_use_the_handlers_too() -> None:
    async with Runner.run_streamed(
        looping(), "go", max_turns=1, error_handlers={"max_turns": lambda d: "enough"}
    ) as streamed:
        kinds = [event.type async for event in streamed.stream_events()]
    assert streamed.final_output == "enough"
    assert kinds[-1] == "run_item_stream_event"


async def test_a_refusal_handler_returning_none_reraises() -> None:
    with pytest.raises(ModelRefusalError):
        await Runner.run(refusing(), "bad", error_handlers={"model_refusal": lambda d: None})
