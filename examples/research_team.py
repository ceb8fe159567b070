"""Parallel research agents: an editor hands four topics to four researcher agents at once,
and `RunConfig(max_concurrent_tools=2)` lets at most two of them work at a time.

Each researcher is an agent used as a tool (`Agent.as_tool`): a nested run with its own
search tool. The editor gets their findings in the order it asked for them.

Run it: python examples/research_team.py  (add --trio to run on trio)
"""

from __future__ import annotations

import sys
from typing import Any

import anyio

from structagents import Agent, RunConfig, Runner, Tool, ToolCallOutputItem, function_tool
from structagents.testing import ScriptedModel, function_call

TOPICS = ["tides", "salinity", "shipping", "wildlife"]
SECONDS_TO_SEARCH = {"tides": 0.3, "salinity": 0.1, "shipping": 0.2, "wildlife": 0.1}
at_work = {"now": 0, "most": 0}


@function_tool
async def search_archive(topic: str) -> str:
    """Search the archive for sources on a topic.

    Args:
        topic: What to search for.
    """
    at_work["now"] += 1
    at_work["most"] = max(at_work["most"], at_work["now"])
    print(f"  searching {topic} ({at_work['now']} at work)")
    try:
        await anyio.sleep(SECONDS_TO_SEARCH[topic])
    finally:
        at_work["now"] -= 1
    return f"3 sources on {topic}"


def researcher(topic: str) -> Agent[Any]:
    model = ScriptedModel(
        [
            [function_call("search_archive", {"topic": topic}, call_id="s1")],
            f"{topic}: 3 sources agree.",
        ]
    )
    return Agent(name=f"{topic} researcher", model=model, tools=[search_archive])


def editor() -> Agent[Any]:
    tools: list[Tool] = [
        researcher(topic).as_tool(f"research_{topic}", f"Research {topic} in depth.")
        for topic in TOPICS
    ]
    calls = [
        function_call(f"research_{topic}", {"input": f"Research {topic}."}, call_id=f"r{i}")
        for i, topic in enumerate(TOPICS)
    ]
    model = ScriptedModel([calls, "Baltic brief: four findings, all well sourced."])
    return Agent(name="Editor", model=model, tools=tools)


async def main() -> dict[str, Any]:
    result = await Runner.run(
        editor(), "Brief me on the Baltic Sea.", run_config=RunConfig(max_concurrent_tools=2)
    )
    findings = [item.output for item in result.new_items if isinstance(item, ToolCallOutputItem)]
    print(f"findings (in the order asked): {findings}")
    print(f"most researchers at work at once: {at_work['most']}")
    print(result.final_output)
    return {
        "findings": findings,
        "most_at_once": at_work["most"],
        "answer": result.final_output,
        "requests": result.usage.requests,
    }


if __name__ == "__main__":
    anyio.run(main, backend="trio" if "--trio" in sys.argv else "asyncio")
