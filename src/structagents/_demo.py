"""What `structagents demo` runs: a travel desk (with a guardrail) that hands off to a trip
planner (with two tools that run concurrently), streamed as it happens.

By default the agents talk to `OpenAIResponsesModel` over real HTTP to a `FakeOpenAIServer` on
loopback, whose scripted replies write the final answer from the tool outputs they receive;
with an API key or a base URL they talk to a real OpenAI-compatible API instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import anyio

from ._agent import Agent
from ._demo_timeline import Timeline, TimelineHooks, timeline_of
from ._events import RawResponsesStreamEvent
from ._guardrails import GuardrailFunctionOutput, input_guardrail
from ._result import RunResult
from ._run_context import RunContextWrapper
from ._streaming import open_run
from ._tools import Tool, function_tool
from .models.interface import Model
from .testing import ModelCall, ModelStep, assistant_message, function_call, handoff_call

__all__ = ["DEMO_SCRIPT", "build_demo_agent", "stream_demo"]

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
    timeline = timeline_of(ctx)
    if timeline:
        timeline.line("guardrail travel_only: checking the request, alongside the model call")
    await anyio.sleep(0.3)  # a slow moderation check; the first model call runs meanwhile
    text = input if isinstance(input, str) else json.dumps(input)
    off_topic = "homework" in text.lower()
    if timeline:
        verdict = "tripped (not about travel)" if off_topic else "passed"
        timeline.line(f"guardrail travel_only: {verdict}")
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


def _call_tools(call: ModelCall) -> ModelStep:
    """The planner's first turn: both tools for the city and budget asked for, or, for a
    city the script does not know, a reply saying that this model is scripted."""
    asked = " ".join(str(item.get("content")) for item in call.input if item.get("role") == "user")
    city = next((name for name in _FORECASTS if name.lower() in asked.lower()), None)
    if city is None:
        known = " and ".join(_FORECASTS)
        return ModelStep(
            output=[
                assistant_message(
                    f"I am the demo's scripted model: I only plan trips to {known}. "
                    "Set OPENAI_API_KEY or --base-url for a real model."
                )
            ]
        )
    budget = re.search(r"(\d+(?:\.\d+)?)\s*(?:USD|\$|dollars)", asked, re.IGNORECASE)
    amount = float(budget.group(1)) if budget else 250.0
    amount = int(amount) if amount.is_integer() else amount
    return ModelStep(
        output=[
            function_call("get_weather", {"city": city}, call_id="call_weather"),
            function_call("convert_currency", {"amount": amount, "to": "EUR"}, call_id="call_fx"),
        ]
    )


DEMO_SCRIPT: list[Any] = [
    [handoff_call("Trip planner", call_id="call_handoff")],
    ModelStep.respond(_call_tools),
    ModelStep.respond(_write_answer),
]
"""The fake server's replies: hand off, call both tools at once for the city asked for, then
answer (for a city it does not know, the second reply is the answer and the third is unused)."""


def build_demo_agent(model: str | Model | None = None) -> Agent[Any]:
    """The travel desk agent (which hands off to the trip planner), both using `model`."""
    tools: list[Tool] = [get_weather, convert_currency]
    planner = Agent(
        name="Trip planner",
        handoff_description="Plans trips: weather and budget.",
        instructions="Check the weather and convert the budget, then answer in two sentences.",
        model=model,
        tools=tools,
    )
    return Agent(
        name="Travel desk",
        instructions="Hand travel planning requests to the trip planner.",
        model=model,
        handoffs=[planner],
        input_guardrails=[travel_only],
    )


async def stream_demo(agent: Agent[Any], text: str, write: Callable[[str], Any]) -> RunResult:
    """Run `agent` streamed, writing a timeline of the run (guardrail, model calls, tools,
    handoff) and the answer's text as it streams in."""
    timeline = Timeline(write)
    deltas = 0
    async with open_run(agent, text, context=timeline, hooks=TimelineHooks()) as stream:
        async for event in stream:
            if (
                isinstance(event, RawResponsesStreamEvent)
                and event.data_dict["type"] == "response.output_text.delta"
            ):
                deltas += 1
                timeline.text(event.data_dict["delta"], heading="assistant: ")
        if deltas:
            timeline.line(f"the answer streamed in as {deltas} text deltas")
    return stream.result
