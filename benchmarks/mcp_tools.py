"""MCP tool calls over stdio: the per-call cost of an MCP tool in a run, ours vs the reference.

    python benchmarks/mcp_tools.py [--quick]

Both frameworks run the same agent script against the same server (`_mcp_server.py`, one
no-op tool, a subprocess of each side) with the tool list cached:
- sequential: T turns of one MCP call each, then a final answer; ms per call = wall / T;
- parallel: one turn of N parallel MCP calls, then a final answer; ms per call = wall / N.
"MCP overhead over a local tool" subtracts the same run with a local no-op function tool
instead (same model, same turns), leaving what the MCP round trip costs per call in that
framework. "SDK floor" is the same number of `mcp.Client.call_tool` requests made directly,
without any agent framework. Times are the best of
several runs (`best_of`); the fake models are the ones the other benchmarks use.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import anyio

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from structagents import Agent, Runner
from structagents._bench import LeanModel, best_of, tool_script
from structagents.mcp import MCPServerStdio

SERVER = str(Path(__file__).with_name("_mcp_server.py"))
PARAMS = {"command": sys.executable, "args": [SERVER]}
FULL_SIZES = {"turns": 100, "parallel": 100, "budget_s": 2.0}
QUICK_SIZES = {"turns": 10, "parallel": 10, "budget_s": 0.3}


async def _timed(run: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    result = await run()
    elapsed = time.perf_counter() - started
    assert result.final_output == "done", result.final_output
    return elapsed


async def _measure(
    run: Callable[[list[int], bool], Awaitable[Any]], sizes: dict[str, Any]
) -> dict[str, float]:
    """ms-per-call rows for one side; `run(calls_per_turn, over_mcp)` does one run."""
    turns, parallel, budget = sizes["turns"], sizes["parallel"], sizes["budget_s"]
    await _timed(partial(run, [parallel], True))  # warm-up
    rows: dict[str, float] = {}
    for row, calls, count in (
        ("sequential", [1] * turns, turns),
        ("parallel", [parallel], parallel),
    ):
        mcp = await best_of(partial(_timed, partial(run, calls, True)), budget) / count
        local = await best_of(partial(_timed, partial(run, calls, False)), budget) / count
        rows[row] = mcp
        rows[f"{row}: MCP overhead over a local tool"] = mcp - local
    return rows


async def ours(sizes: dict[str, Any]) -> dict[str, float]:
    from structagents import function_tool
    from structagents._bench import noop

    local = function_tool(noop)
    async with MCPServerStdio(PARAMS, cache_tools_list=True) as server:  # type: ignore[arg-type]

        async def run(calls: list[int], over_mcp: bool) -> Any:
            model = LeanModel(tool_script(calls, "noop"))
            agent = Agent(name="bench", model=model, mcp_servers=[server] if over_mcp else [])
            agent = agent if over_mcp else agent.clone(tools=[local])
            return await Runner.run(agent, "go", max_turns=len(calls) + 1)

        return await _measure(run, sizes)


async def reference(sizes: dict[str, Any]) -> dict[str, float]:
    from agents import Agent as RefAgent  # type: ignore[import-not-found, unused-ignore]
    from agents import Runner as RefRunner
    from agents import function_tool as ref_function_tool
    from agents.mcp import MCPServerStdio as RefStdio  # type: ignore[import-not-found, unused-ignore]

    from benchmarks._fake_models import RUN_CONFIG, ReferenceLeanModel
    from structagents._bench import noop

    local = ref_function_tool(noop)
    async with RefStdio(PARAMS, cache_tools_list=True) as server:  # type: ignore[arg-type, unused-ignore]

        async def run(calls: list[int], over_mcp: bool) -> Any:
            model = ReferenceLeanModel(tool_script(calls, "noop"))
            if over_mcp:
                agent = RefAgent(name="bench", model=model, mcp_servers=[server])
            else:
                agent = RefAgent(name="bench", model=model, tools=[local])
            return await RefRunner.run(agent, "go", max_turns=len(calls) + 1, run_config=RUN_CONFIG)

        return await _measure(run, sizes)


async def sdk_floor(sizes: dict[str, Any]) -> dict[str, float]:
    """The same requests straight through `mcp.Client`, no agent framework."""
    from mcp import Client, StdioServerParameters

    turns, parallel, budget = sizes["turns"], sizes["parallel"], sizes["budget_s"]
    params = StdioServerParameters(command=sys.executable, args=[SERVER])
    async with Client(params, mode="auto", cache=None) as client:

        async def sequential() -> float:
            started = time.perf_counter()
            for _ in range(turns):
                await client.call_tool("noop", {})
            return time.perf_counter() - started

        async def concurrent() -> float:
            started = time.perf_counter()
            async with anyio.create_task_group() as tg:
                for _ in range(parallel):
                    tg.start_soon(client.call_tool, "noop", {})
            return time.perf_counter() - started

        await concurrent()
        return {
            "sequential": await best_of(sequential, budget) / turns,
            "parallel": await best_of(concurrent, budget) / parallel,
        }


def main(argv: list[str]) -> int:
    sizes = QUICK_SIZES if "--quick" in argv else FULL_SIZES
    columns = {
        "structagents (asyncio)": anyio.run(ours, sizes, backend="asyncio"),
        "structagents (trio)": anyio.run(ours, sizes, backend="trio"),
        "SDK floor (asyncio)": anyio.run(sdk_floor, sizes, backend="asyncio"),
    }
    try:
        columns["openai-agents 0.24.0"] = asyncio.run(reference(sizes))
    except ImportError as exc:
        print(f"reference not installed ({exc}): pip install 'structagents[bench]'")
    ref = columns.get("openai-agents 0.24.0")
    print(f"MCP tool over stdio, ms per call (T={sizes['turns']}, N={sizes['parallel']})\n")
    print("| workload | " + " | ".join(columns) + " | ours (asyncio) ÷ reference |")
    print("|---" * (len(columns) + 2) + "|")
    for row in columns["structagents (asyncio)"]:
        cells = [f"{columns[c][row] * 1000:.2f}" if row in columns[c] else "-" for c in columns]
        ratio = f"{columns['structagents (asyncio)'][row] / ref[row]:.2f}" if ref else "-"
        print(f"| {row} | " + " | ".join(cells) + f" | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
