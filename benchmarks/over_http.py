"""Over real loopback HTTP: structagents (asyncio, trio) and the reference SDK against one
scripted Responses server in another process, next to a "server only" baseline (a plain
httpx client posting the same conversation and reading the same replies, no SDK).

    python benchmarks/over_http.py [--quick] [--output DIR]

Workloads: one turn of 1000 parallel no-op tools then a final answer; 100 sequential
one-tool turns; a streamed reply of 5 000 text deltas; 200 concurrent runs (one tool turn
each). Each is reported as its time (or rate) and as its cost relative to the server-only
side; then the goals, PASS/MISS. A full run writes over_http.json and over_http.md to
benchmarks/results/ (or to --output, which also records a quick run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import anyio
import httpx

from structagents._bench import machine
from structagents._bench_http import headers, start_server

RESULTS = Path(__file__).resolve().parent / "results"


async def best(run: Callable[[], Awaitable[float]], repeats: int) -> float:
    await run()  # warm-up
    return min([await run() for _ in range(repeats)])


# --- server only: a plain client driving the same conversation ----------------------------


async def plain_conversation(client: httpx.AsyncClient, url: str, head: dict[str, str]) -> None:
    items: list[dict[str, Any]] = [{"role": "user", "content": "go"}]
    while True:
        body = {"model": "bench", "input": items, "tools": [_NOOP_SPEC]}
        reply = (await client.post(url, json=body, headers=head)).json()
        calls = [item for item in reply["output"] if item["type"] == "function_call"]
        if not calls:
            return
        items += reply["output"]
        items += [
            {"type": "function_call_output", "call_id": c["call_id"], "output": "ok"} for c in calls
        ]


async def plain_stream(client: httpx.AsyncClient, url: str, head: dict[str, str]) -> int:
    body = {"model": "bench", "input": [{"role": "user", "content": "go"}], "stream": True}
    deltas = 0
    async with client.stream("POST", url, json=body, headers=head) as response:
        async for line in response.aiter_lines():
            if line.startswith("data: ") and '"response.output_text.delta"' in line:
                json.loads(line[6:])
                deltas += 1
    return deltas


_NOOP_SPEC = {
    "type": "function",
    "name": "noop",
    "description": "Does nothing.",
    "parameters": {
        "type": "object",
        "properties": {},
        "required": [],
        "additionalProperties": False,
    },
    "strict": True,
}


async def server_only(base: str, sizes: dict[str, int], repeats: int) -> dict[str, float]:
    url = f"{base}/responses"
    limits = httpx.Limits(
        max_connections=sizes["concurrent"], max_keepalive_connections=sizes["concurrent"]
    )
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        return await _measure(
            lambda head: plain_conversation(client, url, head),
            lambda head: plain_stream(client, url, head),
            sizes,
            repeats,
        )


def openai_client(base: str) -> Any:
    """An `AsyncOpenAI` client for either side, its pool sized as the clients structagents
    creates (the SDK's default keeps only 100 connections between requests)."""
    from openai import DEFAULT_CONNECTION_LIMITS, AsyncOpenAI, DefaultAsyncHttpxClient

    from structagents.models._openai_shared import DEFAULT_POOL_SIZE

    limits = type(DEFAULT_CONNECTION_LIMITS)(
        max_connections=DEFAULT_POOL_SIZE, max_keepalive_connections=DEFAULT_POOL_SIZE
    )
    http = DefaultAsyncHttpxClient(limits=limits)
    return AsyncOpenAI(base_url=base, api_key="bench", max_retries=0, http_client=http)


# --- structagents -------------------------------------------------------------------------


async def ours(base: str, sizes: dict[str, int], repeats: int) -> dict[str, float]:
    from structagents import Agent, OpenAIResponsesModel, RunConfig, Runner, function_tool

    @function_tool
    async def noop() -> str:
        """Does nothing."""
        return "ok"

    async with openai_client(base) as client:

        def agent(head: dict[str, str]) -> Agent[None]:
            model = OpenAIResponsesModel("bench", client.with_options(default_headers=head))
            return Agent(name="a", model=model, tools=[noop])

        config = RunConfig(tracing_disabled=True)  # as the reference runs (no tracing anywhere)

        async def conversation(head: dict[str, str]) -> None:
            await Runner.run(agent(head), "go", max_turns=1000, run_config=config)

        async def stream(head: dict[str, str]) -> int:
            deltas = 0
            async with Runner.run_streamed(agent(head), "go", run_config=config) as result:
                async for event in result.stream_events():
                    if (
                        event.type == "raw_response_event"
                        and event.data.type == "response.output_text.delta"
                    ):
                        deltas += 1
            return deltas

        return await _measure(conversation, stream, sizes, repeats)


# --- the reference SDK --------------------------------------------------------------------


async def reference(base: str, sizes: dict[str, int], repeats: int) -> dict[str, float]:
    from agents import Agent, OpenAIResponsesModel, Runner, function_tool, set_tracing_disabled  # type: ignore[import-not-found, unused-ignore]
    from openai.types.responses import ResponseTextDeltaEvent

    set_tracing_disabled(True)

    @function_tool  # type: ignore[untyped-decorator, unused-ignore]
    async def noop() -> str:
        """Does nothing."""
        return "ok"

    async with openai_client(base) as client:

        def agent(head: dict[str, str]) -> Any:
            model = OpenAIResponsesModel("bench", client.with_options(default_headers=head))
            return Agent(name="a", model=model, tools=[noop])

        async def conversation(head: dict[str, str]) -> None:
            await Runner.run(agent(head), "go", max_turns=1000)

        async def stream(head: dict[str, str]) -> int:
            result = Runner.run_streamed(agent(head), "go")
            deltas = 0
            async for event in result.stream_events():
                if event.type == "raw_response_event" and isinstance(
                    event.data, ResponseTextDeltaEvent
                ):
                    deltas += 1
            return deltas

        return await _measure(conversation, stream, sizes, repeats)


# --- the workloads, the same for every side -----------------------------------------------


async def _measure(
    conversation: Callable[[dict[str, str]], Coroutine[Any, Any, None]],
    stream: Callable[[dict[str, str]], Coroutine[Any, Any, int]],
    sizes: dict[str, int],
    repeats: int,
) -> dict[str, float]:
    async def timed(make: Callable[[], Awaitable[Any]]) -> float:
        started = time.perf_counter()
        await make()
        return time.perf_counter() - started

    parallel = headers(tools=sizes["parallel"])
    sequential = headers(turns=sizes["sequential"])
    streamed = headers(deltas=sizes["deltas"])

    async def concurrent_runs() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(sizes["concurrent"]):
                tg.start_soon(conversation, headers())

    async def streamed_run() -> None:
        assert await stream(streamed) == sizes["deltas"]

    return {
        "parallel_s": await best(lambda: timed(lambda: conversation(parallel)), repeats),
        "sequential_ms_per_turn": await best(
            lambda: timed(lambda: conversation(sequential)), repeats
        )
        * 1e3
        / sizes["sequential"],
        "deltas_per_s": sizes["deltas"] / await best(lambda: timed(streamed_run), repeats),
        "concurrent_s": await best(lambda: timed(concurrent_runs), repeats),
    }


LABELS = {
    "parallel_s": "{parallel} parallel tools, one turn (s)",
    "sequential_ms_per_turn": "{sequential} sequential turns (ms/turn)",
    "deltas_per_s": "streamed reply of {deltas} deltas (deltas/s)",
    "concurrent_s": "{concurrent} concurrent runs (s)",
}
SERVER, REFERENCE = "server only", "openai-agents/asyncio"
OURS = ("structagents/asyncio", "structagents/trio")


def cost(columns: dict[str, dict[str, float]], name: str, key: str, base: str = SERVER) -> float:
    """How many times `base`'s cost (time, or 1/rate for deltas/s) `name` spends."""
    ratio = columns[name][key] / columns[base][key]
    return 1 / ratio if key == "deltas_per_s" else ratio


def render_table(columns: dict[str, dict[str, float]], sizes: dict[str, int]) -> str:
    names = list(columns)
    lines = [
        "| workload | " + " | ".join(names) + " | "
        + " | ".join(f"{n} ÷ server" for n in names[1:]) + " |",
        "|---" * (2 * len(names)) + "|",
    ]  # fmt: skip
    for key, label in LABELS.items():
        cells = [f"{columns[n][key]:.4g}" for n in names]
        cells += [f"{cost(columns, n, key):.2f}x" for n in names[1:]]
        lines.append(f"| {label.format(**sizes)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check_goals(
    columns: dict[str, dict[str, float]], sizes: dict[str, int]
) -> list[tuple[str, str, bool]]:
    """(goal, measured, met) for each goal of ours that the columns can show."""
    goals: list[tuple[str, str, bool]] = []
    for name in (n for n in OURS if n in columns):
        backend = name.split("/")[1]
        for key, limit, what in (
            ("parallel_s", 2.0, f"{sizes['parallel']}-tool turn"),
            ("sequential_ms_per_turn", 1.3, "sequential turn"),
        ):
            ratio = cost(columns, name, key)
            goals.append(
                (f"{what} ≤ {limit}x server only, {backend}", f"{ratio:.2f}x", ratio <= limit)
            )
        if REFERENCE in columns:
            rate = columns[name]["deltas_per_s"] / columns[REFERENCE]["deltas_per_s"]
            goals.append(
                (f"streamed deltas ≥ 5x the reference's rate, {backend}", f"{rate:.2f}x", rate >= 5)
            )
            speed = columns[REFERENCE]["concurrent_s"] / columns[name]["concurrent_s"]
            goals.append(
                (
                    f"concurrent runs ≥ 20x the reference's throughput, {backend}",
                    f"{speed:.2f}x",
                    speed >= 20,
                )
            )
    return goals  # fmt: skip


def render_goals(goals: list[tuple[str, str, bool]]) -> str:
    lines = ["| goal | measured | result |", "|---|---|---|"]
    lines += [f"| {goal} | {value} | {'PASS' if met else 'MISS'} |" for goal, value, met in goals]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller workloads, one repeat")
    parser.add_argument("--output", type=Path, help=f"where to write results (default {RESULTS})")
    args = parser.parse_args(argv)
    sizes = {"parallel": 1000, "sequential": 100, "deltas": 5000, "concurrent": 200}
    repeats = 3
    if args.quick:
        sizes, repeats = {"parallel": 100, "sequential": 10, "deltas": 500, "concurrent": 20}, 1
    server, base = start_server()
    try:
        columns = {SERVER: anyio.run(server_only, base, sizes, repeats)}
        columns[OURS[0]] = anyio.run(ours, base, sizes, repeats)
        try:
            import trio  # noqa: F401
        except ImportError:
            pass
        else:
            columns[OURS[1]] = anyio.run(ours, base, sizes, repeats, backend="trio")
        try:
            import agents  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
        except ImportError:
            print(
                "openai-agents is not installed (pip install 'structagents[bench]'): no reference\n"
            )
        else:
            columns[REFERENCE] = asyncio.run(reference(base, sizes, repeats))
    finally:
        server.terminate()
        server.wait(timeout=10)
    info = machine()
    text = "\n".join(
        [
            "# Over loopback HTTP",
            "",
            f"Machine: {info.pop('cpu')}; {info.pop('os')}.",
            "Versions: " + ", ".join(f"{name} {version}" for name, version in info.items()) + ".",
            "",
            render_table(columns, sizes),
            "",
            render_goals(check_goals(columns, sizes)),
            "",
        ]
    )
    print(text)
    output = args.output or (None if args.quick else RESULTS)
    if output is None:
        print("(quick run: nothing written; pass --output DIR to keep it)")
        return 0
    output.mkdir(parents=True, exist_ok=True)
    record = {
        "machine": machine(),
        "sizes": sizes,
        "repeats": repeats,
        "results": columns,
        "goals": [{"goal": g, "measured": v, "met": m} for g, v, m in check_goals(columns, sizes)],
    }
    (output / "over_http.json").write_text(json.dumps(record, indent=2) + "\n")
    (output / "over_http.md").write_text(text)
    print(f"results written to {output}/over_http.json and over_http.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
