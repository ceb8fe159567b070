"""The reference SDK's helpers on results and contexts: `to_input_list(mode=...)`,
`RunContextWrapper.turn_input` (and `AgentHookContext`), and custom `AgentOutputSchemaBase`
subclasses as `output_type`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openai import AsyncOpenAI

from structagents import (
    Agent,
    AgentHookContext,
    AgentHooks,
    AgentOutputSchemaBase,
    HandoffInputData,
    MessageOutputItem,
    ModelBehaviorError,
    OpenAIResponsesModel,
    RunConfig,
    RunContextWrapper,
    RunErrorHandlers,
    Runner,
    ToolContext,
    UserError,
    function_tool,
    handoff,
)
from structagents.testing import FakeOpenAIServer, ScriptedModel, assistant_message, function_call


def triage_and_delegate(**handoff_options: Any) -> tuple[Agent[Any], ScriptedModel]:
    """Triage says something, then hands off; the delegate answers."""
    delegate_model = ScriptedModel([[assistant_message("resolution")]])
    delegate = Agent(name="delegate", model=delegate_model)
    target = handoff(delegate, **handoff_options) if handoff_options else delegate
    triage_model = ScriptedModel(
        [
            [
                assistant_message("triage summary"),
                function_call("transfer_to_delegate", {}, call_id="h1"),
            ]
        ]
    )
    return Agent(name="triage", model=triage_model, handoffs=[target]), delegate_model


def kinds(items: list[dict[str, Any]]) -> list[str]:
    return [item.get("type", "message") for item in items]


async def test_to_input_list_modes_are_the_same_for_an_ordinary_run() -> None:
    model = ScriptedModel([[function_call("ping", {}, call_id="c1")], "done"])

    @function_tool
    def ping() -> str:
        return "pong"

    result = await Runner.run(Agent(name="a", model=model, tools=[ping]), "hi")
    preserve_all = result.to_input_list()
    assert result.to_input_list(mode="preserve_all") == preserve_all
    assert result.to_input_list(mode="normalized") == preserve_all
    assert kinds(preserve_all) == ["message", "function_call", "function_call_output", "message"]
    with pytest.raises(ValueError, match="preserve_all"):
        result.to_input_list(mode="everything")  # type: ignore[arg-type]


async def test_normalized_is_the_filtered_continuation_after_a_handoff_filter() -> None:
    def messages_only(data: HandoffInputData) -> HandoffInputData:
        return data.clone(
            pre_handoff_items=(),
            new_items=tuple(i for i in data.new_items if isinstance(i, MessageOutputItem)),
        )

    triage, delegate_model = triage_and_delegate(input_filter=messages_only)
    result = await Runner.run(triage, "user_question")
    # Every item the run produced, as the reference's default view:
    assert kinds(result.to_input_list()) == [
        "message",
        "message",
        "function_call",
        "function_call_output",
        "message",
    ]
    normalized = result.to_input_list(mode="normalized")
    assert kinds(normalized) == ["message", "message", "message"]  # as the reference: 3 items
    assert normalized[:2] == delegate_model.calls[0].input  # what the delegate was sent ...
    assert normalized[2]["content"][0]["text"] == "resolution"  # ... and what it answered
    follow_up = [*normalized, {"role": "user", "content": "and then?"}]
    json.dumps(follow_up)


async def test_normalized_after_nested_history_has_no_tool_items() -> None:
    triage, delegate_model = triage_and_delegate()
    result = await Runner.run(
        triage, "user_question", run_config=RunConfig(nest_handoff_history=True)
    )
    assert "function_call" in kinds(result.to_input_list())
    normalized = result.to_input_list(mode="normalized")
    assert "function_call" not in kinds(normalized)
    assert "function_call_output" not in kinds(normalized)
    assert normalized[: len(delegate_model.calls[0].input)] == delegate_model.calls[0].input
    assert "user_question" in json.dumps(normalized[0])  # inside the summary


async def test_streamed_results_take_the_mode_too() -> None:
    triage, _ = triage_and_delegate(input_filter=lambda data: data.clone(input_history=()))
    async with Runner.run_streamed(triage, "user_question") as result:
        async for _ in result.stream_events():
            pass
    assert kinds(result.to_input_list()) == kinds(result.result.to_input_list())
    assert result.to_input_list()[0] == {"role": "user", "content": "user_question"}
    normalized = result.to_input_list(mode="normalized")
    assert normalized == result.result.to_input_list(mode="normalized")
    assert {"role": "user", "content": "user_question"} not in normalized  # filtered out


async def test_to_input_list_omits_reasoning_ids_when_the_run_does() -> None:
    reasoning = {"type": "reasoning", "id": "rs_1", "summary": []}
    model = ScriptedModel([[reasoning, assistant_message("done")]])
    config = RunConfig(reasoning_item_id_policy="omit")
    result = await Runner.run(Agent(name="a", model=model), "hi", run_config=config)
    assert result.to_input_list()[1] == {"type": "reasoning", "summary": []}
    assert result.new_items[0].raw_item.id == "rs_1"  # the item itself keeps it
    kept = await Runner.run(
        Agent(name="a", model=ScriptedModel([[reasoning, assistant_message("ok")]])), "hi"
    )
    assert kept.to_input_list()[1]["id"] == "rs_1"


class TurnInputHooks(AgentHooks[Any]):
    def __init__(self) -> None:
        self.seen: list[list[Any]] = []

    async def on_start(self, context: AgentHookContext[Any], agent: Agent[Any]) -> None:
        assert isinstance(context, AgentHookContext)
        self.seen.append(list(context.turn_input))


@pytest.mark.parametrize(
    "run_input",
    ["hello world", [{"role": "user", "content": "first"}, {"role": "user", "content": "second"}]],
)
async def test_agent_hooks_see_the_turn_input(run_input: Any) -> None:
    expected = [{"role": "user", "content": run_input}] if isinstance(run_input, str) else run_input
    for streamed in (False, True):
        hooks = TurnInputHooks()
        agent = Agent(name="a", model=ScriptedModel(["hi"]), hooks=hooks)
        if streamed:
            async with Runner.run_streamed(agent, run_input) as result:
                async for _ in result.stream_events():
                    pass
        else:
            await Runner.run(agent, run_input)
        assert hooks.seen == [expected]


async def test_tools_see_the_turn_input() -> None:
    seen: list[Any] = []

    @function_tool
    def look(ctx: ToolContext[Any]) -> str:
        seen.append(ctx.turn_input)
        return "ok"

    model = ScriptedModel([[function_call("look", {}, call_id="c1")], "done"])
    await Runner.run(Agent(name="a", model=model, tools=[look]), "what is there?")
    assert seen == [[{"role": "user", "content": "what is there?"}]]
    assert RunContextWrapper(None).turn_input == []


class UpperCaseWords(AgentOutputSchemaBase):
    """A custom output schema: a list of words, returned upper-cased."""

    def is_plain_text(self) -> bool:
        return False

    def name(self) -> str:
        return "UpperCaseWords"

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"words": {"type": "array", "items": {"type": "string"}}},
            "required": ["words"],
            "additionalProperties": False,
        }

    def is_strict_json_schema(self) -> bool:
        return False

    def validate_json(self, json_str: str) -> Any:
        try:
            return [word.upper() for word in json.loads(json_str)["words"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelBehaviorError(f"not a word list: {json_str!r}") from exc


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)  # real sockets below: trio on its real clock


async def test_a_custom_output_schema_is_sent_and_validates_the_answer() -> None:
    async with FakeOpenAIServer(steps=['{"words": ["a", "b"]}']) as server:
        async with AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
            agent = Agent(
                name="a",
                model=OpenAIResponsesModel("gpt-test", openai_client=client),
                output_type=UpperCaseWords(),
            )
            result = await Runner.run(agent, "two words")
    assert result.final_output == ["A", "B"]
    text_format = server.requests[0].body["text"]["format"]
    assert text_format["schema"] == UpperCaseWords().json_schema()
    assert text_format["strict"] is False

    bad = Agent(name="b", model=ScriptedModel(["no json"]), output_type=UpperCaseWords())
    with pytest.raises(ModelBehaviorError, match="not a word list"):
        await Runner.run(bad, "go")


async def test_an_error_handler_output_goes_through_the_custom_schema() -> None:
    agent = Agent(name="a", model=ScriptedModel(["not json"]), output_type=UpperCaseWords())
    handlers: RunErrorHandlers[Any] = RunErrorHandlers(
        invalid_final_output=lambda data: {"words": ["x"]}
    )
    result = await Runner.run(agent, "go", error_handlers=handlers)
    assert result.final_output == ["X"]


def test_output_type_must_be_a_type_or_a_schema_instance() -> None:
    with pytest.raises(UserError, match="AgentOutputSchemaBase instance"):
        Agent(name="a", output_type=[int])
