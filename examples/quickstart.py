"""Tools, a structured final output, and a scripted model: the basics in one file.

Run it: python examples/quickstart.py  (add --trio to run on trio)
"""

from __future__ import annotations

import sys

import anyio
from pydantic import BaseModel

from structagents import Agent, Runner, RunResult, function_tool
from structagents.testing import ScriptedModel, assistant_message, function_call


class Itinerary(BaseModel):
    city: str
    days: int
    packing: list[str]


@function_tool
async def get_weather(city: str) -> str:
    """Today's forecast.

    Args:
        city: City to look up.
    """
    return {"Oslo": "snow, -3C"}.get(city, "unknown")


def build_agent() -> Agent[None]:
    # A real app would use a real model; ScriptedModel replays the replies a model would give.
    model = ScriptedModel(
        [
            [function_call("get_weather", {"city": "Oslo"}, call_id="call_1")],
            [
                assistant_message(
                    Itinerary(city="Oslo", days=3, packing=["boots", "scarf"]).model_dump_json()
                )
            ],
        ]
    )
    return Agent(
        name="Planner",
        instructions="Plan trips. Check the weather before choosing what to pack.",
        model=model,
        tools=[get_weather],
        output_type=Itinerary,
    )


async def main() -> RunResult:
    result = await Runner.run(build_agent(), "Three days in Oslo, what should I pack?")
    itinerary = result.final_output_as(Itinerary, raise_if_incorrect_type=True)
    print(f"{itinerary.days} days in {itinerary.city}: pack {', '.join(itinerary.packing)}")
    return result


if __name__ == "__main__":
    anyio.run(main, backend="trio" if "--trio" in sys.argv else "asyncio")
