"""The agent `structagents demo` runs: a travel helper with two tools and a guardrail.

Its model is a `ScriptedModel` whose final answer is written from the tool outputs it
receives, so the demo exercises the real run loop without a network.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio

from ._agent import Agent
from ._events import RawResponsesStreamEvent, RunItemStreamEvent
from ._guardrails import GuardrailFunctionOutput, input_guardrail
from ._result import RunResult
from ._run_context import RunContextWrapper
from ._streaming import open_run
from ._tools import Tool, function_tool
from .testing import ModelCall, ModelStep, ScriptedModel, assistant_message, function_call

__all__ = ["build_demo_agent", "stream_demo"]

_FORECASTS = {"Paris": ("light rain", 14), "Lisbon": ("sunny", 24)}
_EUR_PER_USD = 0.92


@function_tool
async def get_weather(city: str) -> dict[str, Any]:
    """Today's forecast for a city.

    Args:
        city: The city name, e.g. "Paris".
    """
    await anyio.sleep(0.2)  # a slow upstream API; both tool calls run at once
    sky, celsius = _FORECASTS.get(city, ("unknown", 0))
    return {"city": city, "sky": sky, "celsius": celsius}


@function_tool
async def convert_currency(amount: float, to: str) -> str:
    """Convert an amount of US dollars.

    Args:
        amount: Amount in USD.
        to: Target currency code; only "EUR" is known.
    """
    await anyio.sleep(0.2)
    if to != "EUR":
        raise ValueError(f"no rate for {to}")
    return f"{amount * _EUR_PER_USD:.2f} EUR"


@input_guardrail
async def travel_only(
    ctx: RunContextWrapper[Any], agent: Agent[Any], input: str | list[Any]
) -> GuardrailFunctionOutput:
    """Trip on requests that have nothing to do with travel."""
    text = input if isinstance(input, str) else json.dumps(input)
    off_topic = "homework" in text.lower()
    return GuardrailFunctionOutput(
        output_info={"off_topic": off_topic}, tripwire_triggered=off_topic
    )


def _write_answer(call: ModelCall) -> ModelStep:
    """The model's second turn: an answer written from the tool outputs it was sent."""
    outputs = {
        item["call_id"]: item["output"]
        for item in call.input
        if item.get("type") == "function_call_output"
    }
    weather = json.loads(outputs["call_weather"])
    answer = (
        f"{weather['city']} looks {weather['sky']} at {weather['celsius']}°C this weekend, "
        f"and your budget comes to {outputs['call_fx']}. Pack sunglasses!"
    )
    return ModelStep(output=[assistant_message(answer)])


def build_demo_agent() -> Agent[Any]:
    """The demo agent with a fresh scripted model."""
    model = ScriptedModel(
        [
            [
                function_call("get_weather", {"city": "Lisbon"}, call_id="call_weather"),
                function_call("convert_currency", {"amount": 250, "to": "EUR"}, call_id="call_fx"),
            ],
            ModelStep.respond(_write_answer),
        ]
    )
    tools: list[Tool] = [get_weather, convert_currency]
    return Agent(
        name="Travel helper",
        instructions="Plan short trips. Check the weather and convert budgets.",
        model=model,
        tools=tools,
        input_guardrails=[travel_only],
    )


async def stream_demo(agent: Agent[Any], text: str, write: Callable[[str], Any]) -> RunResult:
    """Run `agent` streamed, writing tool calls, tool results and the answer as they arrive."""
    async with open_run(agent, text) as stream:
        answering = False
        async for event in stream:
            if isinstance(event, RunItemStreamEvent) and event.name == "tool_called":
                call = event.item.raw_item
                write(f"  -> {call['name']}({call['arguments']})\n")
            elif isinstance(event, RunItemStreamEvent) and event.name == "tool_output":
                write(f"  <- {event.item.raw_item['output']}\n")
            elif (
                isinstance(event, RawResponsesStreamEvent)
                and event.data["type"] == "response.output_text.delta"
            ):
                if not answering:
                    write("assistant: ")
                    answering = True
                write(event.data["delta"])
        if answering:
            write("\n")
    return stream.result
