"""Streaming over loopback HTTP: text deltas per second through a streamed run, and the latency
the runtime adds to the first delta, next to the reference SDK (openai-agents 0.24.0).

    python benchmarks/streaming.py [--quick] [--deltas N] [--repeat R]

`FakeOpenAIServer` runs in its own process and streams a reply of N word-sized
`response.output_text.delta` events (N = 5000). Each side reads it through the `openai`
client over loopback HTTP with the reference docs' loop (`isinstance(event.data,
ResponseTextDeltaEvent)`, `event.data.delta`: typed events on); ours also with the plain path
(`event.data_dict`). deltas/s = N / wall of the streamed run (request to stream end), best of R;
first-delta latency = consumer receiving the first delta - the server writing it to its socket
(both `time.perf_counter()`, CLOCK_MONOTONIC, so comparable across processes), median of R.
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
    """The server's socket stream, noting when the first text delta of a reply is written."""

    def __init__(self, stream: anyio.abc.SocketStream, log: Path) -> None:
        self._stream, self._log, self._noted = stream, log, False

    async def send(self, item: bytes) -> None:
        if not self._noted and _DELTA in item:
            self._noted = True
            stamp = time.perf_counter()
            await self._stream.send(item)
            with self._log.open("a") as out:
                out.write(f"{stamp}\n")
            return
        if item.startswith(b"HTTP/1.1"):
            self._noted = False  # a new reply on a kept-alive connection
        await self._stream.send(item)

    async def receive(self, max_bytes: int = 65536) -> bytes:
        return await self._stream.receive(max_bytes)

    async def send_eof(self) -> None:
        await self._stream.send_eof()

    async def aclose(self) -> None:
        await self._stream.aclose()


class _TimedServer(FakeOpenAIServer):
    def __init__(self, steps: list[Any], log: Path) -> None:
        super().__init__(steps)
        self._log = log

    async def _serve_connection(self, stream: anyio.abc.SocketStream) -> None:
        await super()._serve_connection(_TimedStream(stream, self._log))  # type: ignore[arg-type]


async def _serve(deltas: int, replies: int, log: Path) -> None:
    text = " ".join(f"w{i % 10}" for i in range(deltas))
    async with _TimedServer([text] * replies, log) as server:
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


def _measure(
    label: str, deltas: int, log: Path, run: Callable[[], list[tuple[int, float, float, Any]]]
) -> dict[str, Any]:
    before = len(log.read_text().split()) if log.exists() else 0
    runs = run()
    sent = [float(x) for x in log.read_text().split()[before:]]
    assert all(r[0] == deltas for r in runs), f"{label}: {[r[0] for r in runs]} deltas"
    best = min(end - start for _, start, _, end in runs[1:] or runs)
    latencies = [first - stamp for (_, _, first, _), stamp in zip(runs, sent, strict=True)]
    return {
        "side": label,
        "deltas_per_s": deltas / best,
        "first_delta_latency_ms": statistics.median(latencies[1:] or latencies) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deltas", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="500 deltas, 3 repeats")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--ours-only", action="store_true", help="skip the reference")
    parser.add_argument("--no-typed", action="store_true", help="ours only through data_dict")
    args = parser.parse_args(argv)
    if args.quick:
        args.deltas, args.repeat = 500, 3
    if args.serve:
        anyio.run(_serve, args.deltas, 10_000, args.log)
        return 0
    try:
        import agents  # type: ignore[import-not-found, unused-ignore]  # noqa: F401

        has_reference = True
    except ImportError:
        has_reference = False
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "sent.log"
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", "--deltas", str(args.deltas), "--log", str(log)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            r, n = args.repeat, args.deltas

            def run_on(backend: str, fn: Callable[..., Awaitable[Any]], *a: Any) -> Any:
                return lambda: anyio.run(fn, url, r, *a, backend=backend)

            rows = [_measure("server only (httpx)", n, log, run_on("asyncio", _server_only))]
            for backend in ("asyncio", "trio"):
                for typed in (False,) if args.no_typed else (True, False):
                    label = f"structagents/{backend}, {'typed' if typed else 'data_dict'}"
                    rows.append(_measure(label, n, log, run_on(backend, _ours, typed)))
            if has_reference and not args.ours_only:
                rows.append(
                    _measure("openai-agents/asyncio", n, log, run_on("asyncio", _reference))
                )
        finally:
            server.kill()
            server.wait()
    ref = next((row for row in rows if row["side"].startswith("openai-agents")), None)
    print(f"\n{n} text deltas over loopback HTTP, best of {r} (latency: median)\n")
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
