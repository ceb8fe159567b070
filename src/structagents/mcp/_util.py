"""MCP tools as function tools: listing across servers, filters, names, invoking, outputs."""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from typing_extensions import NotRequired, TypedDict

from .._run_context import RunContextWrapper, ToolContext
from .._strict_schema import ensure_strict_json_schema
from .._tools import FunctionTool, Tool, ToolErrorFunction, default_tool_error_function
from .._tools import handle_tool_errors as _handle_tool_errors
from ..exceptions import ModelBehaviorError
from ..tracing import FunctionSpanData, get_current_span, mcp_tools_span

if TYPE_CHECKING:
    from mcp.types import CallToolResult
    from mcp.types import Tool as MCPTool

    from .._agent import Agent
    from ._server import MCPServer

__all__ = [
    "MCPUtil",
    "ToolFilter",
    "ToolFilterCallable",
    "ToolFilterContext",
    "ToolFilterStatic",
    "create_static_tool_filter",
]

logger = logging.getLogger("structagents.mcp")

_MAX_TOOL_NAME_LENGTH = 64
_HASH_LENGTH = 8


@dataclass
class ToolFilterContext:
    """What a callable tool filter is told about the request for tools."""

    run_context: RunContextWrapper[Any]
    agent: Agent[Any]
    server_name: str


ToolFilterCallable: TypeAlias = Callable[[ToolFilterContext, "MCPTool"], "bool | Awaitable[bool]"]
"""Decides, per listed MCP tool, whether the agent is offered it (sync or async)."""


class ToolFilterStatic(TypedDict):
    """Allow and block lists of MCP tool names (the block list wins)."""

    allowed_tool_names: NotRequired[list[str]]
    blocked_tool_names: NotRequired[list[str]]


ToolFilter: TypeAlias = "ToolFilterCallable | ToolFilterStatic | None"


def create_static_tool_filter(
    allowed_tool_names: list[str] | None = None,
    blocked_tool_names: list[str] | None = None,
) -> ToolFilterStatic | None:
    """A `ToolFilterStatic` from allow/block lists, or `None` when both are `None`."""
    if allowed_tool_names is None and blocked_tool_names is None:
        return None
    tool_filter: ToolFilterStatic = {}
    if allowed_tool_names is not None:
        tool_filter["allowed_tool_names"] = allowed_tool_names
    if blocked_tool_names is not None:
        tool_filter["blocked_tool_names"] = blocked_tool_names
    return tool_filter


async def apply_tool_filter(
    tool_filter: ToolFilter,
    tools: list[MCPTool],
    context: ToolFilterContext | None,
) -> list[MCPTool]:
    """The tools `tool_filter` lets through; a callable filter that raises excludes the tool."""
    if tool_filter is None:
        return tools
    if isinstance(tool_filter, dict):
        allowed = tool_filter.get("allowed_tool_names")
        blocked = tool_filter.get("blocked_tool_names") or []
        return [
            t for t in tools if (allowed is None or t.name in allowed) and t.name not in blocked
        ]
    if context is None:
        from ..exceptions import UserError

        raise UserError("run_context and agent are required for dynamic tool filtering")
    kept = []
    for tool in tools:
        try:
            verdict = tool_filter(context, tool)
            if inspect.isawaitable(verdict):
                verdict = await verdict
        except Exception:
            logger.exception("MCP tool filter failed on tool %r; leaving the tool out", tool.name)
            continue
        if verdict:
            kept.append(tool)
    return kept


class MCPUtil:
    """Turns the tools MCP servers list into `FunctionTool`s and calls them."""

    @classmethod
    async def get_all_function_tools(
        cls,
        servers: list[MCPServer],
        convert_schemas_to_strict: bool,
        run_context: RunContextWrapper[Any],
        agent: Agent[Any],
        failure_error_function: ToolErrorFunction | None = default_tool_error_function,
        include_server_in_tool_names: bool = False,
        reserved_tool_names: set[str] | None = None,
    ) -> list[Tool]:
        """Every server's tools, in server order; a name listed twice is a `UserError`.

        With `include_server_in_tool_names`, tools are offered as `mcp_<server>__<tool>`
        (shortened with a hash past 64 characters, and kept clear of `reserved_tool_names`).
        """
        from ..exceptions import UserError

        tools: list[Tool] = []
        used: set[str] = set(reserved_tool_names or ())
        seen: set[str] = set()
        for server in servers:
            listed = await _list_with_span(server, run_context, agent)
            names: list[str | None] = [None] * len(listed)
            if include_server_in_tool_names:
                names = [_prefixed_name(server.name, t.name, used) for t in listed]
            converted = [
                cls.to_function_tool(
                    tool, server, convert_schemas_to_strict, agent, failure_error_function, name
                )
                for tool, name in zip(listed, names, strict=True)
            ]
            duplicates = sorted({t.name for t in converted} & seen)
            if duplicates:
                raise UserError(
                    "Duplicate tool names found across MCP servers: "
                    f"{', '.join(repr(name) for name in duplicates)}. Set "
                    "mcp_config={'include_server_in_tool_names': True} on the agent to prefix "
                    "tool names with their server's name, or filter one of them out with "
                    "tool_filter."
                )
            seen.update(t.name for t in converted)
            tools.extend(converted)
        return tools

    @classmethod
    async def get_function_tools(
        cls,
        server: MCPServer,
        convert_schemas_to_strict: bool,
        run_context: RunContextWrapper[Any],
        agent: Agent[Any],
        failure_error_function: ToolErrorFunction | None = default_tool_error_function,
    ) -> list[Tool]:
        """One server's tools as function tools."""
        listed = await _list_with_span(server, run_context, agent)
        return [
            cls.to_function_tool(
                t, server, convert_schemas_to_strict, agent, failure_error_function
            )
            for t in listed
        ]

    @classmethod
    def to_function_tool(
        cls,
        tool: MCPTool,
        server: MCPServer,
        convert_schemas_to_strict: bool,
        agent: Agent[Any] | None = None,
        failure_error_function: ToolErrorFunction | None = default_tool_error_function,
        tool_name_override: str | None = None,
    ) -> FunctionTool:
        """One MCP tool as a `FunctionTool` whose calls go to `server`.

        The input schema is used as is (strict mode off) unless `convert_schemas_to_strict`,
        which converts it when it can and falls back to the original when it cannot.
        Errors become the model's message through the server's `failure_error_function`, else
        the one given here (`None`: they fail the run).
        """
        public_name = tool_name_override or tool.name
        schema = copy.deepcopy(tool.input_schema)
        schema.setdefault("properties", {})
        is_strict = False
        if convert_schemas_to_strict:
            try:
                schema = ensure_strict_json_schema(copy.deepcopy(schema))
                is_strict = True
            except Exception as exc:
                logger.info("MCP tool %r keeps its non-strict schema: %s", tool.name, exc)

        async def invoke(ctx: ToolContext[Any], arguments: str) -> Any:
            return await cls.invoke_mcp_tool(
                server, tool, ctx, arguments, tool_display_name=public_name
            )

        on_error = server.resolve_failure_error_function(failure_error_function)
        return FunctionTool(
            name=public_name,
            description=tool.description or tool.title or "",
            params_json_schema=schema,
            on_invoke_tool=_handle_tool_errors(invoke, on_error),
            strict_json_schema=is_strict,
            tool_input_guardrails=_copied(server.tool_input_guardrails),
            tool_output_guardrails=_copied(server.tool_output_guardrails),
            needs_approval=server.needs_approval_for(tool, agent),
        )

    @classmethod
    async def invoke_mcp_tool(
        cls,
        server: MCPServer,
        tool: MCPTool,
        context: RunContextWrapper[Any],
        input_json: str,
        *,
        meta: dict[str, Any] | None = None,
        tool_display_name: str | None = None,
    ) -> Any:
        """Call `tool` on `server` with the model's JSON arguments; return the tool output.

        Arguments that are not a JSON object are a `ModelBehaviorError`; a failed call raises
        (see `MCPServer.call_tool`); a result the server marked as an error is returned as
        output, so the model reads the server's message.
        """
        name = tool_display_name or tool.name
        try:
            arguments = json.loads(input_json) if input_json else {}
        except json.JSONDecodeError as exc:
            raise ModelBehaviorError(f"Invalid JSON input for tool {name}: {input_json}") from exc
        if not isinstance(arguments, dict):
            raise ModelBehaviorError(f"Invalid JSON input for tool {name}: expected a JSON object")
        result = await server.call_tool(tool.name, arguments, meta=meta)
        output = tool_output(result, use_structured_content=server.use_structured_content)
        span = get_current_span()
        if span is not None and isinstance(span.span_data, FunctionSpanData):
            span.span_data.mcp_data = {"server": server.name}
        return output


async def _list_with_span(
    server: MCPServer, run_context: RunContextWrapper[Any], agent: Agent[Any]
) -> list[MCPTool]:
    """`server.list_tools(...)` inside an `mcp_tools` tracing span that records the names."""
    with mcp_tools_span(server=server.name) as span:
        tools = await server.list_tools(run_context, agent)
        span.span_data.result = [tool.name for tool in tools]
    return tools


def _copied(guardrails: list[Any] | None) -> list[Any] | None:
    return None if guardrails is None else list(guardrails)


def tool_output(result: CallToolResult, *, use_structured_content: bool) -> Any:
    """What the model is shown for an MCP result, in the reference SDK's shapes.

    One content block is a `{"type": "text", "text": ...}` or `{"type": "image", "image_url":
    <data URL>}` dict, several are a list of them (the model gets them as content parts);
    other blocks are sent as their JSON text. With `use_structured_content`, a successful
    result's structured content is sent as JSON instead.
    """
    structured = result.structured_content
    if use_structured_content and structured and not result.is_error:
        return json.dumps(structured)
    blocks: list[dict[str, str]] = []
    for block in result.content:
        if block.type == "text":
            blocks.append({"type": "text", "text": block.text})
        elif block.type == "image":
            url = f"data:{block.mime_type};base64,{block.data}"
            blocks.append({"type": "image", "image_url": url})
        else:
            blocks.append({"type": "text", "text": block.model_dump_json()})
    return blocks[0] if len(blocks) == 1 else blocks


def _prefixed_name(server_name: str, tool_name: str, used: set[str]) -> str:
    """`mcp_<server>__<tool>`, ASCII-safe, at most 64 characters, not in `used` (added to it)."""
    base = f"mcp_{_safe_part(server_name, 'server')}__{_safe_part(tool_name, 'tool')}"
    name = (
        base if len(base) <= _MAX_TOOL_NAME_LENGTH else _hashed(base, f"{server_name}\0{tool_name}")
    )
    attempt = 0
    while name in used:
        attempt += 1
        name = _hashed(base, f"{server_name}\0{tool_name}\0{attempt}")
    used.add(name)
    return name


def _safe_part(value: str, fallback: str) -> str:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in value)
    return safe.strip("_-") or fallback


def _hashed(base: str, seed: str) -> str:
    suffix = "_" + hashlib.sha1(seed.encode()).hexdigest()[:_HASH_LENGTH]
    return (base[: _MAX_TOOL_NAME_LENGTH - len(suffix)].rstrip("_-") or "mcp") + suffix
