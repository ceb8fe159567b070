"""The reference SDK's `agents.mcp.server` module path: MCP servers."""

from ._server import MCPServer as MCPServer
from ._transports import MCPServerSse as MCPServerSse
from ._transports import MCPServerSseParams as MCPServerSseParams
from ._transports import MCPServerStdio as MCPServerStdio
from ._transports import MCPServerStdioParams as MCPServerStdioParams
from ._transports import MCPServerStreamableHttp as MCPServerStreamableHttp
from ._transports import MCPServerStreamableHttpParams as MCPServerStreamableHttpParams

__all__ = [
    "MCPServer",
    "MCPServerSse",
    "MCPServerSseParams",
    "MCPServerStdio",
    "MCPServerStdioParams",
    "MCPServerStreamableHttp",
    "MCPServerStreamableHttpParams",
]
