"""Tracing overhead: one turn of N parallel no-op tools, then a final answer, with tracing off,
on with a no-op processor, and on with the OpenTelemetry SDK (in-memory exporter); and the
reference SDK with tracing on and its default processor replaced by a no-op one (no network).

    python benchmarks/tracing.py [--quick]

Prints a Markdown table of tools/s (best of repeated runs) and the ratios the issue sets
goals for: on ÷ off ≥ 0.85, OpenTelemetry ÷ off ≥ 0.6, ours-on ÷ reference-on ≥ 20.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import anyio

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from structagents import Agent, RunConfig, Runner, function_tool, set_trace_processors
from structagents._bench import LeanModel, best_of, noop, tool_script
from structagents.tracing import Span, Trace, TracingProcessor


class NoOpProcessor(TracingProcessor):
    """Receives every trace and span and does nothing with them."""

    def on_trace_start(self, trace: Trace) -> None:
        pass

    def on_trace_end(self, trace: Trace) -> None:
        pass

    def on_span_start(self, span: Span[Any]) -> None:
        pass

    def on_span_end(self, span: Span[Any]) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self) -> None:
        pass


async def _ours_once(n: int, config: RunConfig, after: Callable[[], None]) -> float:
    tool = function_tool(noop)
    agent = Agent(name="bench", model=LeanModel(tool_script([n], tool.name)), tools=[tool])
    started = time.perf_counter()
    result = await Runner.run(agent, "go", run_config=config)
    elapsed = time.perf_counter() - started
    assert result.final_output == "done"
    after()
    return elapsed


async def ours(n: int, budget_s: float) -> dict[str, float]:
    """tools/s for each of our tracing modes, on the current backend."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from structagents.tracing.otel import OpenTelemetryTracingProcessor

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    modes: dict[str, tuple[list[TracingProcessor], RunConfig]] = {
        "off": ([], RunConfig(tracing_disabled=True)),
        "on, no-op processor": ([NoOpProcessor()], RunConfig()),
        "on, OpenTelemetry SDK": ([OpenTelemetryTracingProcessor(provider)], RunConfig()),
    }
    best = dict.fromkeys(modes, float("inf"))
    for processors, config in modes.values():  # warm-up
        set_trace_processors(processors)
        await _ours_once(10, config, exporter.clear)
    rounds = 0
    started = time.perf_counter()
    # Interleaved rounds, best of each: a machine whose load drifts treats every mode alike.
    while rounds < 3 or (time.perf_counter() - started < budget_s * len(modes) and rounds < 30):
        for mode, (processors, config) in modes.items():
            set_trace_processors(processors)
            best[mode] = min(best[mode], await _ours_once(n, config, exporter.clear))
        rounds += 1
    set_trace_processors([])
    return {mode: n / seconds for mode, seconds in best.items()}


def reference(n: int, budget_s: float) -> float | None:
    """tools/s of the reference SDK with tracing on and a no-op processor (None if missing)."""
    try:
        import agents  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    from benchmarks._fake_models import reference_agent

    class RefNoOp(agents.TracingProcessor):  # type: ignore[misc, unused-ignore]
        def on_trace_start(self, trace: Any) -> None:
            pass

        def on_trace_end(self, trace: Any) -> None:
            pass

        def on_span_start(self, span: Any) -> None:
            pass

        def on_span_end(self, span: Any) -> None:
            pass

        def shutdown(self) -> None:
            pass

        def force_flush(self) -> None:
            pass

    agents.set_tracing_disabled(False)
    agents.set_trace_processors([RefNoOp()])
    tool = agents.function_tool(noop)

    async def once(count: int) -> float:
        agent = reference_agent(tool_script([count], "noop"), [tool])
        started = time.perf_counter()
        result = await agents.Runner.run(agent, "go", run_config=agents.RunConfig())
        elapsed = time.perf_counter() - started
        assert result.final_output == "done"
        return elapsed

    async def measure() -> float:
        await once(10)
        return await best_of(partial(once, n), budget_s)

    try:
        return n / asyncio.run(measure())
    finally:
        agents.set_tracing_disabled(True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N=50, a smoke test")
    args = parser.parse_args(argv)
    n, budget = (50, 0.01) if args.quick else (1000, 1.0)
    rows: dict[str, dict[str, float]] = {}
    for backend in ("asyncio", "trio"):
        rows[backend] = anyio.run(ours, n, budget, backend=backend)
    ref = reference(n, budget)
    print(f"| structagents, N={n} (tools/s) | asyncio | trio |")
    print("|---|---|---|")
    for mode in rows["asyncio"]:
        print(f"| tracing {mode} | {rows['asyncio'][mode]:,.0f} | {rows['trio'][mode]:,.0f} |")
    for mode, goal in (("on, no-op processor", 0.85), ("on, OpenTelemetry SDK", 0.6)):
        ratios = [rows[b][mode] / rows[b]["off"] for b in ("asyncio", "trio")]
        print(f"| {mode} ÷ off (goal ≥ {goal}) | {ratios[0]:.2f}x | {ratios[1]:.2f}x |")
    if ref is None:
        print("\nopenai-agents is missing (pip install 'structagents[bench]'): no reference.")
    else:
        print(f"| openai-agents 0.24.0, tracing on, no-op processor | {ref:,.0f} | — |")
        on = [rows[b]["on, no-op processor"] / ref for b in ("asyncio", "trio")]
        print(f"| ours on ÷ reference on (goal ≥ 20) | {on[0]:.1f}x | {on[1]:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
