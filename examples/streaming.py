"""Stream a run: print text as it arrives, watch tools start and finish, stop after a turn.

Run it: python examples/streaming.py  (add --trio to run on trio)
"""

from __future__ import annotations

import sys
from typing import Any

import anyio
from openai.types.responses import ResponseTextDeltaEvent

from structagents import (
    Agent,
    RawResponsesStreamEvent,
    RunItemStreamEvent,
    function_tool,
    open_run,
)
from structagents.testing import ScriptedModel, function_call


@function_tool
async def search_flights(origin: str, destination: str) -> str:
    """Find the cheapest flight.

    Args:
        origin: Departure airport code.
        destination: Arrival airport code.
    """
    return f"{origin}->{destination}: 129 EUR, Friday 7:05"


def build_agent() -> Agent[Any]:
    model = ScriptedModel(
        [
            [
                function_call(
                    "search_flights", {"origin": "BER", "destination": "LIS"}, call_id="f1"
                )
            ],
            "The cheapest flight leaves Friday at 7:05 for 129 EUR.",
        ]
    )
    return Agent(name="Flights", instructions="Find flights.", model=model, tools=[search_flights])


async def main() -> dict[str, Any]:
    text: list[str] = []
    async with open_run(build_agent(), "Cheapest flight Berlin to Lisbon?") as stream:
        async for event in stream:
            if isinstance(event, RawResponsesStreamEvent) and isinstance(
                event.data, ResponseTextDeltaEvent
            ):
                text.append(event.data.delta)
                print(event.data.delta, end="", flush=True)
            elif isinstance(event, RunItemStreamEvent) and event.name == "tool_output":
                print(f"[tool] {event.item.raw_item['output']}")
    print()
    answer = stream.result.final_output

    # A second run, stopped politely: the turn in progress (model call + tools) completes.
    async with open_run(build_agent(), "Cheapest flight Berlin to Lisbon?") as stream:
        async for event in stream:
            if isinstance(event, RunItemStreamEvent) and event.name == "tool_called":
                stream.cancel(mode="after_turn")
    kept = [item.type for item in stream.result.new_items]
    print(f"stopped after one turn, kept: {kept}")
    return {"streamed_text": "".join(text), "answer": answer, "kept": kept}


if __name__ == "__main__":
    anyio.run(main, backend="trio" if "--trio" in sys.argv else "asyncio")
