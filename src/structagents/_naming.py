"""How names the model sees are derived from names users give."""

from __future__ import annotations

import re

__all__ = ["handoff_tool_name"]


def handoff_tool_name(agent_name: str) -> str:
    """The default tool name of a handoff to `agent_name`: `transfer_to_<name>`, snake-cased."""
    return re.sub(r"[^a-zA-Z0-9_]", "_", f"transfer_to_{agent_name}").lower()
