"""What a benchmark measures (`Result`), how big it is (`Sizes`) and the column names."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COMMAND_WORKLOADS",
    "FULL",
    "OURS_ASYNCIO",
    "OURS_TRIO",
    "QUICK",
    "REFERENCE",
    "WORKLOADS",
    "Result",
    "Sizes",
]

WORKLOADS = ("parallel_tools", "turn_overhead", "cancellation", "many_runs", "import_time")
"""The workloads measured side by side with the reference SDK (benchmarks/run.py)."""
COMMAND_WORKLOADS = (*WORKLOADS, "over_http")
"""What `structagents bench` runs: the above, and a turn over loopback HTTP."""
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
    http_tools: int = 100  # over_http: one turn of this many tools, then an answer
    http_repeat: int = 5


FULL = Sizes()
QUICK = Sizes((10, 100), 100, 50, 0.02, (5, 20), 20, 0.01, 50, 1, 0.02, 10, 1)


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
