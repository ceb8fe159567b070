"""The MCP server both frameworks call in `mcp_tools.py`: one no-op tool, over stdio."""

from mcp.server.mcpserver import MCPServer

server: MCPServer = MCPServer("bench", log_level="ERROR")


@server.tool()
def noop() -> str:
    """Do nothing."""
    return "ok"


if __name__ == "__main__":
    server.run("stdio")
