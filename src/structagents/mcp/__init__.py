"""Model Context Protocol servers as tool sources: `Agent(mcp_servers=[...])`.

Needs the `mcp` extra (`pip install 'structagents[mcp]'`); the SDK is imported when a server
connects, not when this module is imported.

    async with MCPServerStdio({"command": "python", "args": ["server.py"]}) as server:
        agent = Agent(name="a", mcp_servers=[server])
        result = await Runner.run(agent, "...")
"""

from ._open import open_mcp_servers as open_mcp_servers
from ._server import MCPServer as MCPServer
from ._transports import MCPServerSse as MCPServerSse
from ._transports import MCPServerSseParams as MCPServerSseParams
from ._transports import MCPServerStdio as MCPServerStdio
from ._transports import MCPServerStdioParams as MCPServerStdioParams
from ._transports import MCPServerStreamableHttp as MCPServerStreamableHttp
from ._transports import MCPServerStreamableHttpParams as MCPServerStreamableHttpParams
from ._util import MCPUtil as MCPUtil
from ._util import ToolFilter as ToolFilter
from ._util import ToolFilterCallable as ToolFilterCallable
from ._util import ToolFilterContext as ToolFilterContext
from ._util import ToolFilterStatic as ToolFilterStatic
from ._util import create_static_tool_filter as create_static_tool_filter

__all__ = [
    "MCPServer",
    "MCPServerSse",
    "MCPServerSseParams",
    "MCPServerStdio",
    "MCPServerStdioParams",
    "MCPServerStreamableHttp",
    "MCPServerStreamableHttpParams",
    "MCPUtil",
    "ToolFilter",
    "ToolFilterCallable",
    "ToolFilterContext",
    "ToolFilterStatic",
    "create_static_tool_filter",
    "open_mcp_servers",
]
