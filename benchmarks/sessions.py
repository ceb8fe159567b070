"""Sessions with long histories: time to load a conversation for a run, and time to append
one turn, at 100 to 10 000 stored items, for our SQLiteSession and RedisSession next to the
reference SDK's SQLiteSession (openai-agents, asyncio), in one process.

    python benchmarks/sessions.py [--quick]

Every session writes to a file database (or a private redis-server) in a temporary
directory. An append is one turn of four items (user input, tool call, tool output, answer),
timed as the median of repeated appends; a load is `get_items()` of the whole history, best of
several. The goal: append time flat from 100 to 10 000 items, and at least 5x faster than
the reference's SQLite session.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import anyio

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from structagents import SQLiteSession

SIZES = (100, 1_000, 10_000)
QUICK_SIZES = (100, 1_000)


def turn(n: int) -> list[dict[str, Any]]:
    call_id = f"call_{n}"
    return [
        {"role": "user", "content": f"question {n}: what is the weather in Lisbon today?"},
        {"type": "function_call", "call_id": call_id, "name": "weather", "arguments": "{}"},
        {"type": "function_call_output", "call_id": call_id, "output": "sunny, 21C"},
        {"role": "assistant", "content": [{"type": "output_text", "text": f"Sunny ({n})."}]},
    ]


def history(size: int) -> list[dict[str, Any]]:
    return [item for n in range(size // 4) for item in turn(n)]


async def measure(session: Any, size: int, appends: int) -> dict[str, float]:
    """Fill `session` to `size` items, then time loads and one-turn appends (ms)."""
    items = history(size)
    for start in range(0, len(items), 1000):
        await session.add_items(items[start : start + 1000])
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        loaded = await session.get_items()
        loads.append(time.perf_counter() - started)
    assert len(loaded) == size
    append_times = []
    for n in range(appends):
        one_turn = turn(size + n)
        started = time.perf_counter()
        await session.add_items(one_turn)
        append_times.append(time.perf_counter() - started)
    return {"load_ms": min(loads) * 1e3, "append_ms": statistics.median(append_times) * 1e3}


Opener = Callable[[AsyncExitStack, Path, int], Awaitable[Any]]


async def ours_sqlite(stack: AsyncExitStack, workdir: Path, size: int) -> Any:
    return await stack.enter_async_context(SQLiteSession("bench", workdir / f"ours-{size}.db"))


def ours_redis(url: str) -> Opener:
    async def open_redis(stack: AsyncExitStack, workdir: Path, size: int) -> Any:
        from structagents.sessions.redis import RedisSession

        session = RedisSession.from_url("bench", url=url, key_prefix=f"bench:{workdir.name}:{size}")
        return await stack.enter_async_context(session)

    return open_redis


async def reference_sqlite(stack: AsyncExitStack, workdir: Path, size: int) -> Any:
    from agents.memory import SQLiteSession as ReferenceSQLiteSession  # type: ignore[import-not-found, unused-ignore]

    session = ReferenceSQLiteSession("bench", str(workdir / f"reference-{size}.db"))
    stack.callback(session.close)
    return session


def run_side(opener: Opener, backend: str, sizes: tuple[int, ...], appends: int) -> dict[int, Any]:
    async def main() -> dict[int, Any]:
        figures = {}
        with tempfile.TemporaryDirectory(prefix="structagents-bench-") as directory:
            for size in sizes:
                async with AsyncExitStack() as stack:
                    session = await opener(stack, Path(directory), size)
                    figures[size] = await measure(session, size, appends)
        return figures

    if backend == "asyncio-only":
        return asyncio.run(main())
    return anyio.run(main, backend=backend)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer appends")
    args = parser.parse_args(argv)
    sizes, appends = (QUICK_SIZES, 20) if args.quick else (SIZES, 200)

    from tests.redis_server import redis_server

    columns: dict[str, dict[int, Any]] = {}
    with redis_server() as redis_url:
        for backend in ("asyncio", "trio"):
            columns[f"SQLiteSession ours/{backend}"] = run_side(
                ours_sqlite, backend, sizes, appends
            )
            if redis_url is not None:
                opener = ours_redis(redis_url)
                columns[f"RedisSession ours/{backend}"] = run_side(opener, backend, sizes, appends)
    try:
        import agents  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
    except ImportError:
        note = "\nopenai-agents is not installed (pip install 'structagents[bench]'): no reference"
    else:
        note = ""
        columns["SQLiteSession openai-agents"] = run_side(
            reference_sqlite, "asyncio-only", sizes, appends
        )

    header = "| session | " + " | ".join(f"load {s} (ms) | append @{s} (ms)" for s in sizes)
    print(header + " |")
    print("|---" * (1 + 2 * len(sizes)) + "|")
    for name, figures in columns.items():
        cells = [f"{figures[s]['load_ms']:.2f} | {figures[s]['append_ms']:.3f}" for s in sizes]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    reference = columns.get("SQLiteSession openai-agents")
    largest = sizes[-1]
    for name, figures in columns.items():
        flat = figures[largest]["append_ms"] / figures[sizes[0]]["append_ms"]
        line = f"{name}: append @{largest} / @{sizes[0]} = {flat:.2f}x"
        if reference is not None and "openai-agents" not in name:
            appends_x = [reference[s]["append_ms"] / figures[s]["append_ms"] for s in sizes]
            loads_x = [reference[s]["load_ms"] / figures[s]["load_ms"] for s in sizes]
            line += "; vs reference at " + "/".join(map(str, sizes)) + " items: append "
            line += "/".join(f"{x:.1f}x" for x in appends_x) + " faster, load "
            line += "/".join(f"{x:.1f}x" for x in loads_x) + " faster"
        print(line)
    if note:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
