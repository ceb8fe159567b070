"""`open_mcp_servers`: enter several MCP servers with one `async with`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TypeVar

from ._server import MCPServer

__all__ = ["open_mcp_servers"]

S = TypeVar("S", bound=MCPServer)


@asynccontextmanager
async def open_mcp_servers(*servers: S) -> AsyncIterator[list[S]]:
    """Connect `servers` in order and close them in reverse when the block ends.

    `async with open_mcp_servers(a, b) as servers:` is `async with a, b:` for a list whose
    length is only known at run time. If one fails to connect, those already connected are
    closed and the error is raised. Like `async with server:`, the block must enclose the
    runs that use the servers.
    """
    async with AsyncExitStack() as stack:
        for server in servers:
            await stack.enter_async_context(server)
        yield list(servers)
