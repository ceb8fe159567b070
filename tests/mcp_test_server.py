"""A real MCP server for the tests, written with the `mcp` SDK's server side.

`python mcp_test_server.py stdio` serves over stdin/stdout; `... http` (Streamable HTTP) and
`... sse` (HTTP with SSE) serve on a free loopback port and print `PORT <n>` once it listens.
`MCP_TEST_SERVER_NAME` prefixes every tool name; `MCP_TEST_SLOW_LIST` (seconds), or the
`set_slow_list` tool, delays `tools/list`.

The tools are built so the tests can use events, not sleeps: `rendezvous(n)` returns only once
`n` calls are inside it at once (so it fails, after 10 s, unless the calls run in parallel),
`hang(tag)` never returns and records its cancellation, which `wait_cancelled(tag)` waits
for.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.types import Tool as MCPTool

PREFIX = os.environ.get("MCP_TEST_SERVER_NAME", "")
SLOW_LIST = float(os.environ.get("MCP_TEST_SLOW_LIST", "0"))


class TestServer(MCPServer):
    async def list_tools(self) -> list[MCPTool]:
        if SLOW_LIST:
            await anyio.sleep(SLOW_LIST)
        return await super().list_tools()


server: TestServer = TestServer("test-server", log_level="ERROR")
_arrived = 0
_all_arrived = anyio.Event()
_cancelled: dict[str, anyio.Event] = {}
_hanging: dict[str, anyio.Event] = {}


@server.tool(name=f"{PREFIX}add")
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool(name=f"{PREFIX}echo")
def echo(text: str, times: int = 1) -> str:
    """Repeat a text."""
    return text * times


@server.tool(name=f"{PREFIX}rendezvous")
async def rendezvous(n: int, tag: str) -> str:
    """Return once n calls are waiting here at the same time."""
    global _arrived, _all_arrived
    everyone = _all_arrived
    _arrived += 1
    try:
        if _arrived >= n:
            everyone.set()
        with anyio.fail_after(10):
            await everyone.wait()
    finally:
        _arrived -= 1
        if _arrived == 0 and everyone.is_set():
            _all_arrived = anyio.Event()
    return f"met {tag}"


@server.tool(name=f"{PREFIX}hang")
async def hang(tag: str = "") -> str:
    """Never return (until cancelled)."""
    _hanging.setdefault(tag, anyio.Event()).set()
    try:
        await anyio.sleep_forever()
    finally:
        _cancelled.setdefault(tag, anyio.Event()).set()
    return "unreachable"


@server.tool(name=f"{PREFIX}wait_hanging")
async def wait_hanging(tag: str = "") -> str:
    """Wait until a hang(tag) call is running."""
    with anyio.fail_after(10):
        await _hanging.setdefault(tag, anyio.Event()).wait()
    return "hanging"


@server.tool(name=f"{PREFIX}wait_cancelled")
async def wait_cancelled(tag: str = "") -> str:
    """Wait until the hang(tag) call was cancelled."""
    with anyio.move_on_after(10):
        await _cancelled.setdefault(tag, anyio.Event()).wait()
        return "cancelled"
    return "not cancelled"


@server.tool(name=f"{PREFIX}crash")
def crash() -> str:
    """Kill the server process."""
    os._exit(1)


@server.tool(name=f"{PREFIX}fail")
def fail() -> str:
    """Raise an error."""
    raise ValueError("the fail tool failed")


@server.tool(name=f"{PREFIX}lookup")
def lookup(key: str, filters: dict[str, Any] | None = None, limit: int = 10) -> str:
    """Look up a key (has optional parameters and an open object)."""
    return f"{key}:{limit}"


@server.tool(name=f"{PREFIX}describe")
def describe(item: str, verbose: bool = False) -> str:
    """Describe an item (optional parameters only)."""
    return f"{item} ({'long' if verbose else 'short'})"


@server.prompt()
def greeting(name: str) -> str:
    """A greeting prompt."""
    return f"Say hello to {name}."


@server.resource("memo://notes")
def notes() -> str:
    """A small text resource."""
    return "remember the milk"


@server.tool(name=f"{PREFIX}set_slow_list")
def set_slow_list(seconds: float) -> str:
    """Make tools/list take this long from now on (0: answer at once)."""
    global SLOW_LIST
    SLOW_LIST = seconds
    return "ok"


def serve_http(transport: str) -> None:
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # connections wait in the backlog until uvicorn accepts them
    app = server.sse_app() if transport == "sse" else server.streamable_http_app()
    config = uvicorn.Config(app, log_level="error", lifespan="on")
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    if sys.argv[1] in ("http", "sse"):
        serve_http(sys.argv[1])
    else:
        server.run("stdio")
