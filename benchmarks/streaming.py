"""Streaming over loopback HTTP: text deltas per second through a streamed run, and the latency
the runtime adds to the first delta, next to the reference SDK (openai-agents 0.24.0).

    python benchmarks/streaming.py [--quick] [--deltas N] [--repeat R] [--batch B]

`FakeOpenAIServer` runs in its own process and streams a reply of N word-sized
`response.output_text.delta` events (N = 5000), B events per HTTP chunk and socket write
(B = 64, so the clients set the pace, not the fake server; B = 1 is one write per event).
Each side reads it through the `openai` client over loopback HTTP with the reference docs'
loop (`isinstance(event.data, ResponseTextDeltaEvent)`, `event.data.delta`: typed events on);
ours also with the plain path (`event.data_dict`). The sides take turns for R rounds (one
warm-up run and one timed run each), so load on a shared machine hits them alike.
deltas/s = N / wall of the streamed run (request to stream end), best round; first-delta
latency = consumer receiving the first delta - the server writing it to its socket (both
`time.perf_counter()`, CLOCK_MONOTONIC, so comparable across processes), median.
"server only" is httpx reading the same SSE reply and counting delta lines: the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.abc

from structagents.testing import FakeOpenAIServer

_DELTA = b"response.output_text.delta"


class _TimedStream(anyio.abc.ByteStream):
    """The server's socket stream, noting when the first text delta of a reply is written.

    With `batch` > 1 it sends the reply's events `batch` at a time, as one HTTP chunk in one
    socket write (as a buffering proxy would), so the client side, not the fake server, sets
    the pace.
    """

    def __init__(self, stream: anyio.abc.SocketStream, log: Path, batch: int) -> None:
        self._stream, self._log, self._batch = stream, log, batch
        self._noted = False
        self._pending: list[bytes] = []

    async def send(self, item: bytes) -> None:
        if item.startswith(b"HTTP/1.1"):
            self._noted = False  # a new reply on a kept-alive connection
        self._pending.append(item)
        is_sse_chunk = item.endswith(b"\n\n\r\n")
        is_chunked_head = item.startswith(b"HTTP/1.1") and b"chunked" in item.lower()
        if len(self._pending) >= self._batch or not (is_sse_chunk or is_chunked_head):
            await self._flush()

    async def _flush(self) -> None:
        pending, self._pending = self._pending, []
        parts: list[bytes] = []
        events: list[bytes] = []  # consecutive events, sent as one HTTP chunk
        for item in [*pending, b""]:
            if item.endswith(b"\n\n\r\n"):
                events.append(item.split(b"\r\n", 1)[1][:-2])
                continue
            if events:
                joined = b"".join(events)
                parts.append(b"%x\r\n%s\r\n" % (len(joined), joined))
                events = []
            parts.append(item)
        data = b"".join(parts)
        if not self._noted and _DELTA in data:
            self._noted = True
            stamp = time.perf_counter()
            await self._stream.send(data)
            with self._log.open("a") as out:
                out.write(f"{stamp}\n")
            return
        await self._stream.send(data)

    async def receive(self, max_bytes: int = 65536) -> bytes:
        return await self._stream.receive(max_bytes)

    async def send_eof(self) -> None:
        await self._stream.send_eof()

    async def aclose(self) -> None:
        await self._stream.aclose()


class _TimedServer(FakeOpenAIServer):
    def __init__(self, steps: list[Any], log: Path, batch: int) -> None:
        super().__init__(steps)
        self._log, self._batch = log, batch

    async def _serve_connection(self, stream: anyio.abc.SocketStream) -> None:
        timed = _TimedStream(stream, self._log, self._batch)
        await super()._serve_connection(timed)  # type: ignore[arg-type]


async def _serve(deltas: int, replies: int, log: Path, batch: int) -> None:
    text = " ".join(f"w{i % 10}" for i in range(deltas))
    async with _TimedServer([text] * replies, log, batch) as server:
        print(server.base_url, flush=True)
        await anyio.sleep_forever()


def _consume_ours(typed: bool) -> Callable[[Any], Any]:
    from openai.types.responses import ResponseTextDeltaEvent

    from structagents import RawResponsesStreamEvent

    plain_attr = hasattr(RawResponsesStreamEvent, "data_dict")

    def on_event(event: Any) -> bool:
        if event.type != "raw_response_event":
            return False
        if typed:
            return isinstance(event.data, ResponseTextDeltaEvent) and bool(event.data.delta)
        data = event.data_dict if plain_attr else event.data  # (dicts before the typed surface)
        return bool(data["type"] == "response.output_text.delta")

    return on_event


async def _timed_stream(open_stream: Callable[[], Any], is_delta: Callable[[Any], bool]) -> Any:
    count, first = 0, None
    start = time.perf_counter()
    async with open_stream() as result:
        async for event in result.stream_events():
            if is_delta(event):
                if first is None:
                    first = time.perf_counter()
                count += 1
    return count, start, first, time.perf_counter()


async def _ours(base_url: str, repeat: int, typed: bool) -> list[tuple[int, float, Any, float]]:
    from openai import AsyncOpenAI

    from structagents import Agent, OpenAIResponsesModel, Runner

    async with AsyncOpenAI(base_url=base_url, api_key="k", max_retries=0) as client:
        agent = Agent(name="a", model=OpenAIResponsesModel("gpt-test", openai_client=client))
        on_event = _consume_ours(typed)
        return [
            await _timed_stream(lambda: Runner.run_streamed(agent, "go"), on_event)
            for _ in range(repeat)
        ]


async def _reference(base_url: str, repeat: int) -> list[tuple[int, float, Any, float]]:
    from contextlib import asynccontextmanager

    from agents import (  # type: ignore[import-not-found, unused-ignore]
        Agent,
        OpenAIResponsesModel,
        RunConfig,
        Runner,
        set_tracing_disabled,
    )
    from openai import AsyncOpenAI
    from openai.types.responses import ResponseTextDeltaEvent

    set_tracing_disabled(True)
    config = RunConfig(tracing_disabled=True)
    async with AsyncOpenAI(base_url=base_url, api_key="k", max_retries=0) as client:
        agent = Agent(name="a", model=OpenAIResponsesModel(model="gpt-test", openai_client=client))

        @asynccontextmanager
        async def open_stream() -> Any:
            yield Runner.run_streamed(agent, "go", run_config=config)

        def on_event(event: Any) -> bool:
            return event.type == "raw_response_event" and isinstance(
                event.data, ResponseTextDeltaEvent
            )

        return [await _timed_stream(open_stream, on_event) for _ in range(repeat)]


async def _server_only(base_url: str, repeat: int) -> list[tuple[int, float, Any, float]]:
    import httpx

    body = {"model": "gpt-test", "input": "go", "stream": True}
    runs = []
    async with httpx.AsyncClient() as client:
        for _ in range(repeat):
            count, first = 0, None
            start = time.perf_counter()
            async with client.stream("POST", f"{base_url}/responses", json=body) as reply:
                async for line in reply.aiter_lines():
                    if line.startswith("data:") and '"response.output_text.delta"' in line:
                        if first is None:
                            first = time.perf_counter()
                        count += 1
            runs.append((count, start, first, time.perf_counter()))
    return runs


Run = tuple[int, float, Any, float]  # deltas seen, start, first delta, end


def _sample(deltas: int, log: Path, run: Callable[[], list[Run]]) -> list[tuple[float, float]]:
    """(wall, first-delta latency) of each run but the first (a warm-up)."""
    before = len(log.read_text().split()) if log.exists() else 0
    runs = run()
    sent = [float(x) for x in log.read_text().split()[before:]]
    assert all(r[0] == deltas for r in runs), f"{[r[0] for r in runs]} deltas"
    timed = [
        (end - start, first - stamp)
        for (_, start, first, end), stamp in zip(runs, sent, strict=True)
    ]
    return timed[1:]


def _row(label: str, deltas: int, samples: list[tuple[float, float]]) -> dict[str, Any]:
    return {
        "side": label,
        "deltas_per_s": deltas / min(wall for wall, _ in samples),
        "first_delta_latency_ms": statistics.median(lat for _, lat in samples) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deltas", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="2 rounds")
    parser.add_argument(
        "--batch",
        type=int,
        default=64,
        help="events per socket write of the server (1: one write per event, server-bound)",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--ours-only", action="store_true", help="skip the reference")
    parser.add_argument("--no-typed", action="store_true", help="ours only through data_dict")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 2
    if args.serve:
        anyio.run(_serve, args.deltas, 10_000, args.log, args.batch)
        return 0
    try:
        import agents  # type: ignore[import-not-found, unused-ignore]  # noqa: F401

        has_reference = True
    except ImportError:
        has_reference = False
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "sent.log"
        serve = ["--serve", "--log", str(log), "--deltas", str(args.deltas)]
        server = subprocess.Popen(
            [sys.executable, __file__, *serve, "--batch", str(args.batch)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            r, n = args.repeat, args.deltas

            def run_on(backend: str, fn: Callable[..., Awaitable[Any]], *a: Any) -> Any:
                return lambda: anyio.run(fn, url, 2, *a, backend=backend)  # warm-up + one

            sides: dict[str, Callable[[], list[Run]]] = {
                "server only (httpx)": run_on("asyncio", _server_only)
            }
            for backend in ("asyncio", "trio"):
                for typed in (False,) if args.no_typed else (True, False):
                    label = f"structagents/{backend}, {'typed' if typed else 'data_dict'}"
                    sides[label] = run_on(backend, _ours, typed)
            if has_reference and not args.ours_only:
                sides["openai-agents/asyncio"] = run_on("asyncio", _reference)
            # Round-robin, so a burst of load on the shared machine hits every side alike.
            samples: dict[str, list[tuple[float, float]]] = {label: [] for label in sides}
            for _ in range(r):
                for label, side in sides.items():
                    samples[label] += _sample(n, log, side)
            rows = [_row(label, n, runs) for label, runs in samples.items()]
        finally:
            server.kill()
            server.wait()
    ref = next((row for row in rows if row["side"].startswith("openai-agents")), None)
    writes = "one socket write per event" if args.batch == 1 else f"{args.batch} events per write"
    print(
        f"\n{n} text deltas over loopback HTTP ({writes}), best of {r} rounds (latency: median)\n"
    )
    print("| side | deltas/s | ÷ reference | first-delta latency (ms) |")
    print("|---|---|---|---|")
    for row in rows:
        ratio = f"{row['deltas_per_s'] / ref['deltas_per_s']:.2f}x" if ref else "—"
        print(
            f"| {row['side']} | {row['deltas_per_s']:,.0f} | {ratio} | "
            f"{row['first_delta_latency_ms']:.2f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
