"""How benchmarks/over_http.py measures and reports: every side runs in its own worker
process (its event loop in a thread of that process, an anyio blocking portal) with its
client open and warm, and the main process drives them in interleaved rounds, so a slow patch
of the machine hits every side alike.

A process of its own per side keeps each side's heap its own: in one shared process the
cyclic GC of a 1000-tool turn walked every side's objects (the reference SDK's included), and
measured the plain server-only client at 24 ms for a turn it does in 4-6 ms alone. Each
workload gets fresh workers: a client's pool keeps the 200 connections of the concurrent runs,
and the transport scans every pooled connection on each request, which slowed every later
request of every side.

Round r runs each workload on every side one after another (server only, ours/asyncio,
ours/trio, the reference); round 0 is a warm-up. A figure is the median of the rounds. Each
job is timed in its side's process (wall clock, and that process's CPU time, which load
disturbs far less), and the server's own CPU time is read from it around the job.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import AbstractAsyncContextManager, ExitStack, closing, contextmanager
from functools import partial
from typing import Any, NamedTuple

import anyio
from anyio.from_thread import start_blocking_portal

from structagents._bench_http import ServerCPU, headers

Conversation = Callable[[dict[str, str]], Coroutine[Any, Any, None]]
Stream = Callable[[dict[str, str]], Coroutine[Any, Any, int]]
Side = Callable[[str], AbstractAsyncContextManager[tuple[Conversation, Stream]]]
Job = Callable[[], Awaitable[None]]

LABELS = {
    "parallel_s": "{parallel} parallel tools, one turn (s)",
    "sequential_ms_per_turn": "{sequential} sequential turns (ms/turn)",
    "deltas_per_s": "streamed reply of {deltas} deltas (deltas/s)",
    "concurrent_s": "{concurrent} concurrent runs (s)",
}
CPU_LABELS = {  # CPU time per unit: (label, scale, the size that counts the units)
    "parallel_s": ("{parallel} parallel tools, one turn (ms/run)", 1e3, None),
    "sequential_ms_per_turn": ("{sequential} sequential turns (ms/turn)", 1e3, "sequential"),
    "deltas_per_s": ("streamed reply of {deltas} deltas (µs/delta)", 1e6, "deltas"),
    "concurrent_s": ("{concurrent} concurrent runs (ms/run)", 1e3, "concurrent"),
}
SERVER, REFERENCE, SERVER_PROCESS = "server only", "openai-agents/asyncio", "the server itself"
OURS = ("structagents/asyncio", "structagents/trio")


class Sample(NamedTuple):
    wall: float  # seconds
    cpu: float  # the client process's CPU seconds
    server: float  # the server process's CPU seconds


def jobs(conversation: Conversation, stream: Stream, sizes: dict[str, int]) -> dict[str, Job]:
    """One side's four workloads, each one job (`sizes` says how big)."""

    async def concurrent_runs() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(sizes["concurrent"]):
                tg.start_soon(conversation, headers())

    async def streamed_run() -> None:
        assert await stream(headers(deltas=sizes["deltas"])) == sizes["deltas"]

    return {
        "parallel_s": partial(conversation, headers(tools=sizes["parallel"])),
        "sequential_ms_per_turn": partial(conversation, headers(turns=sizes["sequential"])),
        "deltas_per_s": streamed_run,
        "concurrent_s": concurrent_runs,
    }


async def _nothing() -> None:
    pass


async def _scoped() -> None:
    with anyio.CancelScope():
        await _nothing()


async def scoped_tasks(count: int) -> None:
    """The runtime's structural minimum for a turn of `count` tools: a task each, spawned in
    one task group, each in its own cancel scope (DESIGN.md), awaiting nothing."""
    async with anyio.create_task_group() as tg:
        for _ in range(count):
            tg.start_soon(_scoped)


async def _timed(job: Job) -> tuple[float, float]:
    cpu, started = time.process_time(), time.perf_counter()
    await job()
    return time.perf_counter() - started, time.process_time() - cpu


FLOOR = "scoped_tasks"
"""The job name of the scoped-task floor (see `scoped_tasks`)."""
_REPLY = "@@ "  # marks a worker's answer among anything else a side prints


class Worker:
    """One side in a process of its own: `call(job)` runs one of its jobs there and returns
    (wall seconds, that process's CPU seconds)."""

    def __init__(self, script: str, name: str, base: str, sizes: dict[str, int]) -> None:
        command = [sys.executable, script, "--worker", name, base, json.dumps(sizes)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self.call("ready")

    def call(self, job: str) -> tuple[float, float]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(job + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(_REPLY):
                wall, cpu = json.loads(line[len(_REPLY) :])
                return float(wall), float(cpu)
            print(line, end="")
        raise RuntimeError(f"the benchmark worker stopped (exit code {self.process.wait()})")

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def serve_worker(backend: str, side: Side, base: str, sizes: dict[str, int]) -> None:
    """A worker process's main: open `side` on `backend`, then run the job named on each line
    of stdin, answering each on stdout."""
    with (
        start_blocking_portal(backend) as portal,
        portal.wrap_async_context_manager(side(base)) as pair,
    ):
        work = jobs(*pair, sizes=sizes)
        work[FLOOR] = partial(scoped_tasks, sizes["parallel"])
        work["ready"] = _nothing
        for line in sys.stdin:
            wall, cpu = portal.call(_timed, work[line.strip()])
            print(_REPLY + json.dumps([wall, cpu]), flush=True)


def _sample(worker: Worker, job: str, server_cpu: ServerCPU) -> Sample:
    before = server_cpu()
    wall, cpu = worker.call(job)
    return Sample(wall, cpu, server_cpu() - before)


@contextmanager
def opened(
    script: str, names: list[str], base: str, sizes: dict[str, int]
) -> Iterator[dict[str, Worker]]:
    """Each side's worker process (`script --worker NAME ...`), its side open and ready."""
    with ExitStack() as stack:
        workers: dict[str, Worker] = {}
        for name in names:
            workers[name] = stack.enter_context(closing(Worker(script, name, base, sizes)))
        yield workers


def measure(
    script: str, names: list[str], base: str, sizes: dict[str, int], rounds: int
) -> tuple[dict[str, dict[str, list[Sample]]], dict[str, list[float]]]:
    """Every side's samples of every workload (one per round), and on each of our backends
    the scoped-task floor's wall time per round."""
    samples: dict[str, dict[str, list[Sample]]] = {n: {k: [] for k in LABELS} for n in names}
    floors: dict[str, list[float]] = {n: [] for n in OURS if n in names}
    server_cpu = ServerCPU(base)
    with closing(server_cpu):
        # Fresh workers per workload: a client's pool keeps the connections of the concurrent
        # runs, and the transport scans every pooled connection on each request.
        for key in LABELS:
            with opened(script, names, base, sizes) as workers:
                for round_ in range(rounds + 1):  # round 0 warms every side up
                    for name, worker in workers.items():
                        sample = _sample(worker, key, server_cpu)
                        if round_:
                            samples[name][key].append(sample)
                    for name in floors if key == "parallel_s" else ():
                        sample = _sample(workers[name], FLOOR, server_cpu)
                        if round_:
                            floors[name].append(sample.wall)
    return samples, floors


def _per(key: str, sizes: dict[str, int]) -> int:
    size = CPU_LABELS[key][2]
    return 1 if size is None else sizes[size]


def figures(samples: dict[str, list[Sample]], sizes: dict[str, int]) -> dict[str, float]:
    """A side's median wall-clock figure per workload, in the units of LABELS."""
    out: dict[str, float] = {}
    for key, taken in samples.items():
        wall = statistics.median(s.wall for s in taken)
        out[key] = {
            "sequential_ms_per_turn": wall * 1e3 / sizes["sequential"],
            "deltas_per_s": sizes["deltas"] / wall,
        }.get(key, wall)
    return out


def cpu_figures(
    samples: dict[str, list[Sample]], sizes: dict[str, int], server: bool = False
) -> dict[str, float]:
    """A side's median CPU time per unit (CPU_LABELS), the client's or the server's."""
    return {
        key: statistics.median(s.server if server else s.cpu for s in taken)
        * CPU_LABELS[key][1]
        / _per(key, sizes)
        for key, taken in samples.items()
    }


def floor_figures(
    samples: dict[str, dict[str, list[Sample]]], floors: dict[str, list[float]]
) -> dict[str, Any]:
    """The measured floors: per backend, server only + the scoped tasks (median of the
    rounds' sums) and its ratio to server only; for concurrent runs, the reference's time ÷
    server only's (the most throughput any client can gain on the reference here)."""
    server = [s.wall for s in samples[SERVER]["parallel_s"]]
    out: dict[str, Any] = {}
    for name, walls in floors.items():
        backend = name.split("/")[1]
        total = statistics.median(a + b for a, b in zip(server, walls, strict=True))
        out[backend] = {
            "scoped_tasks_s": statistics.median(walls),
            "server_plus_scoped_tasks_s": total,
            "ratio_to_server": total / statistics.median(server),
        }
    if REFERENCE in samples:
        ref = statistics.median(s.wall for s in samples[REFERENCE]["concurrent_s"])
        out["concurrent_ceiling_vs_reference"] = ref / statistics.median(
            s.wall for s in samples[SERVER]["concurrent_s"]
        )
    return out


def cost(columns: dict[str, dict[str, float]], name: str, key: str, rates: bool = True) -> float:
    """How many times server only's cost (time, or 1/rate for deltas/s unless `rates` is
    false: CPU per delta is a cost) `name` spends."""
    ratio = columns[name][key] / columns[SERVER][key]
    return 1 / ratio if rates and key == "deltas_per_s" else ratio


def render_table(
    columns: dict[str, dict[str, float]],
    sizes: dict[str, int],
    labels: dict[str, str],
    first: str = "workload",
    rates: bool = True,
) -> str:
    """Each side's figure per row, then each side's cost ÷ server only."""
    names = list(columns)
    rated = [n for n in names if n not in (SERVER, SERVER_PROCESS)]
    lines = [
        f"| {first} | " + " | ".join(names) + " | " + " | ".join(f"{n} ÷ server" for n in rated)
        + " |",
        "|---" * (1 + len(names) + len(rated)) + "|",
    ]  # fmt: skip
    for key, label in labels.items():
        cells = [f"{columns[n][key]:.4g}" for n in names]
        cells += [f"{cost(columns, n, key, rates):.2f}x" for n in rated]
        lines.append(f"| {label.format(**sizes)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_floors(floors: dict[str, Any], sizes: dict[str, int]) -> str:
    lines = ["| floor | measured | ÷ server only |", "|---|---|---|"]
    for backend in ("asyncio", "trio"):
        if backend in floors:
            f = floors[backend]
            lines.append(
                f"| server only + {sizes['parallel']} scoped tasks, {backend} (s) "
                f"| {f['server_plus_scoped_tasks_s']:.4g} | {f['ratio_to_server']:.2f}x |"
            )
    if "concurrent_ceiling_vs_reference" in floors:
        lines.append(
            f"| {sizes['concurrent']} concurrent runs: server only's throughput ÷ the "
            f"reference's | {floors['concurrent_ceiling_vs_reference']:.2f}x | |"
        )
    return "\n".join(lines)


def check_goals(
    columns: dict[str, dict[str, float]], sizes: dict[str, int], floors: dict[str, Any]
) -> list[tuple[str, str, bool]]:
    """(goal, measured, met) for each goal of ours that the columns can show; the measured
    cell names the floor (or ceiling) that bounds it."""
    goals: list[tuple[str, str, bool]] = []
    for name in (n for n in OURS if n in columns):
        backend = name.split("/")[1]
        ratio = cost(columns, name, "parallel_s")
        floor = f" (floor {floors[backend]['ratio_to_server']:.2f}x)" if backend in floors else ""
        goals.append(
            (f"{sizes['parallel']}-tool turn ≤ 2.0x server only, {backend}",
             f"{ratio:.2f}x{floor}", ratio <= 2.0)
        )  # fmt: skip
        ratio = cost(columns, name, "sequential_ms_per_turn")
        goals.append(
            (f"sequential turn ≤ 1.3x server only, {backend}", f"{ratio:.2f}x", ratio <= 1.3)
        )
        if REFERENCE in columns:
            rate = columns[name]["deltas_per_s"] / columns[REFERENCE]["deltas_per_s"]
            goals.append(
                (f"streamed deltas ≥ 5x the reference's rate, {backend}", f"{rate:.2f}x", rate >= 5)
            )
            speed = columns[REFERENCE]["concurrent_s"] / columns[name]["concurrent_s"]
            ceiling = floors.get("concurrent_ceiling_vs_reference")
            goals.append(
                (f"concurrent runs ≥ 20x the reference's throughput, {backend}",
                 f"{speed:.2f}x" + (f" (ceiling {ceiling:.2f}x)" if ceiling else ""), speed >= 20)
            )  # fmt: skip
    return goals


def render_goals(goals: list[tuple[str, str, bool]]) -> str:
    lines = ["| goal | measured | result |", "|---|---|---|"]
    lines += [f"| {goal} | {value} | {'PASS' if met else 'MISS'} |" for goal, value, met in goals]
    return "\n".join(lines)
