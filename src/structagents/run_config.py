"""The reference SDK's `agents.run_config` module path: run configuration."""

from ._config import DEFAULT_MAX_TURNS as DEFAULT_MAX_TURNS
from ._config import CallModelData as CallModelData
from ._config import ModelInputData as ModelInputData
from ._config import ReasoningItemIdPolicy as ReasoningItemIdPolicy
from ._config import RunConfig as RunConfig
from ._config import ToolExecutionConfig as ToolExecutionConfig
from ._run_options import RunOptions as RunOptions
from ._tool_errors import ToolErrorFormatter as ToolErrorFormatter
from ._tool_errors import ToolErrorFormatterArgs as ToolErrorFormatterArgs
from ._tool_names import ToolNameCollisionPolicy as ToolNameCollisionPolicy

__all__ = [
    "CallModelData",
    "DEFAULT_MAX_TURNS",
    "ModelInputData",
    "ReasoningItemIdPolicy",
    "RunConfig",
    "RunOptions",
    "ToolErrorFormatter",
    "ToolErrorFormatterArgs",
    "ToolExecutionConfig",
    "ToolNameCollisionPolicy",
]
