"""Two tools (or a tool and a handoff) the model would call by the same name.

The model names a tool only by its name, so a collision means one of them can never be
called. By default that is a `UserError` raised before any request; with
`RunConfig(tool_name_collision_policy="warn")` it is logged and one of them is offered, as the
reference SDK does (a handoff wins over a tool, else the last tool listed).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ._tool_search import ToolSearchTool, check_tool_lookup, function_tool_class, tool_key
from .exceptions import UserError

if TYPE_CHECKING:
    from ._handoffs import Handoff
    from ._tools import Tool

__all__ = ["ToolNameCollisionPolicy", "resolve_tool_name_collisions"]

ToolNameCollisionPolicy: TypeAlias = Literal["warn", "error"]

logger = logging.getLogger("structagents")


def resolve_tool_name_collisions(
    agent_name: str,
    tools: list[Tool],
    handoffs: list[Handoff[Any]],
    policy: ToolNameCollisionPolicy,
) -> tuple[list[Tool], list[Handoff[Any]]]:
    """The tools and handoffs to offer the model; a collision raises or is logged."""
    function_tool = function_tool_class()
    owners: dict[str, list[tuple[int, Any]]] = {}
    named = 0
    for index, tool in enumerate(tools):
        # The model calls a tool in a namespace, or loaded by tool search, by name *and*
        # namespace: those are checked with the rest of tool search's rules below.
        if isinstance(tool, function_tool):
            if tool_key(tool)[0] is not None:
                continue
        elif isinstance(tool, ToolSearchTool):
            continue
        owners.setdefault(tool.name, []).append((index, tool))
        named += 1
    if named < len(tools):
        check_tool_lookup([tool for tool in tools if isinstance(tool, function_tool)])
    handoff_names = {h.tool_name for h in handoffs}
    if (
        len(owners) == named
        and len(handoff_names) == len(handoffs)
        and handoff_names.isdisjoint(owners)
    ):
        return tools, handoffs  # the usual case: every name is unique
    for index, handoff in enumerate(handoffs):
        owners.setdefault(handoff.tool_name, []).append((-1 - index, handoff))
    dropped: set[int] = set()
    for name, entries in owners.items():
        if len(entries) < 2:
            continue
        described = [_describe(index, entry) for index, entry in entries]
        message = (
            f"Agent {agent_name!r} offers the model more than one tool named {name!r}: "
            f"{' and '.join(described)}. The model could call only one of them; give each a "
            "unique name (function_tool(name_override=...), as_tool(tool_name=...), "
            "handoff(tool_name_override=...))."
        )
        if policy == "error":
            raise UserError(message)
        handoff_indexes = [index for index, _ in entries if index < 0]
        winner = handoff_indexes[-1] if handoff_indexes else entries[-1][0]
        logger.warning(
            "%s Offering only %s.", message, described[[i for i, _ in entries].index(winner)]
        )
        dropped.update(index for index, _ in entries if index != winner)
    return (
        [tool for index, tool in enumerate(tools) if index not in dropped],
        [h for index, h in enumerate(handoffs) if -1 - index not in dropped],
    )


def _describe(index: int, entry: Any) -> str:
    if index < 0:
        return f"handoffs[{-1 - index}] (the handoff to agent {entry.agent_name!r})"
    summary = " ".join(str(entry.description).split())[:60]
    return f"tools[{index}] ({summary!r})" if summary else f"tools[{index}]"
