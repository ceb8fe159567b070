"""Workload 4, many runs: R concurrent runs (one tool turn + final answer each) sharing one
Agent. Reports the wall time (best of up to 3) and, in a separate pass, the tracemalloc peak
divided by R (same method on both sides)."""

from __future__ import annotations

import asyncio
import time

from structagents._bench import (
    Result,
    Sizes,
    best_of,
    many_runs_rows,
    noop,
    run_ours,
    tool_script,
    traced_peak,
)


def ours(backend: str, sizes: Sizes) -> list[Result]:
    return run_ours("many_runs", backend, sizes)


def reference(sizes: Sizes) -> list[Result]:
    return asyncio.run(_reference(sizes))


async def _reference(sizes: Sizes) -> list[Result]:
    from agents import function_tool  # type: ignore[import-not-found, unused-ignore]

    from benchmarks._fake_models import reference_agent, timed_reference_run

    agent = reference_agent(tool_script([1], "noop"), [function_tool(noop)])

    async def all_runs() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(timed_reference_run(agent) for _ in range(sizes.runs)))
        return time.perf_counter() - started

    await timed_reference_run(agent)  # warm-up
    wall = await best_of(all_runs, sizes.budget_s, most=3)
    peak = await traced_peak(all_runs)
    return many_runs_rows(sizes.runs, wall, peak)
