"""Hosted tools: the OpenAI service runs them (Responses API only); the run never does.

Each is sent as a tool spec; the calls the service made come back as output items that pass
through into the run's items, events and history. The configs are the Responses API's own tool
params (`{"type": "mcp", "server_label": ..., ...}`), kept as plain dicts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from typing_extensions import NotRequired, TypedDict

from ._run_context import RunContextWrapper
from .exceptions import UserError

__all__ = [
    "CodeInterpreterTool",
    "FileSearchTool",
    "HostedMCPTool",
    "ImageGenerationTool",
    "MCPToolApprovalFunction",
    "MCPToolApprovalFunctionResult",
    "MCPToolApprovalRequest",
    "WebSearchTool",
]


def _plain(value: Any) -> Any:
    """An SDK pydantic object as plain JSON; dicts and other values as they are."""
    dump = getattr(value, "model_dump", None)
    return dump(exclude_none=True, mode="json") if callable(dump) else value


@dataclass
class FileSearchTool:
    """Search the given vector stores. `include_search_results` returns the hits in the item."""

    vector_store_ids: list[str]
    max_num_results: int | None = None
    include_search_results: bool = False
    ranking_options: Any = None
    filters: Any = None

    def __post_init__(self) -> None:
        n = self.max_num_results
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 50):
            raise UserError(
                "FileSearchTool max_num_results must be an integer from 0 to 50, or None."
            )

    @property
    def name(self) -> str:
        return "file_search"

    def tool_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"type": "file_search", "vector_store_ids": self.vector_store_ids}
        if self.max_num_results:
            spec["max_num_results"] = self.max_num_results
        if self.ranking_options:
            spec["ranking_options"] = _plain(self.ranking_options)
        if self.filters:
            spec["filters"] = _plain(self.filters)
        return spec


@dataclass
class WebSearchTool:
    """Search the web. `user_location` and `filters` are the Responses API's own shapes."""

    user_location: Any = None
    filters: Any = None
    search_context_size: Literal["low", "medium", "high"] = "medium"
    external_web_access: bool | None = None

    @property
    def name(self) -> str:
        return "web_search"

    def tool_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "type": "web_search",
            "filters": _plain(self.filters),
            "user_location": _plain(self.user_location),
            "search_context_size": self.search_context_size,
        }
        if self.external_web_access is not None:
            spec["external_web_access"] = self.external_web_access
        return spec


@dataclass
class MCPToolApprovalRequest:
    """A hosted MCP server asks whether it may call one of its tools (`data` is the
    `mcp_approval_request` item: `id`, `server_label`, `name`, `arguments`)."""

    ctx_wrapper: RunContextWrapper[Any]
    data: Mapping[str, Any]


class MCPToolApprovalFunctionResult(TypedDict):
    """The answer to an MCP approval request; `reason` goes to the server with a denial."""

    approve: bool
    reason: NotRequired[str]


MCPToolApprovalFunction: TypeAlias = Callable[
    [MCPToolApprovalRequest],
    "MCPToolApprovalFunctionResult | Awaitable[MCPToolApprovalFunctionResult]",
]


@dataclass
class HostedMCPTool:
    """A remote MCP server the service calls itself. `tool_config` is the Responses `mcp` tool
    param. With `on_approval_request`, the run answers the server's approval requests (sync or
    async function); without it an approval request ends the turn like a message would, and you
    answer it with an `mcp_approval_response` input item on the next run."""

    tool_config: Mapping[str, Any]
    on_approval_request: MCPToolApprovalFunction | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.tool_config, Mapping) or not self.tool_config.get("server_label"):
            raise UserError(
                "HostedMCPTool needs tool_config={'type': 'mcp', 'server_label': ..., "
                "'server_url': ...} (the Responses API's mcp tool param)."
            )

    @property
    def name(self) -> str:
        return "hosted_mcp"

    def tool_spec(self) -> dict[str, Any]:
        return {"type": "mcp", **self.tool_config}


@dataclass
class CodeInterpreterTool:
    """Run code in a container the service manages (`tool_config`: the `code_interpreter` param)."""

    tool_config: Mapping[str, Any]

    @property
    def name(self) -> str:
        return "code_interpreter"

    def tool_spec(self) -> dict[str, Any]:
        return {"type": "code_interpreter", **self.tool_config}


@dataclass
class ImageGenerationTool:
    """Generate images (`tool_config`: the `image_generation` param)."""

    tool_config: Mapping[str, Any]

    @property
    def name(self) -> str:
        return "image_generation"

    def tool_spec(self) -> dict[str, Any]:
        return {"type": "image_generation", **self.tool_config}
