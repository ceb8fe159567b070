"""Over real loopback HTTP: structagents (asyncio, trio) and the reference SDK against one
scripted Responses server in another process, next to a "server only" baseline (a plain
client on the SDK's own transport posting the same conversation and reading the same
replies, no SDK).

    python benchmarks/over_http.py [--quick] [--rounds N] [--output DIR]

Workloads: one turn of 1000 parallel no-op tools then a final answer; 100 sequential
one-tool turns; a streamed reply of 5 000 text deltas; 200 concurrent runs (one tool turn
each). Each figure is the median of interleaved rounds (benchmarks/_http_rounds.py), shown
as its time (or rate) and its cost relative to server only; then each side's client CPU
time per unit, the measured floors and the goals, PASS/MISS. A full run writes
over_http.json and over_http.md to benchmarks/results/ (or to --output, which also records
a quick run).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._http_rounds import (
    CPU_LABELS,
    LABELS,
    OURS,
    REFERENCE,
    SERVER,
    SERVER_PROCESS,
    Conversation,
    Side,
    Stream,
    check_goals,
    cpu_figures,
    figures,
    floor_figures,
    measure,
    render_floors,
    render_goals,
    render_table,
    serve_worker,
)
from structagents._bench import machine
from structagents._bench_http import start_server

RESULTS = Path(__file__).resolve().parent / "results"


# --- server only: a plain client driving the same conversation ----------------------------


async def plain_conversation(client: Any, url: str, head: dict[str, str]) -> None:
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


async def plain_stream(client: Any, url: str, head: dict[str, str]) -> int:
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


@asynccontextmanager
async def server_only(base: str) -> AsyncIterator[tuple[Conversation, Stream]]:
    url = f"{base}/responses"
    async with openai_http_client() as client:
        yield partial(plain_conversation, client, url), partial(plain_stream, client, url)


def openai_http_client() -> Any:
    """The `openai` SDK's own HTTP client (its transport), its pool sized as the clients
    structagents creates (the SDK's default keeps only 100 connections between requests)."""
    from openai import DEFAULT_CONNECTION_LIMITS, DefaultAsyncHttpxClient

    from structagents.models._openai_shared import DEFAULT_POOL_SIZE

    limits = type(DEFAULT_CONNECTION_LIMITS)(
        max_connections=DEFAULT_POOL_SIZE, max_keepalive_connections=DEFAULT_POOL_SIZE
    )
    return DefaultAsyncHttpxClient(limits=limits, timeout=60)


def openai_client(base: str) -> Any:
    """An `AsyncOpenAI` client for either SDK, on `openai_http_client()`."""
    from openai import AsyncOpenAI

    return AsyncOpenAI(
        base_url=base, api_key="bench", max_retries=0, http_client=openai_http_client()
    )


# --- structagents -------------------------------------------------------------------------


@asynccontextmanager
async def ours(base: str) -> AsyncIterator[tuple[Conversation, Stream]]:
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

        yield conversation, stream


# --- the reference SDK --------------------------------------------------------------------


@asynccontextmanager
async def reference(base: str) -> AsyncIterator[tuple[Conversation, Stream]]:
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

        yield conversation, stream


def sides(quiet: bool = False) -> dict[str, tuple[str, Side]]:
    """The sides this machine can run: name -> (backend, side)."""
    found: dict[str, tuple[str, Side]] = {
        SERVER: ("asyncio", server_only),
        OURS[0]: ("asyncio", ours),
    }
    if importlib.util.find_spec("trio"):
        found[OURS[1]] = ("trio", ours)
    if importlib.util.find_spec("agents"):
        found[REFERENCE] = ("asyncio", reference)
    elif not quiet:
        print("openai-agents is not installed (pip install 'structagents[bench]'): no reference\n")
    return found


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:  # one side in its own process (see benchmarks/_http_rounds.py)
        name, base, sizes = argv[1], argv[2], json.loads(argv[3])
        backend, side = sides(quiet=True)[name]
        serve_worker(backend, side, base, sizes)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller workloads, one round")
    parser.add_argument("--rounds", type=int, help="measured rounds (default 5, --quick 1)")
    parser.add_argument("--output", type=Path, help=f"where to write results (default {RESULTS})")
    args = parser.parse_args(argv)
    sizes = {"parallel": 1000, "sequential": 100, "deltas": 5000, "concurrent": 200}
    rounds = 5
    if args.quick:
        sizes, rounds = {"parallel": 100, "sequential": 10, "deltas": 500, "concurrent": 20}, 1
    rounds = args.rounds or rounds
    server, base = start_server()
    try:
        samples, scoped = measure(__file__, list(sides()), base, sizes, rounds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    columns = {name: figures(taken, sizes) for name, taken in samples.items()}
    cpu = {SERVER_PROCESS: cpu_figures(samples[SERVER], sizes, server=True)}
    cpu |= {name: cpu_figures(taken, sizes) for name, taken in samples.items()}
    floors = floor_figures(samples, scoped)
    goals = check_goals(columns, sizes, floors)
    info = machine()
    cpu_labels = {key: label for key, (label, _, _) in CPU_LABELS.items()}
    text = "\n".join(
        [
            "# Over loopback HTTP",
            "",
            f"Machine: {info.pop('cpu')}; {info.pop('os')}.",
            "Versions: " + ", ".join(f"{name} {version}" for name, version in info.items()) + ".",
            f"Median of {rounds} interleaved round(s) after a warm-up round.",
            "",
            render_table(columns, sizes, LABELS),
            "",
            render_table(cpu, sizes, cpu_labels, "CPU time per unit", rates=False),
            "",
            render_floors(floors, sizes),
            "",
            render_goals(goals),
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
        "rounds": rounds,
        "method": "median of interleaved rounds after a warm-up round",
        "results": columns,
        "cpu_per_unit": {"units": cpu_labels, **cpu},
        "floors": floors,
        "samples": {
            name: {key: [s._asdict() for s in taken] for key, taken in by_key.items()}
            for name, by_key in samples.items()
        },
        "scoped_task_samples_s": scoped,
        "goals": [{"goal": g, "measured": v, "met": m} for g, v, m in goals],
    }
    (output / "over_http.json").write_text(json.dumps(record, indent=2) + "\n")
    (output / "over_http.md").write_text(text)
    print(f"results written to {output}/over_http.json and over_http.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
