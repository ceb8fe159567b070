"""How names the model sees are derived from names users give."""

from __future__ import annotations

import re

__all__ = ["function_style_name", "handoff_tool_name"]


def function_style_name(name: str) -> str:
    """`name` as a function-call name: letters, digits and underscores, lower case."""
    return re.sub(r"[^a-zA-Z0-9_]", "_", name).lower()


def handoff_tool_name(agent_name: str) -> str:
    """The default tool name of a handoff to `agent_name`: `transfer_to_<name>`, snake-cased."""
    return function_style_name(f"transfer_to_{agent_name}")
