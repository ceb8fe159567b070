"""Tool search and deferred loading (OpenAI Responses API only), as the reference SDK has them.

`ToolSearchTool()` lets the model load tool definitions it was not shown up front: function tools
made with `function_tool(defer_loading=True)`, tools grouped with `tool_namespace(...)` and hosted
MCP servers whose `tool_config` sets `defer_loading`. The service runs the search; its
`tool_search_call` / `tool_search_output` items come back in the reply, and the model then calls
the loaded tool as a `function_call` naming its `namespace` (a deferred top-level tool's calls
name the tool itself as their namespace).

A function tool is identified by `(namespace, name)`: `(None, name)` for a visible top-level
tool, `(ns, name)` inside `tool_namespace(name=ns)`, `(name, name)` for a deferred top-level tool.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from .exceptions import UserError

if TYPE_CHECKING:
    from ._handoffs import Handoff
    from ._hosted_tools import HostedMCPTool
    from ._tools import FunctionTool, Tool

__all__ = [
    "ToolKey",
    "ToolSearchTool",
    "call_key",
    "check_tool_lookup",
    "check_tool_search_setup",
    "check_tool_search_tool_choice",
    "FunctionToolLookup",
    "qualified",
    "responses_only_features",
    "tool_key",
    "tool_namespace",
    "tool_search_specs",
]

ToolKey: TypeAlias = tuple[str | None, str]
"""How a `function_call` names the tool it calls: `(namespace, name)`."""


@dataclass
class ToolSearchTool:
    """A hosted Responses tool that lets the model search and load deferred tools.

    `execution="client"` only declares a client-executed search for your own orchestration:
    the run does not execute `tool_search_call` items itself (one with `execution="client"` is
    a `ModelBehaviorError`)."""

    description: str | None = None
    execution: Literal["server", "client"] | None = None
    parameters: object | None = None

    @property
    def name(self) -> str:
        return "tool_search"

    def tool_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"type": "tool_search"}
        if isinstance(self.description, str):
            spec["description"] = self.description
        if self.execution is not None:
            spec["execution"] = self.execution
        if self.parameters is not None:
            spec["parameters"] = self.parameters
        return spec


def tool_namespace(
    *, name: str, description: str | None, tools: list[FunctionTool]
) -> list[FunctionTool]:
    """Copies of `tools` grouped under namespace `name` (sent as one Responses `namespace` tool;
    the model calls them as `name.<tool>`). Combine with `ToolSearchTool()`; the tools may set
    `defer_loading=True` so that the model sees only the namespace until it searches it."""
    from ._tools import FunctionTool

    if not isinstance(name, str) or not name.strip():
        raise UserError("tool_namespace() requires a non-empty namespace name.")
    if not isinstance(description, str) or not description.strip():
        raise UserError("tool_namespace() requires a non-empty description.")
    if any(not isinstance(tool, FunctionTool) for tool in tools):
        raise UserError("tool_namespace() only supports FunctionTool instances.")
    namespace, about = name.strip(), description.strip()
    grouped = []
    for tool in tools:
        _check_namespace_shape(tool.name, namespace)
        copied = copy.copy(tool)
        copied._tool_namespace = namespace
        copied._tool_namespace_description = about
        grouped.append(copied)
    return grouped


@functools.cache
def function_tool_class() -> type[FunctionTool]:
    """`FunctionTool`, imported once (`_tools` imports this module's importers, so it cannot be
    imported at the top; an import statement in a function runs the import machinery, ~2 µs,
    on every call, and these functions run on every turn or request)."""
    from ._tools import FunctionTool

    return FunctionTool


@functools.cache
def _hosted_mcp_tool_class() -> type[HostedMCPTool]:
    from ._hosted_tools import HostedMCPTool

    return HostedMCPTool


def tool_key(tool: FunctionTool) -> ToolKey:
    """The `(namespace, name)` the model's calls to `tool` carry."""
    if tool._tool_namespace:
        return tool._tool_namespace, tool.name
    return (tool.name if tool.defer_loading else None), tool.name


def call_key(call: Mapping[str, Any]) -> ToolKey:
    namespace = call.get("namespace")
    return (namespace if isinstance(namespace, str) and namespace else None), str(call.get("name"))


def qualified(key: ToolKey) -> str:
    """`namespace.name` (a deferred top-level tool: its name)."""
    namespace, name = key
    return name if namespace is None or namespace == name else f"{namespace}.{name}"


class FunctionToolLookup:
    """The function tools among `tools`, found the way the model's `function_call`s name them
    (by name alone unless the call has a `namespace`)."""

    __slots__ = ("_bare", "_namespaced")

    def __init__(self, tools: list[Tool]) -> None:
        function_tool = function_tool_class()
        self._bare: dict[str, FunctionTool] = {}
        self._namespaced: dict[ToolKey, FunctionTool] = {}
        for tool in tools:
            if isinstance(tool, function_tool):
                key = tool_key(tool)
                if key[0] is None:
                    self._bare[tool.name] = tool
                else:
                    self._namespaced[key] = tool

    def find(self, call: Mapping[str, Any]) -> FunctionTool | None:
        namespace = call.get("namespace")
        if not namespace:
            return self._bare.get(call.get("name"))  # type: ignore[arg-type]
        return self._namespaced.get((namespace, call.get("name")))  # type: ignore[arg-type]

    def names(self) -> list[str]:
        """The tools as the model names them (`namespace.name` inside a namespace)."""
        return [*self._bare, *map(qualified, self._namespaced)]


def responses_only_features(tool: FunctionTool) -> list[str]:
    """The Responses-only features `tool` uses (another API refuses them)."""
    features = []
    if tool._tool_namespace:
        features.append("tool_namespace()")
    if tool.defer_loading:
        features.append("defer_loading=True")
    return features


def check_tool_search_setup(tools: list[Tool], *, has_prompt: bool = False) -> None:
    """The Responses API's rules for tool search, as `UserError`s before any request (with a
    prompt template, the searchable tools may be the template's own)."""
    function_tool, hosted_mcp_tool = function_tool_class(), _hosted_mcp_tool_class()
    searches = sum(isinstance(t, ToolSearchTool) for t in tools)
    functions = [t for t in tools if isinstance(t, function_tool)]
    deferred = any(t.defer_loading for t in functions) or any(
        isinstance(t, hosted_mcp_tool) and t.tool_config.get("defer_loading") for t in tools
    )
    if searches > 1:
        raise UserError("Only one ToolSearchTool() is allowed when using OpenAI Responses models.")
    check_tool_lookup(functions)
    if deferred and not searches:
        raise UserError(
            "Deferred-loading Responses tools require ToolSearchTool() when using OpenAI "
            "Responses models: add ToolSearchTool() to the agent's tools."
        )
    if (
        searches
        and not has_prompt
        and not deferred
        and not any(t._tool_namespace for t in functions)
    ):
        raise UserError(
            "ToolSearchTool() requires at least one searchable Responses surface: a "
            "tool_namespace(...) function tool, a deferred-loading function tool "
            "(`function_tool(..., defer_loading=True)`), or a deferred-loading hosted MCP "
            "server (`HostedMCPTool(tool_config={..., 'defer_loading': True})`)."
        )


def check_tool_lookup(functions: list[FunctionTool]) -> None:
    """Two namespaced or deferred function tools the model would call the same way are a
    `UserError` (visible top-level ones: `ToolNameCollisionPolicy`)."""
    seen: dict[str, ToolKey] = {}
    deferred: set[str] = set()
    for tool in functions:
        key = tool_key(tool)
        if tool._tool_namespace:
            _check_namespace_shape(tool.name, tool._tool_namespace)
        if key[0] == tool.name:
            if tool.name in deferred:
                raise UserError(
                    "Ambiguous function tool configuration: the deferred top-level tool name "
                    f"`{tool.name}` is used by multiple tools. Rename one of them."
                )
            deferred.add(tool.name)
            continue
        name = qualified(key)
        prior = seen.get(name)
        if prior is not None and (prior[0] is not None or key[0] is not None):
            raise UserError(
                f"Ambiguous function tool configuration: the qualified name `{name}` is used by "
                "multiple tools. Rename the namespace-wrapped function or dotted top-level tool."
            )
        seen[name] = key


def _check_namespace_shape(name: str, namespace: str) -> None:
    if name == namespace:
        raise UserError(
            f"Responses tool search reserves the namespace `{namespace}.{name}` for deferred "
            "top-level function tools: rename the namespace or the tool."
        )


def tool_search_specs(
    tools: list[Tool], function_spec: Any, other_spec: Any, *, has_prompt: bool = False
) -> list[dict[str, Any]]:
    """The Responses `tools` entries for `tools`: namespaced function tools grouped into one
    `{"type": "namespace", ...}` entry where the namespace first appears."""
    function_tool = function_tool_class()
    check_tool_search_setup(tools, has_prompt=has_prompt)
    specs: list[dict[str, Any]] = []
    namespaces: dict[str, dict[str, Any]] = {}
    for tool in tools:
        if not isinstance(tool, function_tool):
            specs.append(other_spec(tool))
            continue
        spec = function_spec(tool)
        if tool.defer_loading:
            spec["defer_loading"] = True
        namespace = tool._tool_namespace
        if not namespace:
            specs.append(spec)
            continue
        group = namespaces.get(namespace)
        if group is None:
            group = namespaces[namespace] = {
                "type": "namespace",
                "name": namespace,
                "description": tool._tool_namespace_description or "",
                "tools": [],
            }
            specs.append(group)
        elif group["description"] != (tool._tool_namespace_description or ""):
            raise UserError(
                f"All tools in namespace '{namespace}' must share the same description."
            )
        group["tools"].append(spec)
    return specs


def check_tool_search_tool_choice(
    choice: Any, tools: list[Tool], handoffs: list[Handoff[Any]]
) -> None:
    """A named `tool_choice` the Responses API cannot honour with tool search is a `UserError`."""
    if not isinstance(choice, str) or choice in ("auto", "required", "none"):
        return
    functions = [t for t in tools if isinstance(t, function_tool_class())]
    visible = {t.name for t in functions if tool_key(t)[0] is None}
    visible.update(h.tool_name for h in handoffs)
    if choice in visible:
        return
    if choice == "tool_search":
        if any(isinstance(t, ToolSearchTool) for t in tools):
            raise UserError(
                "tool_choice='tool_search' is not supported for ToolSearchTool() on the OpenAI "
                "Responses API. Use `auto` or `required`, or target a real top-level function "
                "tool named `tool_search`."
            )
        if not any(t.name == "tool_search" for t in functions):
            raise UserError(
                "tool_choice='tool_search' requires ToolSearchTool() or a real top-level "
                "function tool named `tool_search` on the OpenAI Responses API."
            )
    namespaced = {t.name for t in functions if t._tool_namespace}
    namespaced.update(t._tool_namespace for t in functions if t._tool_namespace)
    if choice in namespaced:
        raise UserError(
            "Named tool_choice must target a callable tool, not a namespace wrapper or bare "
            "inner name from tool_namespace(), on the OpenAI Responses API. Use `auto`, "
            "`required`, `none`, or target a top-level or qualified namespaced function tool."
        )
    if any(t.defer_loading and not t._tool_namespace and t.name == choice for t in functions):
        raise UserError(
            "Named tool_choice is not currently supported for deferred-loading function tools "
            "on the OpenAI Responses API. Use `auto`, `required`, `none`, or load the tool via "
            "ToolSearchTool() first."
        )
