"""A scripted Responses-API server in its own process, for the over-HTTP benchmarks
(benchmarks/over_http.py, and `structagents bench`, which needs it without that directory).

    python -m structagents._bench_http PORT_FILE       # or start_server() from Python

It answers `POST /v1/responses` from the request alone, so any number of runs can share it:
a body with no tool output gets the workload's tool calls (`x-bench-tools: N` header, default
1), one with fewer outputs than `x-bench-turns` (default 1) turns gets one more call, and the
rest get a final answer. A streamed request (`"stream": true`) gets the answer as
`x-bench-deltas` text deltas. Replies are built once per shape and cached, so the server's
own cost is reading the body and writing bytes: what the "server only" baseline measures.
"""

from __future__ import annotations

import functools
import json
import socketserver
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["headers", "start_server"]

_OUTPUT_MARK = b'"function_call_output"'


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    """Start the server in a new process on a free loopback port: (process, base URL ending
    in /v1). Terminate the process when done."""
    port_file = Path(tempfile.mkdtemp()) / "port"
    server = subprocess.Popen([sys.executable, "-m", __name__, str(port_file)])
    deadline = time.monotonic() + 20
    while not port_file.exists() or not port_file.read_text():
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("the benchmark server did not start")
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port_file.read_text()}/v1"


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


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        tools = int(self.headers.get("x-bench-tools", "1"))
        turns = int(self.headers.get("x-bench-turns", "1"))
        outputs = body.count(_OUTPUT_MARK)
        if b'"stream":true' in body.replace(b" ", b""):
            payload, kind = (
                streamed_answer(int(self.headers.get("x-bench-deltas", "5000"))),
                ("text/event-stream"),
            )
        elif outputs < tools * turns:
            done_turns = outputs // tools
            payload, kind = tool_calls(tools, done_turns), "application/json"
        else:
            payload, kind = answer(), "application/json"
        self.send_response(200)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def serve(port_file: str) -> None:
    """Serve on a free loopback port, written to `port_file` once listening."""
    socketserver.TCPServer.allow_reuse_address = True
    with Server(("127.0.0.1", 0), Handler) as server:
        Path(port_file + ".tmp").write_text(str(server.server_address[1]))
        Path(port_file + ".tmp").rename(port_file)  # whole, never half-written
        server.serve_forever()


if __name__ == "__main__":
    serve(sys.argv[1])
