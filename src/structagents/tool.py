"""The reference SDK's `agents.tool` module path: every kind of tool."""

from ._computer import ComputerTool as ComputerTool
from ._computer import ComputerToolSafetyCheckData as ComputerToolSafetyCheckData
from ._editor import ApplyPatchTool as ApplyPatchTool
from ._hosted_tools import CodeInterpreterTool as CodeInterpreterTool
from ._hosted_tools import FileSearchTool as FileSearchTool
from ._hosted_tools import HostedMCPTool as HostedMCPTool
from ._hosted_tools import ImageGenerationTool as ImageGenerationTool
from ._hosted_tools import MCPToolApprovalFunction as MCPToolApprovalFunction
from ._hosted_tools import MCPToolApprovalFunctionResult as MCPToolApprovalFunctionResult
from ._hosted_tools import MCPToolApprovalRequest as MCPToolApprovalRequest
from ._hosted_tools import WebSearchTool as WebSearchTool
from ._shell_tools import LocalShellCommandRequest as LocalShellCommandRequest
from ._shell_tools import LocalShellExecutor as LocalShellExecutor
from ._shell_tools import LocalShellTool as LocalShellTool
from ._shell_tools import ShellActionRequest as ShellActionRequest
from ._shell_tools import ShellCallData as ShellCallData
from ._shell_tools import ShellCallOutcome as ShellCallOutcome
from ._shell_tools import ShellCommandOutput as ShellCommandOutput
from ._shell_tools import ShellCommandRequest as ShellCommandRequest
from ._shell_tools import ShellExecutor as ShellExecutor
from ._shell_tools import ShellResult as ShellResult
from ._shell_tools import ShellTool as ShellTool
from ._tool_outputs import ToolOutputFileContent as ToolOutputFileContent
from ._tool_outputs import ToolOutputFileContentDict as ToolOutputFileContentDict
from ._tool_outputs import ToolOutputImage as ToolOutputImage
from ._tool_outputs import ToolOutputImageDict as ToolOutputImageDict
from ._tool_outputs import ToolOutputText as ToolOutputText
from ._tool_outputs import ToolOutputTextDict as ToolOutputTextDict
from ._tool_search import ToolSearchTool as ToolSearchTool
from ._tool_search import tool_namespace as tool_namespace
from ._tools import FunctionTool as FunctionTool
from ._tools import FunctionToolResult as FunctionToolResult
from ._tools import Tool as Tool
from ._tools import ToolErrorFunction as ToolErrorFunction
from ._tools import default_tool_error_function as default_tool_error_function
from ._tools import function_tool as function_tool

__all__ = [
    "ApplyPatchTool",
    "CodeInterpreterTool",
    "ComputerTool",
    "ComputerToolSafetyCheckData",
    "FileSearchTool",
    "FunctionTool",
    "FunctionToolResult",
    "HostedMCPTool",
    "ImageGenerationTool",
    "LocalShellCommandRequest",
    "LocalShellExecutor",
    "LocalShellTool",
    "MCPToolApprovalFunction",
    "MCPToolApprovalFunctionResult",
    "MCPToolApprovalRequest",
    "ShellActionRequest",
    "ShellCallData",
    "ShellCallOutcome",
    "ShellCommandOutput",
    "ShellCommandRequest",
    "ShellExecutor",
    "ShellResult",
    "ShellTool",
    "Tool",
    "ToolErrorFunction",
    "ToolOutputFileContent",
    "ToolOutputFileContentDict",
    "ToolOutputImage",
    "ToolOutputImageDict",
    "ToolOutputText",
    "ToolOutputTextDict",
    "ToolSearchTool",
    "WebSearchTool",
    "default_tool_error_function",
    "function_tool",
    "tool_namespace",
]
