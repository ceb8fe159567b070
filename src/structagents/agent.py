"""The reference SDK's `agents.agent` module path: agents."""

from ._agent import Agent as Agent
from ._agent import MCPConfig as MCPConfig
from ._agent import StopAtTools as StopAtTools
from ._agent import ToolsToFinalOutputFunction as ToolsToFinalOutputFunction
from ._agent import ToolsToFinalOutputResult as ToolsToFinalOutputResult
from ._guardrails import InputGuardrail as InputGuardrail
from ._guardrails import OutputGuardrail as OutputGuardrail
from ._handoffs import Handoff as Handoff
from ._output_schema import AgentOutputSchemaBase as AgentOutputSchemaBase
from ._prompts import DynamicPromptFunction as DynamicPromptFunction
from ._prompts import Prompt as Prompt
from ._run_context import RunContextWrapper as RunContextWrapper
from ._run_context import ToolContext as ToolContext
from ._tools import FunctionTool as FunctionTool
from ._tools import FunctionToolResult as FunctionToolResult
from ._tools import Tool as Tool
from ._tools import default_tool_error_function as default_tool_error_function
from .exceptions import ModelBehaviorError as ModelBehaviorError
from .exceptions import UserError as UserError
from .models.interface import Model as Model
from .models.settings import ModelSettings as ModelSettings

__all__ = [
    "Agent",
    "AgentOutputSchemaBase",
    "DynamicPromptFunction",
    "FunctionTool",
    "FunctionToolResult",
    "Handoff",
    "InputGuardrail",
    "MCPConfig",
    "Model",
    "ModelBehaviorError",
    "ModelSettings",
    "OutputGuardrail",
    "Prompt",
    "RunContextWrapper",
    "StopAtTools",
    "Tool",
    "ToolContext",
    "ToolsToFinalOutputFunction",
    "ToolsToFinalOutputResult",
    "UserError",
    "default_tool_error_function",
]
