"""The reference SDK's `agents.tool_context` module path: the context a tool is called with."""

from ._run_context import RunContextWrapper as RunContextWrapper
from ._run_context import ToolContext as ToolContext
from ._usage import Usage as Usage
from .exceptions import UserError as UserError

__all__ = [
    "RunContextWrapper",
    "ToolContext",
    "Usage",
    "UserError",
]
