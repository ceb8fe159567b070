"""`function_tool`: schemas from signatures and docstrings, context, threads, errors, enabling."""

from __future__ import annotations

import math
import threading
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from structagents import (
    Agent,
    FunctionTool,
    ModelBehaviorError,
    RunContextWrapper,
    Runner,
    RunResult,
    ToolCallOutputItem,
    ToolContext,
    UserError,
    default_tool_error_function,
    function_tool,
)
from structagents.testing import ScriptedModel, assistant_message, function_call

# --- helpers and module-level types (annotations are resolved from module globals) -----------


class Address(BaseModel):
    street: str
    zip_code: str | None = None


class Person(BaseModel):
    name: str
    addresses: list[Address]


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str


class WithMapping(BaseModel):
    counts: dict[str, int]


class Ctx:
    def __init__(self) -> None:
        self.seen: list[str] = []


def tool_outputs(result: RunResult) -> list[Any]:
    """The Python outputs of every tool call of a run, in order."""
    return [item.output for item in result.new_items if isinstance(item, ToolCallOutputItem)]


def raw_tool_outputs(result: RunResult) -> list[str]:
    """The tool outputs as the model sees them (the history items' `output` text)."""
    return [
        item.raw_item["output"] for item in result.new_items if isinstance(item, ToolCallOutputItem)
    ]


def call_then_answer(name: str, arguments: Any, answer: str = "done") -> ScriptedModel:
    return ScriptedModel(
        [[function_call(name, arguments, call_id="call_1")], [assistant_message(answer)]]
    )


def offered_tool_names(model: ScriptedModel, call_index: int = 0) -> list[str]:
    return [tool.name for tool in model.calls[call_index].tools]


# --- schema from signature and docstring ----------------------------------------------------


def test_google_docstring_gives_description_and_parameter_descriptions() -> None:
    @function_tool
    def get_weather(city: str, days: int) -> str:
        """Get the forecast for a city.

        Args:
            city: The city to look up.
            days: How many days ahead.
        """
        return ""

    assert isinstance(get_weather, FunctionTool)
    assert get_weather.name == "get_weather"
    assert get_weather.description == "Get the forecast for a city."
    assert get_weather.strict_json_schema is True
    assert get_weather.params_json_schema == {
        "title": "get_weather_args",
        "type": "object",
        "properties": {
            "city": {"type": "string", "title": "City", "description": "The city to look up."},
            "days": {"type": "integer", "title": "Days", "description": "How many days ahead."},
        },
        "required": ["city", "days"],
        "additionalProperties": False,
    }


def _sphinx(city: str, days: int) -> str:
    """Get the forecast for a city.

    :param city: The city to look up.
    :param days: How many days ahead.
    :returns: The forecast.
    """
    return ""


def _numpy(city: str, days: int) -> str:
    """Get the forecast for a city.

    Parameters
    ----------
    city : str
        The city to look up.
    days : int
        How many days ahead.

    Returns
    -------
    str
        The forecast.
    """
    return ""


def _google(city: str, days: int) -> str:
    """Get the forecast for a city.

    Args:
        city: The city to look up.
        days: How many days ahead.

    Returns:
        The forecast.
    """
    return ""


@pytest.mark.parametrize("func", [_google, _sphinx, _numpy], ids=["google", "sphinx", "numpy"])
def test_every_docstring_style_lands_in_the_schema(func: Any) -> None:
    tool = function_tool(func)
    assert tool.description == "Get the forecast for a city."
    props = tool.params_json_schema["properties"]
    assert props["city"]["description"] == "The city to look up."
    assert props["days"]["description"] == "How many days ahead."


def test_use_docstring_info_false_ignores_the_docstring() -> None:
    tool = function_tool(_google, use_docstring_info=False)
    assert tool.description == ""
    props = tool.params_json_schema["properties"]
    assert "description" not in props["city"]
    assert "description" not in props["days"]


def test_function_without_docstring_has_empty_description() -> None:
    @function_tool
    def ping() -> str:
        return "pong"

    assert ping.description == ""
    assert ping.params_json_schema == {
        "title": "ping_args",
        "type": "object",
        "properties": {},
        "required": [],
        "additionalProperties": False,
    }


def test_strict_schema_requires_every_parameter_even_with_defaults() -> None:
    @function_tool
    def search(query: str, limit: int = 10, lang: str | None = None) -> str:
        return ""

    schema = search.params_json_schema
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["query", "limit", "lang"]
    assert schema["properties"]["lang"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    # A None default cannot be expressed in strict mode; the nullable type says it instead.
    assert "default" not in schema["properties"]["lang"]


def test_nested_pydantic_model_parameters_become_strict() -> None:
    @function_tool
    def register(person: Person, fallback: Address) -> str:
        """Register someone.

        Args:
            person: Who to register.
            fallback: Where to write.
        """
        return ""

    schema = register.params_json_schema
    defs = schema["$defs"]
    assert defs["Address"]["additionalProperties"] is False
    assert defs["Address"]["required"] == ["street", "zip_code"]
    assert defs["Person"]["additionalProperties"] is False
    assert defs["Person"]["required"] == ["name", "addresses"]
    # A described model parameter is inlined (a $ref cannot carry siblings) and strict too.
    person = schema["properties"]["person"]
    assert person["description"] == "Who to register."
    assert "$ref" not in person
    assert person["additionalProperties"] is False
    assert person["required"] == ["name", "addresses"]
    fallback = schema["properties"]["fallback"]
    assert fallback["additionalProperties"] is False
    assert fallback["required"] == ["street", "zip_code"]


async def test_nested_model_arguments_are_validated_into_model_instances() -> None:
    @function_tool
    def register(person: Person) -> str:
        assert isinstance(person, Person)
        assert all(isinstance(address, Address) for address in person.addresses)
        return f"{person.name}@{person.addresses[0].street}/{person.addresses[0].zip_code}"

    args = {"person": {"name": "Ada", "addresses": [{"street": "Main", "zip_code": None}]}}
    model = call_then_answer("register", args)
    result = await Runner.run(Agent(name="a", model=model, tools=[register]), "go")
    assert tool_outputs(result) == ["Ada@Main/None"]


def test_dict_parameter_is_rejected_in_strict_mode() -> None:
    def count(counts: dict[str, int]) -> int:
        return sum(counts.values())

    with pytest.raises(UserError, match="strict_mode=False"):
        function_tool(count)


def _takes_loose(value: Loose) -> str:
    return ""


def _takes_mapping(value: WithMapping) -> str:
    return ""


@pytest.mark.parametrize("func", [_takes_loose, _takes_mapping], ids=["extra-allow", "dict-field"])
def test_open_nested_model_is_rejected_in_strict_mode(func: Any) -> None:
    with pytest.raises(UserError, match="additional properties"):
        function_tool(func)
    assert function_tool(func, strict_mode=False).strict_json_schema is False


async def test_dict_parameter_works_with_strict_mode_off() -> None:
    @function_tool(strict_mode=False)
    def count(counts: dict[str, int], scale: int = 1) -> int:
        return sum(counts.values()) * scale

    assert count.strict_json_schema is False
    schema = count.params_json_schema
    assert schema["properties"]["counts"]["additionalProperties"] == {"type": "integer"}
    assert schema["required"] == ["counts"]

    model = call_then_answer("count", {"counts": {"a": 2, "b": 3}})
    result = await Runner.run(Agent(name="a", model=model, tools=[count]), "go")
    assert tool_outputs(result) == [5]
    assert raw_tool_outputs(result) == ["5"]


async def test_defaults_keyword_only_and_var_positional_parameters() -> None:
    @function_tool
    def combine(*values: int, sep: str = "-", upper: bool = False) -> str:
        text = sep.join(str(v) for v in values)
        return text.upper() if upper else text

    assert combine.params_json_schema["properties"]["values"]["type"] == "array"
    model = call_then_answer("combine", {"values": [1, 2, 3], "sep": "+", "upper": False})
    result = await Runner.run(Agent(name="a", model=model, tools=[combine]), "go")
    assert tool_outputs(result) == ["1+2+3"]


def test_annotated_field_description_is_kept() -> None:
    @function_tool
    def rate(stars: Annotated[int, Field(ge=1, le=5, description="How many stars.")]) -> str:
        return ""

    prop = rate.params_json_schema["properties"]["stars"]
    assert prop["minimum"] == 1
    assert prop["description"] == "How many stars."


def test_field_as_parameter_default_is_understood() -> None:
    @function_tool(strict_mode=False)
    def rate(stars: int = Field(default=3, description="How many stars.")) -> str:
        return ""

    prop = rate.params_json_schema["properties"]["stars"]
    assert prop["default"] == 3
    assert prop["description"] == "How many stars."


# --- decorator forms, overrides -------------------------------------------------------------


def test_decorator_with_and_without_arguments() -> None:
    def shout(text: str) -> str:
        """Shout it."""
        return text.upper()

    bare = function_tool(shout)

    @function_tool
    def shout_a(text: str) -> str:
        """Shout it."""
        return text.upper()

    @function_tool()
    def shout_b(text: str) -> str:
        """Shout it."""
        return text.upper()

    with_args = function_tool(name_override="loud")(shout)

    for tool in (bare, shout_a, shout_b, with_args):
        assert isinstance(tool, FunctionTool)
        assert tool.description == "Shout it."
        assert tool.params_json_schema["properties"]["text"]["type"] == "string"
    assert [bare.name, shout_a.name, shout_b.name, with_args.name] == [
        "shout",
        "shout_a",
        "shout_b",
        "loud",
    ]


async def test_name_and_description_overrides_are_what_the_model_sees() -> None:
    @function_tool(name_override="lookup", description_override="Look a thing up.")
    def internal_name(key: str) -> str:
        """Original description."""
        return f"value of {key}"

    assert internal_name.name == "lookup"
    assert internal_name.description == "Look a thing up."

    model = call_then_answer("lookup", {"key": "k"})
    result = await Runner.run(Agent(name="a", model=model, tools=[internal_name]), "go")
    offered = model.calls[0].tools
    assert [(t.name, getattr(t, "description", None)) for t in offered] == [
        ("lookup", "Look a thing up.")
    ]
    assert tool_outputs(result) == ["value of k"]


# --- context-taking tools -------------------------------------------------------------------


async def test_run_context_wrapper_parameter_receives_the_context() -> None:
    @function_tool
    async def remember(ctx: RunContextWrapper[Ctx], note: str) -> str:
        ctx.context.seen.append(note)
        return f"{len(ctx.context.seen)} notes"

    assert list(remember.params_json_schema["properties"]) == ["note"]
    assert remember.params_json_schema["required"] == ["note"]

    context = Ctx()
    model = call_then_answer("remember", {"note": "milk"})
    result = await Runner.run(Agent(name="a", model=model, tools=[remember]), "go", context=context)
    assert context.seen == ["milk"]
    assert tool_outputs(result) == ["1 notes"]


async def test_tool_context_parameter_has_the_call_details() -> None:
    seen: dict[str, Any] = {}

    @function_tool(name_override="fetch")
    def fetch_impl(ctx: ToolContext[Ctx], url: str) -> str:
        seen.update(
            tool_name=ctx.tool_name,
            tool_call_id=ctx.tool_call_id,
            tool_arguments=ctx.tool_arguments,
            context=ctx.context,
            agent=ctx.agent,
            is_tool_context=isinstance(ctx, ToolContext),
        )
        return "ok"

    assert list(fetch_impl.params_json_schema["properties"]) == ["url"]
    context = Ctx()
    arguments = '{"url": "https://example.com"}'
    model = ScriptedModel(
        [[function_call("fetch", arguments, call_id="call_42")], [assistant_message("done")]]
    )
    agent = Agent(name="a", model=model, tools=[fetch_impl])
    await Runner.run(agent, "go", context=context)
    assert seen == {
        "tool_name": "fetch",
        "tool_call_id": "call_42",
        "tool_arguments": arguments,
        "context": context,
        "agent": agent,
        "is_tool_context": True,
    }


def test_context_parameter_must_come_first() -> None:
    def late(note: str, ctx: RunContextWrapper[Any]) -> str:
        return note

    with pytest.raises(UserError, match="must be the first parameter"):
        function_tool(late)


def test_unannotated_first_parameter_is_a_normal_parameter() -> None:
    @function_tool
    def echo(ctx, text: str) -> str:
        return text

    assert list(echo.params_json_schema["properties"]) == ["ctx", "text"]


# --- where tools run ------------------------------------------------------------------------


async def test_sync_tools_run_in_a_worker_thread_and_async_tools_on_the_loop() -> None:
    loop_thread = threading.get_ident()
    threads: dict[str, int] = {}

    @function_tool
    def sync_tool() -> str:
        threads["sync"] = threading.get_ident()
        return "s"

    @function_tool
    async def async_tool() -> str:
        threads["async"] = threading.get_ident()
        return "a"

    model = ScriptedModel(
        [
            [
                function_call("sync_tool", {}, call_id="c1"),
                function_call("async_tool", {}, call_id="c2"),
            ],
            "done",
        ]
    )
    result = await Runner.run(Agent(name="a", model=model, tools=[sync_tool, async_tool]), "go")
    assert tool_outputs(result) == ["s", "a"]
    assert threads["sync"] != loop_thread
    assert threads["async"] == loop_thread


async def test_sync_tool_receives_context_in_its_thread() -> None:
    @function_tool
    def remember(ctx: RunContextWrapper[Ctx], note: str) -> str:
        ctx.context.seen.append(note)
        return "saved"

    context = Ctx()
    model = call_then_answer("remember", {"note": "eggs"})
    result = await Runner.run(Agent(name="a", model=model, tools=[remember]), "go", context=context)
    assert context.seen == ["eggs"]
    assert tool_outputs(result) == ["saved"]


async def test_non_string_outputs_reach_the_model_as_json() -> None:
    @function_tool
    def data() -> dict[str, Any]:
        return {"a": 1, "b": [True, None]}

    model = call_then_answer("data", {})
    result = await Runner.run(Agent(name="a", model=model, tools=[data]), "go")
    assert tool_outputs(result) == [{"a": 1, "b": [True, None]}]
    assert raw_tool_outputs(result) == ['{"a":1,"b":[true,null]}']
    assert model.calls[1].input[-1] == {
        "type": "function_call_output",
        "call_id": "call_1",
        "output": '{"a":1,"b":[true,null]}',
    }


# --- failures -------------------------------------------------------------------------------


async def test_default_failure_function_sends_the_error_text_and_the_run_goes_on() -> None:
    @function_tool
    def divide(a: int, b: int) -> float:
        return a / b

    model = call_then_answer("divide", {"a": 1, "b": 0}, answer="cannot divide")
    result = await Runner.run(Agent(name="a", model=model, tools=[divide]), "go")

    expected = "An error occurred while running the tool. Please try again. Error: division by zero"
    assert tool_outputs(result) == [expected]
    assert raw_tool_outputs(result) == [expected]
    assert model.calls[1].input[-1] == {
        "type": "function_call_output",
        "call_id": "call_1",
        "output": expected,
    }
    assert result.final_output == "cannot divide"
    assert len(model.calls) == 2


def test_default_tool_error_function_text() -> None:
    message = default_tool_error_function(RunContextWrapper(None), ValueError("bad input"))
    assert message == "An error occurred while running the tool. Please try again. Error: bad input"


@pytest.mark.parametrize("is_async", [False, True])
async def test_custom_failure_error_function(is_async: bool) -> None:
    received: list[tuple[str, Exception]] = []
    error = RuntimeError("secret details")

    def describe(ctx: RunContextWrapper[Any], exc: Exception) -> str:
        assert isinstance(ctx, ToolContext)
        received.append((ctx.tool_name, exc))
        return f"{ctx.tool_name} failed, try something else"

    async def describe_async(ctx: RunContextWrapper[Any], exc: Exception) -> str:
        return describe(ctx, exc)

    @function_tool(failure_error_function=describe_async if is_async else describe)
    async def fragile() -> str:
        raise error

    model = call_then_answer("fragile", {})
    result = await Runner.run(Agent(name="a", model=model, tools=[fragile]), "go")
    assert received == [("fragile", error)]
    assert tool_outputs(result) == ["fragile failed, try something else"]
    assert "secret details" not in model.calls[1].input[-1]["output"]
    assert result.final_output == "done"


@pytest.mark.parametrize("is_async", [False, True])
async def test_failure_error_function_none_fails_the_run_with_the_tools_exception(
    is_async: bool,
) -> None:
    error = LookupError("no such record")

    def fail_sync(key: str) -> str:
        raise error

    async def fail_async(key: str) -> str:
        raise error

    tool = function_tool(
        fail_async if is_async else fail_sync, name_override="fail", failure_error_function=None
    )
    model = call_then_answer("fail", {"key": "k"})
    with pytest.raises(LookupError) as info:
        await Runner.run(Agent(name="a", model=model, tools=[tool]), "go")
    assert info.value is error
    assert type(info.value) is LookupError  # not an ExceptionGroup around it
    assert len(model.calls) == 1


async def test_invalid_json_arguments_go_back_to_the_model() -> None:
    calls: list[int] = []

    @function_tool
    def add(a: int, b: int) -> int:
        calls.append(a + b)
        return a + b

    model = ScriptedModel(
        [
            [function_call("add", "{not json", call_id="c1")],
            [function_call("add", {"a": 1, "b": 2}, call_id="c2")],
            "3",
        ]
    )
    result = await Runner.run(Agent(name="a", model=model, tools=[add]), "go")
    first, second = tool_outputs(result)
    assert first.startswith("An error occurred while running the tool. Please try again. Error: ")
    assert "Invalid JSON input for tool add" in first
    assert model.calls[1].input[-1]["output"] == first
    assert second == 3
    assert calls == [3]
    assert result.final_output == "3"


@pytest.mark.parametrize(
    ("arguments", "report"),
    [
        ({"a": "not a number", "b": 2}, "add_args"),  # pydantic's report names the model
        ({"a": 1}, "add_args"),
        ("[1, 2]", "expected a JSON object of arguments, got [1, 2]"),
    ],
    ids=["wrong-type", "missing", "not-an-object"],
)
async def test_arguments_that_fail_validation_go_back_to_the_model(
    arguments: Any, report: str
) -> None:
    calls: list[int] = []

    @function_tool
    def add(a: int, b: int) -> int:
        calls.append(a + b)
        return a + b

    model = call_then_answer("add", arguments, answer="sorry")
    result = await Runner.run(Agent(name="a", model=model, tools=[add]), "go")
    [output] = tool_outputs(result)
    assert output.startswith("An error occurred while running the tool.")
    assert report in output
    assert calls == []
    assert result.final_output == "sorry"


async def test_invalid_arguments_with_failure_function_none_raise_model_behavior_error() -> None:
    @function_tool(failure_error_function=None)
    def add(a: int, b: int) -> int:
        return a + b

    model = call_then_answer("add", "{oops")
    with pytest.raises(ModelBehaviorError, match="Invalid JSON input for tool add") as info:
        await Runner.run(Agent(name="a", model=model, tools=[add]), "go")
    assert info.value.run_data is not None
    assert len(info.value.run_data.raw_responses) == 1


async def test_empty_arguments_string_means_no_arguments() -> None:
    @function_tool
    def now() -> str:
        return "noon"

    model = call_then_answer("now", "")
    result = await Runner.run(Agent(name="a", model=model, tools=[now]), "go")
    assert tool_outputs(result) == ["noon"]


# --- is_enabled -----------------------------------------------------------------------------


def _always() -> FunctionTool:
    @function_tool
    def always() -> str:
        return "always"

    return always


async def test_disabled_tool_is_not_offered_to_the_model() -> None:
    @function_tool(is_enabled=False)
    def hidden() -> str:
        return "hidden"

    model = ScriptedModel(["hi"])
    await Runner.run(Agent(name="a", model=model, tools=[_always(), hidden]), "go")
    assert offered_tool_names(model) == ["always"]


async def test_calling_a_disabled_tool_is_a_model_behavior_error() -> None:
    ran: list[str] = []

    @function_tool(is_enabled=False)
    def hidden() -> str:
        ran.append("hidden")
        return "hidden"

    model = call_then_answer("hidden", {})
    with pytest.raises(ModelBehaviorError, match="hidden"):
        await Runner.run(Agent(name="a", model=model, tools=[hidden]), "go")
    assert ran == []


@pytest.mark.parametrize("is_async", [False, True])
async def test_callable_is_enabled_sees_context_and_agent(is_async: bool) -> None:
    seen: list[tuple[Any, Any]] = []

    def decide(ctx: RunContextWrapper[Any], agent: Agent[Any]) -> bool:
        seen.append((ctx.context, agent))
        return bool(ctx.context["admin"])

    async def decide_async(ctx: RunContextWrapper[Any], agent: Agent[Any]) -> bool:
        return decide(ctx, agent)

    @function_tool(is_enabled=decide_async if is_async else decide)
    def admin_only() -> str:
        return "secret"

    for admin, expected in ((True, ["always", "admin_only"]), (False, ["always"])):
        seen.clear()
        context = {"admin": admin}
        model = ScriptedModel(["hi"])
        agent = Agent(name="a", model=model, tools=[_always(), admin_only])
        await Runner.run(agent, "go", context=context)
        assert offered_tool_names(model) == expected
        assert seen == [(context, agent)]


async def test_is_enabled_is_checked_every_turn() -> None:
    def first_turn_only(ctx: RunContextWrapper[Any], agent: Agent[Any]) -> bool:
        return ctx.usage.requests == 0

    @function_tool(is_enabled=first_turn_only)
    def once() -> str:
        return "once"

    model = ScriptedModel([[function_call("once", {}, call_id="c1")], "done"])
    result = await Runner.run(Agent(name="a", model=model, tools=[once, _always()]), "go")
    assert offered_tool_names(model, 0) == ["once", "always"]
    assert offered_tool_names(model, 1) == ["always"]
    assert tool_outputs(result) == ["once"]


# --- timeout validation ---------------------------------------------------------------------


def _slow() -> str:
    return ""


@pytest.mark.parametrize("timeout", [0, -1, -0.5, math.inf, math.nan])
def test_bad_timeout_is_a_user_error(timeout: float) -> None:
    with pytest.raises(
        UserError, match="timeout must be a finite number of seconds greater than 0"
    ):
        function_tool(_slow, timeout=timeout)
    with pytest.raises(
        UserError, match="timeout must be a finite number of seconds greater than 0"
    ):
        function_tool(timeout=timeout)(_slow)


def test_bad_timeout_behavior_is_a_user_error() -> None:
    with pytest.raises(UserError, match="timeout_behavior"):
        function_tool(_slow, timeout=1, timeout_behavior="explode")  # type: ignore[call-overload]


def test_function_tool_constructor_validates_timeouts() -> None:
    async def invoke(ctx: ToolContext[Any], arguments: str) -> str:
        return ""

    with pytest.raises(
        UserError, match="timeout must be a finite number of seconds greater than 0"
    ):
        FunctionTool("t", "", {}, invoke, timeout_seconds=0)
    with pytest.raises(UserError, match="timeout_behavior"):
        FunctionTool("t", "", {}, invoke, timeout_behavior="nope")  # type: ignore[arg-type]


def test_valid_timeout_settings_are_kept() -> None:
    tool = function_tool(_slow, timeout=2.5, timeout_behavior="raise_exception")
    assert tool.timeout_seconds == 2.5
    assert tool.timeout_behavior == "raise_exception"
    assert function_tool(_slow).timeout_seconds is None
