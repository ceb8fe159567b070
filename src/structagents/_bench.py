"""`structagents bench`: our side of the benchmarks (benchmarks/ adds the reference SDK).

Every workload drives real runs through `Runner.run` with `LeanModel`, an in-process model
that replays replies built once up front, so the numbers are the runtime's own cost. Each
workload returns `Result` rows; `render_table` prints them with ratios and `check_targets`
grades them. This module is imported only by the CLI and benchmarks/, never by the package.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.metadata
import math
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import anyio

from . import (
    Agent,
    FunctionTool,
    GuardrailFunctionOutput,
    InputGuardrailTripwireTriggered,
    ModelResponse,
    Runner,
    Tool,
    function_tool,
    input_guardrail,
)
from ._items import TResponseInputItem, TResponseOutputItem
from .models.interface import Model
from .testing import assistant_message, function_call

__all__ = ["LeanModel", "Result", "Sizes", "main", "run_ours", "tool_script"]

T = TypeVar("T")
WORKLOADS = ("parallel_tools", "turn_overhead", "cancellation", "many_runs", "import_time")
OURS_ASYNCIO, OURS_TRIO, REFERENCE = (
    "structagents/asyncio",
    "structagents/trio",
    "openai-agents/asyncio",
)


@dataclass(frozen=True)
class Sizes:
    """How big each workload is: `FULL` for the published numbers, `QUICK` for smoke tests."""

    parallel: tuple[int, ...] = (10, 100, 1000, 5000)
    target_n: int = 1000  # N of the parallel-tools targets
    sleeping: int = 1000
    sleep_s: float = 0.1
    turns: tuple[int, ...] = (25, 100, 200, 400)
    cancel_tools: int = 100
    trip_after_s: float = 0.05
    runs: int = 1000
    import_repeat: int = 5
    budget_s: float = 1.0  # best_of repeats a measurement until this much time is spent


FULL = Sizes()
QUICK = Sizes((10, 100), 100, 50, 0.02, (5, 20), 20, 0.01, 50, 1, 0.02)


@dataclass(frozen=True)
class Result:
    """One measured number. `compare=False` rows (counts) get no ratio."""

    label: str
    unit: str
    value: float
    compare: bool = True

    @property
    def key(self) -> str:
        return f"{self.label} ({self.unit})"


# --- the fake model ---------------------------------------------------------------------------

Script = list[list[TResponseOutputItem]]


def tool_script(calls_per_turn: Sequence[int], tool_name: str, final: str = "done") -> Script:
    """Model replies as Responses-API dicts: turn t asks for `calls_per_turn[t]` parallel calls
    of `tool_name` (no arguments, call ids `call_<t>_<i>`), then a final message."""
    steps: Script = [
        [function_call(tool_name, "{}", call_id=f"call_{t}_{i}") for i in range(n)]
        for t, n in enumerate(calls_per_turn)
    ]
    steps.append([assistant_message(final)])
    return steps


def step_index(script: Sequence[Sequence[Any]]) -> dict[str, int]:
    """Call id -> index of the reply that follows that call's output."""
    return {
        (c["call_id"] if isinstance(c, dict) else c.call_id): t + 1
        for t, step in enumerate(script)
        for c in step
        if (c.get("type") if isinstance(c, dict) else c.type) == "function_call"
    }


def next_step(index: Mapping[str, int], input: str | Sequence[Any]) -> int:
    """Which reply answers `input`: the one after the call whose output is the last item.
    O(1), and stateless, so one model serves any number of concurrent runs."""
    if isinstance(input, str) or not input:
        return 0
    last = input[-1]
    call_id = last.get("call_id") if isinstance(last, dict) else getattr(last, "call_id", None)
    return index.get(call_id, 0) if isinstance(call_id, str) else 0


class LeanModel(Model):
    """Replays a `tool_script`: pre-built `ModelResponse`s, no copying, no network."""

    def __init__(self, script: Script) -> None:
        self._responses = [ModelResponse(output=step) for step in script]
        self._index = step_index(script)

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        *_: Any,
        **__: Any,
    ) -> ModelResponse:
        return self._responses[next_step(self._index, input)]


# --- measuring --------------------------------------------------------------------------------


async def best_of(
    measure: Callable[[], Awaitable[float]], budget_s: float, most: int = 15
) -> float:
    """The smallest of `measure()`'s results, repeating it until `budget_s` is spent (at least
    once, at most `most` times). Works on any event loop."""
    best, spent, count = float("inf"), 0.0, 0
    gc.collect()
    while count < most and (count == 0 or spent < budget_s):
        started = time.perf_counter()
        best = min(best, await measure())
        spent += time.perf_counter() - started
        count += 1
    return best


async def traced_peak(measure: Callable[[], Awaitable[object]]) -> int:
    """Peak bytes allocated (tracemalloc) while `measure()` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        await measure()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class Gauge:
    """Counts the tools of a run that have started and that are still running; `hold` is the
    tool (it sleeps 10 s with `sleep`, `anyio.sleep` unless told otherwise)."""

    def __init__(self, target: int, sleep: Callable[[float], Awaitable[Any]] = anyio.sleep) -> None:
        self.target, self.started, self.running = target, 0, 0
        self.all_started = anyio.Event()
        self.sleep = sleep

    async def hold(self) -> str:
        """Sleep."""
        self.started += 1
        self.running += 1
        if self.started == self.target:
            self.all_started.set()
        try:
            await self.sleep(10)
        finally:
            self.running -= 1
        return "ok"


def import_seconds(module: str, repeat: int) -> float:
    """Wall time of `python -c "import <module>"` minus `python -c pass`, best of `repeat`,
    each in a fresh interpreter."""

    def wall(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - started

    base = imported = float("inf")
    for _ in range(repeat):
        base = min(base, wall("pass"))
        imported = min(imported, wall(f"import {module}"))
    return max(imported - base, 0.0)


# --- our workloads ----------------------------------------------------------------------------


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
    body: Callable[[Sizes], Awaitable[list[Result]]] = {
        "turn_overhead": turn_overhead,
        "cancellation": cancellation,
        "many_runs": many_runs,
    }[workload]
    return anyio.run(body, sizes, backend=backend)


# --- tables and targets -----------------------------------------------------------------------

Columns = Mapping[str, Sequence[Result]]


def _value(columns: Columns, column: str, key: str) -> float | None:
    return next((r.value for r in columns.get(column, ()) if r.key == key), None)


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1000 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.3g}"


def render_table(columns: Columns) -> str:
    """A Markdown table: one row per measurement, one column per framework/backend, and
    ours ÷ reference ratios when the reference column is there."""
    names = [c for c in (OURS_ASYNCIO, OURS_TRIO, REFERENCE) if c in columns]
    ours = [c for c in names if c != REFERENCE] if REFERENCE in columns else []
    rows: dict[str, Result] = {}
    for column in names:
        for result in columns[column]:
            rows.setdefault(result.key, result)
    header = ["measurement", *names, *(f"{c.split('/')[1]} ÷ ref" for c in ours)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, row in rows.items():
        cells = [key, *(_fmt(_value(columns, c, key)) for c in names)]
        ref = _value(columns, REFERENCE, key)
        for column in ours:
            mine = _value(columns, column, key)
            cells.append(f"{mine / ref:.2f}x" if row.compare and mine is not None and ref else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    """One of the issue's speed targets; `passed` is None when it could not be checked."""

    name: str
    measured: str
    passed: bool | None


def check_targets(columns: Columns, sizes: Sizes) -> list[Target]:
    """Grade the targets whose measurements are in `columns`."""
    targets: list[Target] = []
    ours = [c for c in (OURS_ASYNCIO, OURS_TRIO) if c in columns]

    def versus_reference(
        column: str, key: str, name: str, lowest: float = 0.0, highest: float = math.inf
    ) -> None:
        mine, ref = _value(columns, column, key), _value(columns, REFERENCE, key)
        if mine is None or REFERENCE not in columns:
            return
        if ref is None:
            targets.append(Target(name, "no reference measurement", None))
            return
        measured = f"{mine / ref:.2f}x ({_fmt(mine)} vs {_fmt(ref)})"
        targets.append(Target(name, measured, lowest <= mine / ref <= highest))

    for column in ours:
        backend = column.split("/")[1]
        factor, n = (20 if backend == "asyncio" else 10), sizes.target_n
        versus_reference(
            column,
            f"parallel no-op tools, N={n} (tools/s)",
            f"no-op tools/s at N={n} on {backend} ≥ {factor}x reference",
            lowest=factor,
        )
        versus_reference(
            column,
            f"{sizes.runs} concurrent runs: peak memory per run (KiB)",
            f"memory per concurrent run on {backend} ≤ 0.5x reference",
            highest=0.5,
        )
        first, last = sizes.turns[0], sizes.turns[-1]
        flat = _value(columns, column, f"turn overhead T={last} / T={first} (x)")
        if flat is not None:
            targets.append(
                Target(
                    f"ms/turn at T={last} ≤ 1.5x T={first} on {backend}",
                    f"{flat:.2f}x",
                    flat <= 1.5,
                )
            )
        for kind in ("cancel", "tripwire"):
            left = _value(columns, column, f"{kind}: tools still running after (tools)")
            if left is not None:
                targets.append(
                    Target(f"0 tools running after {kind} on {backend}", f"{left:.0f}", left == 0)
                )
    seconds = next(
        (v for c in ours if (v := _value(columns, c, "import the package (s)")) is not None), None
    )
    if seconds is not None:
        targets.append(Target("import structagents ≤ 0.45 s", f"{seconds:.3f} s", seconds <= 0.45))
    return targets


def render_targets(targets: Sequence[Target]) -> str:
    verdict = {True: "PASS", False: "MISS", None: "n/a"}
    lines = ["| target | measured | result |", "|---|---|---|"]
    lines += [f"| {t.name} | {t.measured} | {verdict[t.passed]} |" for t in targets]
    return "\n".join(lines)


def run_steps(steps: Sequence[tuple[str, Callable[[], T]]]) -> list[T]:
    """Run `steps` in order with a progress bar on stderr (rich if installed, else lines)."""
    try:
        from rich.console import Console  # type: ignore[import-not-found, unused-ignore]
        from rich.progress import Progress  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        results = []
        for number, (what, step) in enumerate(steps, 1):
            print(f"[{number}/{len(steps)}] {what}", file=sys.stderr, flush=True)
            results.append(step())
        return results
    # No auto-refresh: a refresh thread would take the GIL in the middle of measurements.
    with Progress(console=Console(stderr=True), transient=True, auto_refresh=False) as progress:
        task = progress.add_task("benchmarks", total=len(steps))
        results = []
        for what, step in steps:
            progress.update(task, description=what, refresh=True)
            results.append(step())
            progress.advance(task)
        progress.refresh()
        return results


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    versions = {"python": platform.python_version()}
    for dist in ("anyio", "trio", "pydantic", "openai", "openai-agents", "structagents"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return {"cpu": f"{_cpu_name()}, {os.cpu_count()} cores", "os": platform.platform(), **versions}


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            names = [line.split(":", 1)[1] for line in cpuinfo if line.startswith("model name")]
    except OSError:
        names = []
    return names[0].strip() if names else platform.processor() or platform.machine()


# --- `structagents bench` ---------------------------------------------------------------------


def load_tool(spec: str) -> FunctionTool:
    """`module:function` -> a tool the parallel-tools workload can call with no arguments."""
    from ._function_schema import function_schema
    from .exceptions import UserError

    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise UserError(f"--tool wants module:function, not {spec!r}.")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # like `python -m`: find the user's modules
    target = getattr(importlib.import_module(module_name), name)
    if isinstance(target, FunctionTool):
        return target
    fields = function_schema(target).params_pydantic_model.model_fields
    required = [field for field, info in fields.items() if info.is_required()]
    if required:
        raise UserError(
            f"--tool {spec}: the tool is called with no arguments, so its parameters need "
            f"defaults ({', '.join(required)} have none)."
        )
    return function_tool(target)


def main(args: argparse.Namespace) -> int:
    """`structagents bench`: our side of the workloads, then the table and the targets."""
    from ._backends import missing_backend
    from .exceptions import UserError

    sizes = QUICK if args.quick else FULL
    try:
        tool = load_tool(args.tool) if args.tool else None
    except (UserError, ImportError, AttributeError) as exc:
        print(f"structagents bench: {exc}", file=sys.stderr)
        return 2
    backends: tuple[str, ...] = ("asyncio", "trio") if args.backend == "both" else (args.backend,)
    if skipped := {b: problem for b in backends if (problem := missing_backend(b))}:
        for backend, problem in skipped.items():
            print(f"structagents bench: skipping {backend}: {problem}", file=sys.stderr)
        if args.backend != "both":
            return 2
        backends = tuple(b for b in backends if b not in skipped)
    workloads = args.workload or list(WORKLOADS)
    plan = [(w, b) for w in workloads for b in backends]
    steps = [(f"{w} on {b}", partial(run_ours, w, b, sizes, tool)) for w, b in plan]
    columns: dict[str, list[Result]] = {}
    for (_, backend), results in zip(plan, run_steps(steps), strict=True):
        columns.setdefault(f"structagents/{backend}", []).extend(results)
    print(render_table(columns))
    if targets := check_targets(columns, sizes):
        print("\n" + render_targets(targets))
    print("\nRatios against openai-agents: python benchmarks/run.py (or nox -s bench).")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `bench` subcommand's options."""
    parser.add_argument(
        "--workload", action="append", choices=WORKLOADS, help="repeatable; default: all"
    )
    parser.add_argument("--backend", choices=("asyncio", "trio", "both"), default="both")
    parser.add_argument(
        "--tool",
        metavar="MODULE:FUNCTION",
        help="benchmark your own tool in the parallel-tools workload (called with no arguments)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
