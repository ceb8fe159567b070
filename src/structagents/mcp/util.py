"""The reference SDK's `agents.mcp.util` module path: MCP tool helpers."""

from ._util import MCPUtil as MCPUtil
from ._util import ToolFilter as ToolFilter
from ._util import ToolFilterCallable as ToolFilterCallable
from ._util import ToolFilterContext as ToolFilterContext
from ._util import ToolFilterStatic as ToolFilterStatic
from ._util import create_static_tool_filter as create_static_tool_filter

__all__ = [
    "MCPUtil",
    "ToolFilter",
    "ToolFilterCallable",
    "ToolFilterContext",
    "ToolFilterStatic",
    "create_static_tool_filter",
]
