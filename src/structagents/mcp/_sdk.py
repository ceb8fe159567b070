"""The official `mcp` SDK, imported on first use with an error that says how to install it."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ..exceptions import UserError

__all__ = ["mcp_client_module", "mcp_error_type"]

_INSTALL_HINT = (
    "MCP servers need the official `mcp` package (version 2): pip install 'structagents[mcp]'."
)


def _import(name: str) -> ModuleType:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise UserError(f"{_INSTALL_HINT} ({exc})") from exc


def mcp_client_module() -> ModuleType:
    """`mcp` itself: `Client`, `StdioServerParameters`, the types."""
    module = _import("mcp")
    if not hasattr(module, "Client"):
        raise UserError(f"{_INSTALL_HINT} The installed `mcp` is older and has no `mcp.Client`.")
    return module


def mcp_error_type() -> type[Exception]:
    """`mcp.MCPError`, the error the SDK raises for JSON-RPC error responses."""
    error: Any = mcp_client_module().MCPError
    return error  # type: ignore[no-any-return]
