"""Our side of each workload: real runs through `Runner.run` with `LeanModel`, so the numbers
are the runtime's own cost. Each returns `Result` rows; `run_ours` runs one in a fresh loop."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import anyio

from .. import (
    Agent,
    FunctionTool,
    GuardrailFunctionOutput,
    InputGuardrailTripwireTriggered,
    Runner,
    Tool,
    function_tool,
    input_guardrail,
)
from ._measure import Gauge, best_of, import_seconds, traced_peak
from ._model import LeanModel, Script, tool_script
from ._results import Result, Sizes

__all__ = [
    "cancellation_rows",
    "flatness",
    "import_time",
    "many_runs_rows",
    "noop",
    "run_ours",
    "summarize_cancellation",
]


async def noop() -> str:
    """Do nothing."""
    return "ok"


def _agent(script: Script, tools: list[FunctionTool], **kwargs: Any) -> Agent[Any]:
    return Agent(name="bench", model=LeanModel(script), tools=list[Tool](tools), **kwargs)


async def _timed_run(agent: Agent[Any], max_turns: int = 10) -> float:
    started = time.perf_counter()
    result = await Runner.run(agent, "go", max_turns=max_turns)
    elapsed = time.perf_counter() - started
    assert result.final_output == "done", result.final_output
    return elapsed


async def parallel_tools(sizes: Sizes, tool: FunctionTool | None = None) -> list[Result]:
    """One turn of N parallel calls, then a final answer: tools/s (N / wall of the run)."""
    subject = tool or function_tool(noop)
    what = "no-op" if tool is None else f"{tool.name!r}"
    await _timed_run(_agent(tool_script([10], subject.name), [subject]))  # warm-up
    results = []
    for n in sizes.parallel:
        agent = _agent(tool_script([n], subject.name), [subject])
        seconds = await best_of(partial(_timed_run, agent), sizes.budget_s)
        results.append(Result(f"parallel {what} tools, N={n}", "tools/s", n / seconds))
    if tool is None:

        async def nap() -> str:
            """Sleep."""
            await anyio.sleep(sizes.sleep_s)
            return "ok"

        n = sizes.sleeping
        agent = _agent(tool_script([n], "nap"), [function_tool(nap)])
        seconds = await best_of(partial(_timed_run, agent), sizes.budget_s, most=3)
        results.append(Result(f"parallel tools sleeping {sizes.sleep_s:g} s, N={n}", "s", seconds))
    return results


async def turn_overhead(sizes: Sizes) -> list[Result]:
    """T sequential turns of one tool call each, then a final turn: wall / (T + 1)."""
    tool = function_tool(noop)
    await _timed_run(_agent(tool_script([1] * 5, "noop"), [tool]))  # warm-up
    results = []
    for t in sizes.turns:
        agent = _agent(tool_script([1] * t, "noop"), [tool])
        seconds = await best_of(partial(_timed_run, agent, t + 1), sizes.budget_s)
        results.append(Result(f"turn overhead, T={t}", "ms/turn", seconds / (t + 1) * 1e3))
    return results + flatness(results)


def flatness(turns: list[Result]) -> list[Result]:
    """ms/turn at the largest T over ms/turn at the smallest."""
    if len(turns) < 2:
        return []
    first, last = turns[0], turns[-1]
    label = f"turn overhead T={last.label.rsplit('=', 1)[1]} / T={first.label.rsplit('=', 1)[1]}"
    return [Result(label, "x", last.value / first.value)]


def cancellation_rows(kind: str, latency_s: float, started: float, running: float) -> list[Result]:
    """The rows of one cancellation scenario, the same for both frameworks."""
    return [
        Result(f"{kind}: trigger to run raising", "ms", latency_s * 1e3),
        Result(f"{kind}: tools started before the trigger", "tools", started, compare=False),
        Result(f"{kind}: tools still running after", "tools", running, compare=False),
    ]


async def cancellation(sizes: Sizes) -> list[Result]:
    """`cancel`: the caller cancels the run (a CancelScope around `Runner.run`) once all
    N tools are sleeping. `tripwire`: an input guardrail trips after `trip_after_s`; our turn-1
    tools wait for input guardrails, so none has started. Best latency of 3, worst counts."""
    n = sizes.cancel_tools
    cancel: list[tuple[float, int, int]] = []
    trip: list[tuple[float, int, int]] = []
    for _ in range(3):
        gauge = Gauge(n)
        agent = _agent(tool_script([n], "hold"), [function_tool(gauge.hold)])
        triggered = 0.0
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:

                async def trigger(gauge: Gauge = gauge, scope: anyio.CancelScope = scope) -> None:
                    nonlocal triggered
                    await gauge.all_started.wait()
                    triggered = time.perf_counter()
                    scope.cancel()

                tg.start_soon(trigger)
                await Runner.run(agent, "go")
        cancel.append((time.perf_counter() - triggered, gauge.started, gauge.running))

        gauge = Gauge(n)
        tripped_at = 0.0

        @input_guardrail
        async def tripwire(ctx: Any, agent: Any, input: Any) -> GuardrailFunctionOutput:
            nonlocal tripped_at
            await anyio.sleep(sizes.trip_after_s)
            tripped_at = time.perf_counter()
            return GuardrailFunctionOutput(output_info=None, tripwire_triggered=True)

        agent = _agent(
            tool_script([n], "hold"), [function_tool(gauge.hold)], input_guardrails=[tripwire]
        )
        try:
            await Runner.run(agent, "go")
        except InputGuardrailTripwireTriggered:
            trip.append((time.perf_counter() - tripped_at, gauge.started, gauge.running))
    return summarize_cancellation("cancel", cancel) + summarize_cancellation("tripwire", trip)


def summarize_cancellation(kind: str, samples: list[tuple[float, int, int]]) -> list[Result]:
    """Best latency, worst counts."""
    assert samples, f"the {kind} scenario never completed"
    return cancellation_rows(
        kind,
        min(s[0] for s in samples),
        max(s[1] for s in samples),
        max(s[2] for s in samples),
    )


async def many_runs(sizes: Sizes) -> list[Result]:
    """R concurrent runs (one tool turn + final each) sharing one Agent: wall, and tracemalloc
    peak / R in a second pass."""
    agent = _agent(tool_script([1], "noop"), [function_tool(noop)])

    async def all_runs() -> float:
        started = time.perf_counter()
        async with anyio.create_task_group() as tg:
            for _ in range(sizes.runs):
                tg.start_soon(_timed_run, agent)
        return time.perf_counter() - started

    await _timed_run(agent)  # warm-up
    wall = await best_of(all_runs, sizes.budget_s, most=3)
    peak = await traced_peak(all_runs)
    return many_runs_rows(sizes.runs, wall, peak)


def many_runs_rows(runs: int, wall_s: float, peak_bytes: int) -> list[Result]:
    return [
        Result(f"{runs} concurrent runs: wall", "s", wall_s),
        Result(f"{runs} concurrent runs: peak memory per run", "KiB", peak_bytes / runs / 1024),
    ]


def import_time(module: str, sizes: Sizes) -> list[Result]:
    """`import <module>` in a fresh interpreter."""
    return [Result("import the package", "s", import_seconds(module, sizes.import_repeat))]


def run_ours(
    workload: str, backend: str, sizes: Sizes, tool: FunctionTool | None = None
) -> list[Result]:
    """Run one of our workloads on `backend` ("asyncio" or "trio") in a fresh event loop."""
    if workload == "import_time":
        return import_time("structagents", sizes)
    if workload == "parallel_tools":
        return anyio.run(parallel_tools, sizes, tool, backend=backend)
    if workload == "over_http":
        from ._over_http import over_http

        return over_http(sizes, backend)
    body: Callable[[Sizes], Awaitable[list[Result]]] = {
        "turn_overhead": turn_overhead,
        "cancellation": cancellation,
        "many_runs": many_runs,
    }[workload]
    return anyio.run(body, sizes, backend=backend)
