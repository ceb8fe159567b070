"""The over-HTTP benchmark's server (`structagents._bench_http`) in its own process, spoken
to over one raw socket with h11 as the client: it answers both reply shapes and keeps the
connection open between requests, pipelined ones included."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import h11
import pytest

from structagents._bench_http import ServerCPU, headers, start_server

GO = {"role": "user", "content": "go"}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server, base_url = start_server()
    try:
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def address(base_url: str) -> tuple[str, int]:
    url = urlsplit(base_url)
    assert url.hostname is not None
    assert url.port is not None
    return url.hostname, url.port


class Client:
    """One connection: `request` builds a request's bytes, `receive` reads the next reply
    (an h11 client state machine per request, so requests can be pipelined)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.pending: list[h11.Connection] = []
        self.unread = b""

    def request(self, body: dict[str, Any], head: dict[str, str], close: bool = False) -> bytes:
        data = json.dumps(body).encode()
        fields = [("host", "bench"), ("content-type", "application/json"), *head.items()]
        fields += [("content-length", str(len(data)))] + [("connection", "close")] * close
        request = h11.Request(method="POST", target="/v1/responses", headers=fields)
        http = h11.Connection(h11.CLIENT)
        self.pending.append(http)
        events = (request, h11.Data(data=data), h11.EndOfMessage())
        return b"".join(http.send(event) or b"" for event in events)

    def receive(self) -> tuple[bytes, bytes]:
        """(content type, body) of the reply to the oldest request not yet answered."""
        http, kind, body = self.pending.pop(0), b"", b""
        if self.unread:
            http.receive_data(self.unread)  # the start of a pipelined reply
        while True:
            event = http.next_event()
            if event is h11.NEED_DATA:
                http.receive_data(self.sock.recv(65536))  # b"" (closed) ends in an error
            elif isinstance(event, h11.Response):
                assert event.status_code == 200
                kind = dict(event.headers)[b"content-type"]
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                self.unread = http.trailing_data[0]
                return kind, body
            else:
                raise AssertionError(f"unexpected {event!r}")


def outputs(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"type": "function_call_output", "call_id": item["call_id"], "output": "ok"}
        for item in reply["output"]
    ]


@pytest.fixture
def client(address: tuple[str, int]) -> Iterator[Client]:
    with socket.create_connection(address, timeout=10) as sock:
        yield Client(sock)


def test_a_conversation_then_a_stream_on_one_kept_alive_connection(client: Client) -> None:
    head = headers(tools=3, turns=2)
    client.sock.sendall(client.request({"input": [GO]}, head))
    kind, body = client.receive()
    first = json.loads(body)
    assert kind == b"application/json"
    assert [item["call_id"] for item in first["output"]] == ["call_0_0", "call_0_1", "call_0_2"]

    items = [GO, *first["output"], *outputs(first)]
    client.sock.sendall(client.request({"input": items}, head))
    second = json.loads(client.receive()[1])
    assert [item["call_id"] for item in second["output"]] == ["call_1_0", "call_1_1", "call_1_2"]

    items += [*second["output"], *outputs(second)]
    client.sock.sendall(client.request({"input": items}, head))
    [message] = json.loads(client.receive()[1])["output"]
    assert message["content"][0]["text"] == "done"

    client.sock.sendall(client.request({"input": [GO], "stream": True}, headers(deltas=4)))
    kind, body = client.receive()
    events = [json.loads(line[6:]) for line in body.decode().splitlines() if line[:6] == "data: "]
    assert kind == b"text/event-stream"
    assert [event["type"] for event in events] == [
        "response.created",
        *["response.output_text.delta"] * 4,
        "response.completed",
    ]
    assert events[-1]["response"]["output"][0]["content"][0]["text"] == "done"


def test_pipelined_requests_are_answered_in_order_and_close_is_honoured(client: Client) -> None:
    calls = client.request({"input": [GO]}, headers(tools=2))
    stream = client.request({"input": [GO], "stream": True}, headers(deltas=1))
    client.sock.sendall(calls + stream)  # both before reading either reply
    assert len(json.loads(client.receive()[1])["output"]) == 2
    assert client.receive()[0] == b"text/event-stream"

    done = client.request({"input": [GO, *outputs({"output": [{"call_id": "c"}]})]}, {}, True)
    client.sock.sendall(done)
    assert json.loads(client.receive()[1])["output"][0]["type"] == "message"
    assert client.sock.recv(1) == b""  # the server closed the connection, as asked


def test_a_get_tells_the_server_process_cpu_time(base_url: str, client: Client) -> None:
    server_cpu = ServerCPU(base_url)
    try:
        before = server_cpu()
        for _ in range(50):
            client.sock.sendall(client.request({"input": [GO]}, headers(tools=100)))
            client.receive()
        assert server_cpu() > before > 0  # the same connection, asked twice
    finally:
        server_cpu.close()
