"""The reference SDK's `agents.lifecycle` module path: lifecycle hooks."""

from ._agent import Agent as Agent
from ._hooks import AgentHooks as AgentHooks
from ._hooks import RunHooks as RunHooks
from ._items import TResponseInputItem as TResponseInputItem
from ._run_context import AgentHookContext as AgentHookContext
from ._run_context import RunContextWrapper as RunContextWrapper
from ._run_context import TContext as TContext
from ._tools import Tool as Tool
from .models.interface import ModelResponse as ModelResponse

__all__ = [
    "Agent",
    "AgentHookContext",
    "AgentHooks",
    "ModelResponse",
    "RunContextWrapper",
    "RunHooks",
    "TContext",
    "TResponseInputItem",
    "Tool",
]
