"""The reference SDK's `agents.run_context` module path: the run context wrapper."""

from ._items import ToolApprovalItem as ToolApprovalItem
from ._items import TResponseInputItem as TResponseInputItem
from ._run_context import AgentHookContext as AgentHookContext
from ._run_context import RunContextWrapper as RunContextWrapper
from ._run_context import TContext as TContext
from ._usage import Usage as Usage
from .exceptions import ModelBehaviorError as ModelBehaviorError
from .exceptions import UserError as UserError

__all__ = [
    "AgentHookContext",
    "ModelBehaviorError",
    "RunContextWrapper",
    "TContext",
    "TResponseInputItem",
    "ToolApprovalItem",
    "Usage",
    "UserError",
]
