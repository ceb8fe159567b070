"""Workload 1, parallel tools: one turn with N parallel async tool calls, then a final answer.

Reports tools/s (N / wall time of the whole run, best of several) for no-op tools, and the
wall time when each of N tools sleeps `sizes.sleep_s` (true concurrency: ≈ the sleep).
Standalone: `python benchmarks/parallel_tools.py [--quick]` (same as `run.py --workload
parallel_tools`).
"""

from __future__ import annotations

import asyncio
import sys
from functools import partial
from pathlib import Path

from structagents._bench import Result, Sizes, best_of, noop, run_ours, tool_script


def ours(backend: str, sizes: Sizes) -> list[Result]:
    return run_ours("parallel_tools", backend, sizes)


def reference(sizes: Sizes) -> list[Result]:
    return asyncio.run(_reference(sizes))


async def _reference(sizes: Sizes) -> list[Result]:
    from agents import function_tool  # type: ignore[import-not-found, unused-ignore]

    from benchmarks._fake_models import reference_agent, timed_reference_run

    tool = function_tool(noop)
    await timed_reference_run(reference_agent(tool_script([10], "noop"), [tool]))  # warm-up
    results = []
    for n in sizes.parallel:
        agent = reference_agent(tool_script([n], "noop"), [tool])
        seconds = await best_of(partial(timed_reference_run, agent), sizes.budget_s)
        results.append(Result(f"parallel no-op tools, N={n}", "tools/s", n / seconds))

    async def nap() -> str:
        """Sleep."""
        await asyncio.sleep(sizes.sleep_s)
        return "ok"

    n = sizes.sleeping
    agent = reference_agent(tool_script([n], "nap"), [function_tool(nap)])
    seconds = await best_of(partial(timed_reference_run, agent), sizes.budget_s, most=3)
    results.append(Result(f"parallel tools sleeping {sizes.sleep_s:g} s, N={n}", "s", seconds))
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.run import main

    sys.exit(main(["--workload", "parallel_tools", *sys.argv[1:]]))
