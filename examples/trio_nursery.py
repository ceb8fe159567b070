"""A trio application: several agents run side by side in a nursery, under one deadline.

The runs that finish in time give their answers; the one still running when the deadline
hits is cancelled like any trio code: its tool sees the cancellation, its session keeps only
complete turns, and no task of it is left behind.

Run it: python examples/trio_nursery.py  (needs trio: pip install 'structagents[trio]')
"""

from __future__ import annotations

from typing import Any

import trio

from structagents import Agent, MemorySession, Runner, function_tool
from structagents.testing import ScriptedModel, function_call

SECONDS_TO_FETCH = {"Oslo": 0.2, "Lima": 0.5, "Tokyo": 30.0}  # Tokyo's archive is slow
cancelled_fetches: list[str] = []


@function_tool
async def fetch_forecast(city: str) -> str:
    """Fetch the week's forecast for a city.

    Args:
        city: The city's name.
    """
    try:
        await trio.sleep(SECONDS_TO_FETCH[city])
    except trio.Cancelled:
        cancelled_fetches.append(city)
        raise
    return f"{city}: mild, light wind."


def forecaster(city: str) -> Agent[Any]:
    model = ScriptedModel(
        [[function_call("fetch_forecast", {"city": city}, call_id="f1")], f"{city} looks mild."]
    )
    return Agent(name=f"{city} forecaster", model=model, tools=[fetch_forecast])


async def main() -> dict[str, Any]:
    answers: dict[str, str] = {}
    sessions = {city: MemorySession(city) for city in SECONDS_TO_FETCH}
    tasks_before = trio.lowlevel.current_statistics().tasks_living

    async def forecast(city: str) -> None:
        result = await Runner.run(forecaster(city), f"Forecast for {city}?", session=sessions[city])
        answers[city] = result.final_output

    with trio.move_on_after(2) as deadline:  # one deadline for every run in the nursery
        async with trio.open_nursery() as nursery:
            for city in SECONDS_TO_FETCH:
                nursery.start_soon(forecast, city)
    print(f"answers: {answers}; deadline hit: {deadline.cancelled_caught}")
    print(f"cancelled while fetching: {cancelled_fetches}")

    stored = {city: len(await session.get_items()) for city, session in sessions.items()}
    print(f"items stored per session: {stored}")  # Tokyo's unfinished turn is not stored
    tasks_left = trio.lowlevel.current_statistics().tasks_living - tasks_before
    print(f"tasks left running: {tasks_left}")

    # fail_after raises instead: the run is cancelled the same way first.
    try:
        with trio.fail_after(1):
            await Runner.run(forecaster("Tokyo"), "Forecast for Tokyo?")
    except trio.TooSlowError:
        print("Tokyo again: too slow, cancelled")
    return {
        "answers": answers,
        "cancelled": list(cancelled_fetches),
        "stored": stored,
        "tasks_left": tasks_left,
    }


if __name__ == "__main__":
    trio.run(main)
