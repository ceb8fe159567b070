"""Workload 2, turn overhead vs history: T sequential turns of one tool call each, then a
final turn. Reports ms/turn = wall / (T + 1); flat in T means no per-turn work that grows with
the history."""

from __future__ import annotations

import asyncio
from functools import partial

from structagents._bench import Result, Sizes, best_of, flatness, noop, run_ours, tool_script


def ours(backend: str, sizes: Sizes) -> list[Result]:
    return run_ours("turn_overhead", backend, sizes)


def reference(sizes: Sizes) -> list[Result]:
    return asyncio.run(_reference(sizes))


async def _reference(sizes: Sizes) -> list[Result]:
    from agents import function_tool  # type: ignore[import-not-found, unused-ignore]

    from benchmarks._fake_models import reference_agent, timed_reference_run

    tool = function_tool(noop)
    await timed_reference_run(reference_agent(tool_script([1] * 5, "noop"), [tool]))  # warm-up
    results = []
    for t in sizes.turns:
        agent = reference_agent(tool_script([1] * t, "noop"), [tool])
        seconds = await best_of(partial(timed_reference_run, agent, t + 1), sizes.budget_s)
        results.append(Result(f"turn overhead, T={t}", "ms/turn", seconds / (t + 1) * 1e3))
    return results + flatness(results)
