"""Workload 3, cancellation latency while N tools sleep (10 s each). Two scenarios, the same
code shape on both sides; each reports the time from the trigger to the run raising, how
many tools had started, and how many were still running when it raised.

- `cancel`: the caller cancels the run once all N tools are sleeping. Ours: `cancel()` on a
  `CancelScope` around `Runner.run`. Reference: `task.cancel()` on the asyncio task running
  `Runner.run`.
- `tripwire`: a parallel input guardrail sleeps `sizes.trip_after_s`, then trips. In the
  reference the first turn (model call and tools) runs alongside the guardrail, so the trip
  lands while the tools sleep. Ours holds turn-1 tools until the input guardrails pass
  (DESIGN.md guarantee 3), so no tool starts: "tools started" is the number to compare.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from structagents._bench import (
    Gauge,
    Result,
    Sizes,
    run_ours,
    summarize_cancellation,
    tool_script,
)


def ours(backend: str, sizes: Sizes) -> list[Result]:
    return run_ours("cancellation", backend, sizes)


def reference(sizes: Sizes) -> list[Result]:
    return asyncio.run(_reference(sizes))


async def _reference(sizes: Sizes) -> list[Result]:
    from agents import (  # type: ignore[import-not-found, unused-ignore]
        GuardrailFunctionOutput,
        InputGuardrailTripwireTriggered,
        Runner,
        function_tool,
        input_guardrail,
    )

    from benchmarks._fake_models import RUN_CONFIG, reference_agent

    n = sizes.cancel_tools
    cancel: list[tuple[float, int, int]] = []
    trip: list[tuple[float, int, int]] = []
    for _ in range(3):
        gauge = Gauge(n, asyncio.sleep)
        agent = reference_agent(tool_script([n], "hold"), [function_tool(gauge.hold)])
        task = asyncio.create_task(Runner.run(agent, "go", run_config=RUN_CONFIG))
        await gauge.all_started.wait()
        triggered = time.perf_counter()
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            cancel.append((time.perf_counter() - triggered, gauge.started, gauge.running))

        gauge = Gauge(n, asyncio.sleep)
        tripped_at = 0.0

        @input_guardrail  # type: ignore[untyped-decorator, unused-ignore]
        async def tripwire(ctx: Any, agent: Any, input: Any) -> Any:
            nonlocal tripped_at
            await asyncio.sleep(sizes.trip_after_s)
            tripped_at = time.perf_counter()
            return GuardrailFunctionOutput(output_info=None, tripwire_triggered=True)

        agent = reference_agent(
            tool_script([n], "hold"), [function_tool(gauge.hold)], input_guardrails=[tripwire]
        )
        try:
            await Runner.run(agent, "go", run_config=RUN_CONFIG)
        except InputGuardrailTripwireTriggered:
            trip.append((time.perf_counter() - tripped_at, gauge.started, gauge.running))
    return summarize_cancellation("cancel", cancel) + summarize_cancellation("tripwire", trip)
