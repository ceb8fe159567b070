"""How the benchmarks measure: best-of timing, peak memory, a tool gauge, import time, and
the machine the numbers come from."""

from __future__ import annotations

import gc
import importlib.metadata
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

__all__ = ["Gauge", "best_of", "import_seconds", "machine", "traced_peak"]


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
