"""A scripted Responses-API server in its own process, for the over-HTTP benchmarks.

    python benchmarks/_http_server.py PORT_FILE

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
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_OUTPUT_MARK = b'"function_call_output"'


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


if __name__ == "__main__":
    socketserver.TCPServer.allow_reuse_address = True
    with Server(("127.0.0.1", 0), Handler) as server:
        with open(sys.argv[1], "w") as port_file:
            port_file.write(str(server.server_address[1]))
        server.serve_forever()
