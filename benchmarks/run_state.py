"""Saving and loading a paused run: `to_json()` + `from_json()` of a `RunState` with ~1000 items,
ours next to the reference SDK's (openai-agents, asyncio), in one process.

    python benchmarks/run_state.py [--quick]

Both sides pause the same run: one turn with N parallel calls of a no-op tool and one call
of a tool that needs approval, so the state holds 2N + 1 items (N calls, N outputs, the call
waiting for approval) and one model response. The figure is the best of repeated
`to_json()` + `from_json()` round trips (for the reference, `await RunState.from_json`). The
goal: ours at least 10x faster at 1000 items.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import anyio

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from structagents import Agent, Runner, RunState, function_tool
from structagents._bench import LeanModel, Script

SIZES = (100, 1_000)
GOAL = 10.0


def script(calls: int) -> Script:
    """One turn: `calls` no-op calls and one call that waits for approval."""
    step: list[dict[str, Any]] = [
        {"type": "function_call", "call_id": f"c{n}", "name": "noop", "arguments": "{}"}
        for n in range(calls)
    ]
    step.append({"type": "function_call", "call_id": "ask", "name": "guarded", "arguments": "{}"})
    for item in step:
        item.update(id=f"fc_{item['call_id']}", status="completed")
    return [step]


def best_of(repeat: int, once: Any) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        once()
        times.append(time.perf_counter() - started)
    return min(times)


async def ours(calls: int, repeat: int) -> tuple[float, int]:
    @function_tool
    async def noop() -> str:
        """Nothing."""
        return "ok"

    @function_tool(needs_approval=True)
    async def guarded() -> str:
        """Needs a human."""
        return "ok"

    agent = Agent(name="bench", model=LeanModel(script(calls)), tools=[noop, guarded])
    state = (await Runner.run(agent, "go")).to_state()
    assert len(state.get_interruptions()) == 1
    seconds = best_of(repeat, lambda: RunState.from_json(agent, state.to_json()))
    return seconds, len(state.generated_items)


async def reference(calls: int, repeat: int) -> tuple[float, int]:
    from agents import RunState as ReferenceRunState  # type: ignore[import-not-found, unused-ignore]
    from agents import function_tool as reference_tool  # type: ignore[import-not-found, unused-ignore]

    from benchmarks._fake_models import RUN_CONFIG, reference_agent

    @reference_tool  # type: ignore[misc, untyped-decorator, unused-ignore]
    async def noop() -> str:
        """Nothing."""
        return "ok"

    @reference_tool(needs_approval=True)  # type: ignore[misc, untyped-decorator, unused-ignore]
    async def guarded() -> str:
        """Needs a human."""
        return "ok"

    from agents import Runner as ReferenceRunner  # type: ignore[import-not-found, unused-ignore]

    agent = reference_agent(script(calls), [noop, guarded])
    result = await ReferenceRunner.run(agent, "go", run_config=RUN_CONFIG)
    assert len(result.interruptions) == 1
    state = result.to_state()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await ReferenceRunState.from_json(agent, state.to_json())
        times.append(time.perf_counter() - started)
    items = len(state._generated_items) + len(result.interruptions)
    return min(times), items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeat = 5 if args.quick else 30
    has_reference = importlib.util.find_spec("agents") is not None
    print(
        "| items | structagents/asyncio (ms) | structagents/trio (ms) "
        "| openai-agents (ms) | ratio |"
    )
    print("|---|---|---|---|---|")
    verdict = True
    for calls in (size // 2 for size in SIZES):
        ours_asyncio, items = anyio.run(ours, calls, repeat)
        ours_trio, _ = anyio.run(ours, calls, repeat, backend="trio")
        if has_reference:
            theirs, _ = asyncio.run(reference(calls, max(1, repeat // 3)))
            ratio = theirs / max(ours_asyncio, ours_trio)
            shown = f"{theirs * 1e3:.2f} | {ratio:.1f}x"
            if items >= 1000:
                verdict = verdict and ratio >= GOAL
        else:
            shown = "not installed | -"
        print(f"| {items} | {ours_asyncio * 1e3:.2f} | {ours_trio * 1e3:.2f} | {shown} |")
    print(f"goal: >= {GOAL:g}x at 1000 items: {'PASS' if verdict else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
