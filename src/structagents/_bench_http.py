"""A scripted Responses-API server in its own process, for the over-HTTP benchmarks
(benchmarks/over_http.py; importable from the package so the CLI's benchmarks can use it).

    python -m structagents._bench_http PORT_FILE       # or start_server() from Python

It answers `POST /v1/responses` from the request alone, so any number of runs can share it:
a body with no tool output gets the workload's tool calls (`x-bench-tools: N` header, default
1), one with fewer outputs than `x-bench-turns` (default 1) turns gets one more call, and the
rest get a final answer. A streamed request (`"stream": true`) gets the answer as
`x-bench-deltas` text deltas. Replies are built once per shape and cached, so the server's
own cost is reading the body and writing bytes: what the "server only" baseline measures.
Any GET gets the server process's CPU seconds so far (`ServerCPU`), so a benchmark can
tell the server's own share of a workload.

One process, one asyncio loop, connections kept alive, requests parsed by httptools (the
`bench` extra): ~59 k instructions a request, where the thread-per-connection stdlib server
it replaced spent ~450 k and h11 in its place ~600 k (benchmarks/README.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.client
import importlib.util
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

__all__ = ["ServerCPU", "headers", "start_server"]

_OUTPUT_MARK = b'"function_call_output"'
_STREAM = re.compile(rb'"stream"\s*:\s*true')


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    """Start the server in a new process on a free loopback port: (process, base URL ending
    in /v1). Terminate the process when done."""
    if importlib.util.find_spec("httptools") is None:
        raise RuntimeError(
            "the benchmark server needs httptools: pip install 'structagents[bench]'"
        )
    port_file = Path(tempfile.mkdtemp()) / "port"
    server = subprocess.Popen([sys.executable, "-m", __name__, str(port_file)])
    deadline = time.monotonic() + 20
    while not port_file.exists() or not port_file.read_text():
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("the benchmark server did not start")
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port_file.read_text()}/v1"


class ServerCPU:
    """Asks the server for its process's CPU time so far (user + system seconds), over one
    kept-alive connection (so asking costs the server a small request, not a connection)."""

    def __init__(self, base_url: str) -> None:
        url = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(url.netloc, timeout=10)

    def __call__(self) -> float:
        self.connection.request("GET", "/cpu")
        return float(self.connection.getresponse().read())

    def close(self) -> None:
        self.connection.close()


def headers(tools: int = 1, turns: int = 1, deltas: int = 0) -> dict[str, str]:
    """The request headers that choose a workload's replies (see the module docstring)."""
    return {"x-bench-tools": str(tools), "x-bench-turns": str(turns), "x-bench-deltas": str(deltas)}


def _response(output: list[dict[str, Any]], number: int) -> bytes:
    usage = {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
    reply = {"id": f"resp_{number}", "object": "response", "status": "completed"}
    return json.dumps({**reply, "output": output, "usage": usage}).encode()


@functools.cache
def tool_calls(count: int, turn: int) -> bytes:
    calls: list[dict[str, Any]] = [
        {
            "type": "function_call",
            "id": f"fc_{turn}_{n}",
            "call_id": f"call_{turn}_{n}",
            "name": "noop",
            "arguments": "{}",
            "status": "completed",
        }
        for n in range(count)
    ]
    return _response(calls, turn)


@functools.cache
def answer() -> bytes:
    message: dict[str, Any] = {
        "type": "message",
        "id": "msg_final",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": "done", "annotations": []}],
    }
    return _response([message], 0)


@functools.cache
def streamed_answer(deltas: int) -> bytes:
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": {"id": "resp_s", "status": "in_progress"}}
    ]
    events += [
        {"type": "response.output_text.delta", "item_id": "msg_s", "output_index": 0,
         "content_index": 0, "delta": "x", "logprobs": [], "sequence_number": n}
        for n in range(deltas)
    ]  # fmt: skip
    final = json.loads(answer())
    events.append({"type": "response.completed", "response": final})
    frames = [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events]
    return "".join(frames).encode()


def _choose(body: bytes, head: dict[bytes, bytes]) -> tuple[bytes, bytes]:
    """The reply body and its content type, from a request's body and (lower-case) headers."""
    if _STREAM.search(body):
        return streamed_answer(int(head.get(b"x-bench-deltas", b"5000"))), b"text/event-stream"
    tools = int(head.get(b"x-bench-tools", b"1"))
    outputs = body.count(_OUTPUT_MARK)
    if outputs < tools * int(head.get(b"x-bench-turns", b"1")):
        return tool_calls(tools, outputs // tools), b"application/json"
    return answer(), b"application/json"


def _http_reply(payload: bytes, kind: bytes) -> bytes:
    """The whole HTTP response: status line, headers and `payload`, written in one send."""
    head = b"HTTP/1.1 200 OK\r\ncontent-type: %s\r\ncontent-length: %d\r\n\r\n"
    return head % (kind, len(payload)) + payload


_cached_reply = functools.cache(_http_reply)


class _Connection(asyncio.Protocol):
    """One client connection, kept alive: httptools parses the requests (the parser calls
    the `on_*` methods), each answered as soon as its body is complete."""

    def __init__(self) -> None:
        import httptools  # the bench extra, needed only in the server's process

        self.parser = httptools.HttpRequestParser(self)
        self.parse_error = httptools.HttpParserError
        self.head: dict[bytes, bytes] = {}
        self.body: list[bytes] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a TCP server's is a Transport

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except self.parse_error:
            self._close()

    def on_message_begin(self) -> None:
        self.head = {}
        self.body.clear()

    def on_header(self, name: bytes, value: bytes) -> None:
        self.head[name.lower()] = value

    def on_body(self, data: bytes) -> None:
        self.body.append(data)

    def on_message_complete(self) -> None:
        assert self.transport is not None
        if self.parser.get_method() == b"GET":
            reply = _http_reply(b"%r" % time.process_time(), b"text/plain")
        else:
            reply = _cached_reply(*_choose(b"".join(self.body), self.head))
        self.transport.write(reply)
        if not self.parser.should_keep_alive():
            self._close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def _serve(sock: socket.socket) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Connection, sock=sock)
    await server.serve_forever()


def serve(port_file: str) -> None:
    """Serve on a free loopback port, written to `port_file` once listening (until killed)."""
    sock = socket.create_server(("127.0.0.1", 0), backlog=1024)
    Path(port_file + ".tmp").write_text(str(sock.getsockname()[1]))
    Path(port_file + ".tmp").rename(port_file)  # whole, never half-written
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(sock))


if __name__ == "__main__":
    serve(sys.argv[1])
