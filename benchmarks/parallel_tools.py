"""Parallel tool throughput: one turn with N no-op async tool calls, then a final answer.

    python benchmarks/parallel_tools.py [--n 1000] [--repeat 5]

Prints tools/s (N divided by the wall time of the whole run, best of --repeat) on asyncio and
on trio. The model is an in-process ScriptedModel, so this measures the runtime, not a network.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import anyio

from structagents import Agent, Runner, function_tool
from structagents.testing import ScriptedModel, function_call


@function_tool
async def noop(i: int) -> str:
    """Do nothing."""
    return "ok"


def build_agent(n: int) -> Agent[Any]:
    calls = [function_call("noop", {"i": i}, call_id=f"call_{i}") for i in range(n)]
    return Agent(name="bench", model=ScriptedModel([calls, "done"]), tools=[noop])


async def one_run(n: int) -> float:
    agent = build_agent(n)
    started = time.perf_counter()
    result = await Runner.run(agent, "go")
    elapsed = time.perf_counter() - started
    assert len(result.new_items) == 2 * n + 1
    return elapsed


async def best_of(n: int, repeat: int) -> float:
    await one_run(min(n, 10))  # warm-up: imports, caches
    return min([await one_run(n) for _ in range(repeat)])


def measure(backend: str, n: int, repeat: int) -> float:
    """Best tools/s over `repeat` runs on `backend`."""
    seconds = anyio.run(best_of, n, repeat, backend=backend)
    return n / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{args.n} parallel no-op tools, best of {args.repeat}")
    for backend in ("asyncio", "trio"):
        print(f"  {backend:8s} {measure(backend, args.n, args.repeat):10,.0f} tools/s")


if __name__ == "__main__":
    main()
