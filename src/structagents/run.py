"""The reference SDK's `agents.run` module path: the run entry points and their options."""

from ._config import DEFAULT_MAX_TURNS as DEFAULT_MAX_TURNS
from ._config import CallModelData as CallModelData
from ._config import ModelInputData as ModelInputData
from ._config import ReasoningItemIdPolicy as ReasoningItemIdPolicy
from ._config import RunConfig as RunConfig
from ._config import ToolExecutionConfig as ToolExecutionConfig
from ._result import RunResult as RunResult
from ._run_context import RunContextWrapper as RunContextWrapper
from ._run_options import RunOptions as RunOptions
from ._runner import AgentRunner as AgentRunner
from ._runner import Runner as Runner
from ._runner import get_default_agent_runner as get_default_agent_runner
from ._runner import set_default_agent_runner as set_default_agent_runner
from ._state import RunState as RunState
from ._streaming import RunResultStreaming as RunResultStreaming
from ._tool_errors import ToolErrorFormatter as ToolErrorFormatter
from ._tool_errors import ToolErrorFormatterArgs as ToolErrorFormatterArgs
from ._tool_errors import ToolNotFoundBehavior as ToolNotFoundBehavior
from ._tool_names import ToolNameCollisionPolicy as ToolNameCollisionPolicy

__all__ = [
    "AgentRunner",
    "CallModelData",
    "DEFAULT_MAX_TURNS",
    "ModelInputData",
    "ReasoningItemIdPolicy",
    "RunConfig",
    "RunContextWrapper",
    "RunOptions",
    "RunResult",
    "RunResultStreaming",
    "RunState",
    "Runner",
    "ToolErrorFormatter",
    "ToolErrorFormatterArgs",
    "ToolExecutionConfig",
    "ToolNameCollisionPolicy",
    "ToolNotFoundBehavior",
    "get_default_agent_runner",
    "set_default_agent_runner",
]
