"""`Agent.output_type`: the strict schema the model gets, and how its final answer is validated."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Literal

import pytest
from pydantic import BaseModel
from typing_extensions import NotRequired, TypedDict

from structagents import (
    Agent,
    AgentOutputSchema,
    MaxTurnsExceeded,
    MessageOutputItem,
    ModelBehaviorError,
    ReasoningItem,
    Runner,
    UserError,
    function_tool,
)
from structagents.testing import ScriptedModel, assistant_message, function_call


class Weather(BaseModel):
    city: str
    celsius: float
    note: str | None = None


class Trip(BaseModel):
    destination: Weather
    stops: list[Weather]


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Movie(TypedDict):
    title: str
    year: int
    tagline: NotRequired[str]


async def run(output_type: Any, *steps: Any) -> tuple[Any, ScriptedModel]:
    model = ScriptedModel(steps)
    result = await Runner.run(Agent(name="a", model=model, output_type=output_type), "go")
    return result.final_output, model


def sent_schema(model: ScriptedModel, call_index: int = 0) -> AgentOutputSchema:
    """The output schema the run sent with one model call."""
    schema = model.calls[call_index].output_schema
    assert isinstance(schema, AgentOutputSchema)
    return schema


def assert_strict(node: Any) -> None:
    """Every object schema inside `node` is closed and lists all its properties as required."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert node["required"] == list(node.get("properties", {}))
        for value in node.values():
            assert_strict(value)
    elif isinstance(node, list):
        for value in node:
            assert_strict(value)


# --- object types: sent as they are -----------------------------------------------------------


async def test_pydantic_model_output() -> None:
    output, model = await run(Weather, '{"city": "Oslo", "celsius": -3.5, "note": null}')
    assert output == Weather(city="Oslo", celsius=-3.5, note=None)
    assert isinstance(output, Weather)

    schema = sent_schema(model)
    assert schema.is_wrapped() is False
    assert schema.json_schema() == {
        "title": "Weather",
        "type": "object",
        "properties": {
            "city": {"title": "City", "type": "string"},
            "celsius": {"title": "Celsius", "type": "number"},
            "note": {"title": "Note", "anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["city", "celsius", "note"],
        "additionalProperties": False,
    }


async def test_nested_pydantic_model_schema_is_strict_throughout() -> None:
    answer = {
        "destination": {"city": "Rome", "celsius": 20, "note": "sunny"},
        "stops": [{"city": "Milan", "celsius": 15, "note": None}],
    }
    output, model = await run(Trip, json.dumps(answer))
    assert output.destination.note == "sunny"
    assert output.stops == [Weather(city="Milan", celsius=15)]

    schema = sent_schema(model).json_schema()
    assert_strict(schema)
    assert schema["$defs"]["Weather"]["required"] == ["city", "celsius", "note"]


async def test_typed_dict_output() -> None:
    output, model = await run(Movie, '{"title": "Alien", "year": 1979, "tagline": "Scream"}')
    assert output == {"title": "Alien", "year": 1979, "tagline": "Scream"}

    schema = sent_schema(model)
    assert schema.is_wrapped() is False
    json_schema = schema.json_schema()
    assert list(json_schema["properties"]) == ["title", "year", "tagline"]
    # Strict mode: even the NotRequired key is listed as required.
    assert json_schema["required"] == ["title", "year", "tagline"]
    assert json_schema["additionalProperties"] is False


async def test_pydantic_model_final_output_as() -> None:
    model = ScriptedModel(['{"city": "Oslo", "celsius": 1, "note": null}'])
    result = await Runner.run(Agent(name="a", model=model, output_type=Weather), "go")
    assert result.final_output_as(Weather, raise_if_incorrect_type=True).city == "Oslo"


# --- other types: wrapped as {"response": ...} ----------------------------------------------


@pytest.mark.parametrize(
    ("output_type", "answer", "expected", "inner_schema"),
    [
        (int, {"response": 42}, 42, {"type": "integer"}),
        (
            list[int],
            {"response": [1, 2, 3]},
            [1, 2, 3],
            {"type": "array", "items": {"type": "integer"}},
        ),
        (bool, {"response": False}, False, {"type": "boolean"}),
        (
            Literal["yes", "no"],
            {"response": "no"},
            "no",
            {"type": "string", "enum": ["yes", "no"]},
        ),
        (
            int | None,
            {"response": None},
            None,
            {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        ),
    ],
    ids=["int", "list-int", "bool", "literal", "optional-int"],
)
async def test_non_object_types_are_wrapped(
    output_type: Any, answer: Any, expected: Any, inner_schema: dict[str, Any]
) -> None:
    output, model = await run(output_type, json.dumps(answer))
    assert output == expected
    assert type(output) is type(expected)

    schema = sent_schema(model)
    assert schema.is_wrapped() is True
    assert schema.json_schema() == {
        "type": "object",
        "properties": {"response": inner_schema},
        "required": ["response"],
        "additionalProperties": False,
    }


async def test_dataclass_output_is_wrapped_and_strict() -> None:
    output, model = await run(Point, '{"response": {"x": 1, "y": 2}}')
    assert output == Point(x=1, y=2)

    schema = sent_schema(model)
    assert schema.is_wrapped() is True
    json_schema = schema.json_schema()
    assert json_schema["required"] == ["response"]
    inner = json_schema["properties"]["response"]
    assert inner["required"] == ["x", "y"]
    assert inner["additionalProperties"] is False
    assert_strict(json_schema)


async def test_list_of_models_keeps_definitions_at_the_top_and_strict() -> None:
    output, model = await run(
        list[Weather], '{"response": [{"city": "Oslo", "celsius": 0, "note": null}]}'
    )
    assert output == [Weather(city="Oslo", celsius=0)]
    schema = sent_schema(model).json_schema()
    assert schema["properties"]["response"] == {
        "type": "array",
        "items": {"$ref": "#/$defs/Weather"},
    }
    assert schema["$defs"]["Weather"]["additionalProperties"] is False
    assert_strict(schema)


@pytest.mark.parametrize("answer", ["42", "[1]", '{"value": 42}'])
async def test_wrapped_type_must_be_answered_wrapped(answer: str) -> None:
    with pytest.raises(ModelBehaviorError) as info:
        await run(int, answer)
    assert info.value.run_data is not None


async def test_wrapped_value_of_the_wrong_type_is_a_model_behavior_error() -> None:
    with pytest.raises(ModelBehaviorError, match="does not match output_type int"):
        await run(int, '{"response": "many"}')


# --- invalid output -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "It is cold in Oslo.",
        '{"city": "Oslo"}',
        '{"city": "Oslo", "celsius": "freezing", "note": null}',
        "[]",
    ],
    ids=["not-json", "missing-field", "wrong-type", "not-an-object"],
)
async def test_invalid_final_output_raises_model_behavior_error_with_run_data(answer: str) -> None:
    model = ScriptedModel([answer])
    agent = Agent(name="forecaster", model=model, output_type=Weather)
    with pytest.raises(ModelBehaviorError, match="Weather") as info:
        await Runner.run(agent, "go")

    run_data = info.value.run_data
    assert run_data is not None
    assert run_data.last_agent is agent
    assert run_data.input == "go"
    assert len(run_data.raw_responses) == 1
    [item] = run_data.new_items
    assert isinstance(item, MessageOutputItem)
    assert item.raw_item.content[0].text == answer


async def test_invalid_output_after_a_tool_turn_keeps_the_tool_items_in_run_data() -> None:
    @function_tool
    def lookup() -> str:
        return "cold"

    model = ScriptedModel([[function_call("lookup", {}, call_id="c1")], "not json"])
    with pytest.raises(ModelBehaviorError) as info:
        await Runner.run(Agent(name="a", model=model, tools=[lookup], output_type=Weather), "go")
    run_data = info.value.run_data
    assert run_data is not None
    assert [item.type for item in run_data.new_items] == [
        "tool_call_item",
        "tool_call_output_item",
        "message_output_item",
    ]
    assert len(run_data.raw_responses) == 2


# --- which message is the answer, and replies without one -----------------------------------


async def test_last_message_of_the_reply_is_the_answer() -> None:
    output, _ = await run(
        Weather,
        [
            assistant_message("Let me think.", item_id="m1"),
            assistant_message('{"city": "Oslo", "celsius": 2, "note": null}', item_id="m2"),
        ],
    )
    assert output == Weather(city="Oslo", celsius=2)


async def test_message_next_to_tool_calls_is_not_validated() -> None:
    @function_tool
    def lookup() -> str:
        return "ok"

    model = ScriptedModel(
        [
            [assistant_message("Checking..."), function_call("lookup", {}, call_id="c1")],
            '{"response": 7}',
        ]
    )
    result = await Runner.run(Agent(name="a", model=model, tools=[lookup], output_type=int), "go")
    assert result.final_output == 7
    assert len(model.calls) == 2


async def test_reply_without_a_message_sends_a_structured_run_back_to_the_model() -> None:
    reasoning = {"type": "reasoning", "id": "r1", "summary": []}
    model = ScriptedModel([[], [reasoning], '{"response": [4, 5]}'])
    result = await Runner.run(Agent(name="a", model=model, output_type=list[int]), "go")
    assert result.final_output == [4, 5]
    assert len(model.calls) == 3
    assert [type(item) for item in result.new_items] == [ReasoningItem, MessageOutputItem]
    # The reasoning item is in the history the model saw on its third call.
    assert model.calls[2].input[-1] == reasoning


async def test_structured_run_without_any_message_hits_max_turns() -> None:
    model = ScriptedModel([[], [], []])
    with pytest.raises(MaxTurnsExceeded):
        await Runner.run(Agent(name="a", model=model, output_type=Weather), "go", max_turns=3)
    assert len(model.calls) == 3


@pytest.mark.parametrize("output_type", [None, str])
async def test_plain_text_reply_without_a_message_ends_the_run_with_empty_string(
    output_type: Any,
) -> None:
    output, model = await run(output_type, [])
    assert output == ""
    assert len(model.calls) == 1


@pytest.mark.parametrize("output_type", [None, str])
async def test_plain_text_output_is_the_message_text_and_no_schema_is_sent(
    output_type: Any,
) -> None:
    output, model = await run(output_type, '{"response": 1}')
    assert output == '{"response": 1}'
    assert model.calls[0].output_schema is None


async def test_multi_part_message_text_is_joined() -> None:
    message = assistant_message("")
    message["content"] = [
        {"type": "output_text", "text": '{"response": ', "annotations": []},
        {"type": "output_text", "text": "12}", "annotations": []},
    ]
    output, _ = await run(int, [message])
    assert output == 12


# --- schemas that cannot be strict ------------------------------------------------------------


async def test_output_type_that_cannot_be_strict_is_a_user_error_before_the_model_call() -> None:
    model = ScriptedModel(['{"response": {"a": 1}}'])
    with pytest.raises(UserError, match="additional properties"):
        await Runner.run(Agent(name="a", model=model, output_type=dict[str, int]), "go")
    assert model.calls == ()


def test_agent_output_schema_without_strict_mode_keeps_the_open_schema() -> None:
    # a dict type is the JSON object itself, not wrapped, as in the reference
    schema = AgentOutputSchema(dict[str, int], strict_json_schema=False)
    assert schema.json_schema() == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert schema.validate_json('{"a": 1}') == {"a": 1}


def test_plain_text_agent_output_schema_has_no_json_schema() -> None:
    schema = AgentOutputSchema(str)
    assert schema.is_plain_text()
    assert schema.validate_json("hello") == "hello"
    with pytest.raises(UserError):
        schema.json_schema()


def test_type_pydantic_cannot_describe_is_a_user_error() -> None:
    class Opaque:
        pass

    with pytest.raises(UserError, match="cannot be described as JSON"):
        AgentOutputSchema(Opaque)


async def test_agent_output_schema_instance_as_output_type() -> None:
    output_type = AgentOutputSchema(dict[str, int], strict_json_schema=False)
    output, model = await run(output_type, '{"a": 1}')
    assert output == {"a": 1}
    assert sent_schema(model).json_schema() == {
        "type": "object",
        "additionalProperties": {"type": "integer"},
    }
