"""Output items of hosted and built-in tools, for scripting `ScriptedModel` / `FakeOpenAIServer`.

Each returns the Responses-API output item dict the service would send.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .._items import TResponseOutputItem

__all__ = [
    "apply_patch_call",
    "code_interpreter_call",
    "computer_call",
    "file_search_call",
    "image_generation_call",
    "local_shell_call",
    "mcp_approval_request",
    "mcp_call",
    "mcp_list_tools",
    "shell_call",
    "tool_search_call",
    "tool_search_output",
    "web_search_call",
]


def web_search_call(query: str, *, item_id: str = "ws_1") -> TResponseOutputItem:
    """The service searched the web for `query`."""
    return {
        "type": "web_search_call",
        "id": item_id,
        "status": "completed",
        "action": {"type": "search", "query": query},
    }


def file_search_call(
    queries: Sequence[str],
    *,
    results: Sequence[Mapping[str, Any]] | None = None,
    item_id: str = "fs_1",
) -> TResponseOutputItem:
    """The service searched vector stores (`results` when `include_search_results`)."""
    item: dict[str, Any] = {
        "type": "file_search_call",
        "id": item_id,
        "status": "completed",
        "queries": list(queries),
    }
    if results is not None:
        item["results"] = [dict(r) for r in results]
    return item


def code_interpreter_call(
    code: str, *, container_id: str = "cntr_1", logs: str | None = None, item_id: str = "ci_1"
) -> TResponseOutputItem:
    """The service ran `code` in a container."""
    outputs = [{"type": "logs", "logs": logs}] if logs is not None else []
    return {
        "type": "code_interpreter_call",
        "id": item_id,
        "status": "completed",
        "code": code,
        "container_id": container_id,
        "outputs": outputs,
    }


def image_generation_call(result_b64: str, *, item_id: str = "ig_1") -> TResponseOutputItem:
    """The service generated an image (base64 in `result`)."""
    return {
        "type": "image_generation_call",
        "id": item_id,
        "status": "completed",
        "result": result_b64,
    }


def mcp_call(
    server_label: str,
    name: str,
    arguments: str | Mapping[str, Any] = "{}",
    *,
    output: str | None = None,
    error: str | None = None,
    item_id: str = "mcp_1",
) -> TResponseOutputItem:
    """The service called tool `name` of a hosted MCP server."""
    return {
        "type": "mcp_call",
        "id": item_id,
        "server_label": server_label,
        "name": name,
        "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
        "output": output,
        "error": error,
    }


def mcp_list_tools(
    server_label: str, tools: Sequence[Mapping[str, Any]], *, item_id: str = "mcpl_1"
) -> TResponseOutputItem:
    """A hosted MCP server's tools (each `{"name", "input_schema", "description"?}`)."""
    return {
        "type": "mcp_list_tools",
        "id": item_id,
        "server_label": server_label,
        "tools": [dict(t) for t in tools],
    }


def mcp_approval_request(
    server_label: str,
    name: str,
    arguments: str | Mapping[str, Any] = "{}",
    *,
    item_id: str = "mcpr_1",
) -> TResponseOutputItem:
    """A hosted MCP server asks for approval to call tool `name`."""
    return {
        "type": "mcp_approval_request",
        "id": item_id,
        "server_label": server_label,
        "name": name,
        "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
    }


def computer_call(
    action: Mapping[str, Any],
    *,
    call_id: str,
    pending_safety_checks: Sequence[Mapping[str, Any]] = (),
    item_id: str | None = None,
) -> TResponseOutputItem:
    """The model asks for one computer action, e.g. `{"type": "click", "x": 1, "y": 2}`."""
    return {
        "type": "computer_call",
        "id": item_id or f"cu_{call_id}",
        "call_id": call_id,
        "status": "completed",
        "action": dict(action),
        "pending_safety_checks": [dict(c) for c in pending_safety_checks],
    }


def local_shell_call(
    command: Sequence[str],
    *,
    call_id: str,
    env: Mapping[str, str] | None = None,
    timeout_ms: int | None = None,
    working_directory: str | None = None,
    item_id: str | None = None,
) -> TResponseOutputItem:
    """The model asks the `local_shell` tool to run `command` (argv)."""
    return {
        "type": "local_shell_call",
        "id": item_id or f"lsh_{call_id}",
        "call_id": call_id,
        "status": "completed",
        "action": {
            "type": "exec",
            "command": list(command),
            "env": dict(env or {}),
            "timeout_ms": timeout_ms,
            "working_directory": working_directory,
        },
    }


def shell_call(
    commands: Sequence[str],
    *,
    call_id: str,
    timeout_ms: int | None = None,
    max_output_length: int | None = None,
    item_id: str | None = None,
) -> TResponseOutputItem:
    """The model asks the `shell` tool to run `commands`."""
    return {
        "type": "shell_call",
        "id": item_id or f"sh_{call_id}",
        "call_id": call_id,
        "status": "completed",
        "action": {
            "commands": list(commands),
            "timeout_ms": timeout_ms,
            "max_output_length": max_output_length,
        },
    }


def apply_patch_call(
    operation: Mapping[str, Any], *, call_id: str, item_id: str | None = None
) -> TResponseOutputItem:
    """The model asks to change a file, e.g. `{"type": "create_file", "path", "diff"}`."""
    return {
        "type": "apply_patch_call",
        "id": item_id or f"ap_{call_id}",
        "call_id": call_id,
        "status": "completed",
        "operation": dict(operation),
    }


def tool_search_call(
    arguments: Mapping[str, Any] | None = None,
    *,
    call_id: str | None = None,
    execution: str = "server",
    item_id: str = "tsc_1",
) -> TResponseOutputItem:
    """The model searched its deferred tools, e.g. `arguments={"paths": ["crm"]}`."""
    item: dict[str, Any] = {
        "type": "tool_search_call",
        "id": item_id,
        "arguments": dict(arguments or {}),
        "execution": execution,
        "status": "completed",
    }
    if call_id is not None:
        item["call_id"] = call_id
    return item


def tool_search_output(
    tools: Sequence[Mapping[str, Any]],
    *,
    call_id: str | None = None,
    execution: str = "server",
    item_id: str = "tso_1",
) -> TResponseOutputItem:
    """What the search loaded: Responses tool definitions, e.g. the `namespace` entry of a
    request's `tools` (`{"type": "namespace", "name": "crm", "tools": [...]}`)."""
    item: dict[str, Any] = {
        "type": "tool_search_output",
        "id": item_id,
        "execution": execution,
        "status": "completed",
        "tools": [dict(t) for t in tools],
    }
    if call_id is not None:
        item["call_id"] = call_id
    return item
