"""structagents: the OpenAI Agents SDK's Runner, rebuilt on structured concurrency (AnyIO).

A run is one task group: cancelling it, a tripwire, a timeout or `max_turns` stops everything
it started, on asyncio and on trio alike.
"""

from ._agent import Agent as Agent
from ._agent import MCPConfig as MCPConfig
from ._agent import StopAtTools as StopAtTools
from ._agent import ToolsToFinalOutputFunction as ToolsToFinalOutputFunction
from ._agent import ToolsToFinalOutputResult as ToolsToFinalOutputResult
from ._agent_tool import AgentToolStreamEvent as AgentToolStreamEvent
from ._agent_tool_input import StructuredToolInputBuilder as StructuredToolInputBuilder
from ._agent_tool_input import (
    StructuredToolInputBuilderOptions as StructuredToolInputBuilderOptions,
)
from ._agent_tool_input import default_tool_input_builder as default_tool_input_builder
from ._computer import AsyncComputer as AsyncComputer
from ._computer import Button as Button
from ._computer import Computer as Computer
from ._computer import ComputerTool as ComputerTool
from ._computer import ComputerToolSafetyCheckData as ComputerToolSafetyCheckData
from ._computer import Environment as Environment
from ._config import DEFAULT_MAX_TURNS as DEFAULT_MAX_TURNS
from ._config import CallModelData as CallModelData
from ._config import ModelInputData as ModelInputData
from ._config import OutputGuardrailBlockedMessage as OutputGuardrailBlockedMessage
from ._config import ReasoningItemIdPolicy as ReasoningItemIdPolicy
from ._config import RunConfig as RunConfig
from ._config import SessionInputCallback as SessionInputCallback
from ._config import ToolExecutionConfig as ToolExecutionConfig
from ._editor import ApplyPatchEditor as ApplyPatchEditor
from ._editor import ApplyPatchOperation as ApplyPatchOperation
from ._editor import ApplyPatchResult as ApplyPatchResult
from ._editor import ApplyPatchTool as ApplyPatchTool
from ._error_handlers import RunErrorData as RunErrorData
from ._error_handlers import RunErrorHandler as RunErrorHandler
from ._error_handlers import RunErrorHandlerInput as RunErrorHandlerInput
from ._error_handlers import RunErrorHandlerResult as RunErrorHandlerResult
from ._error_handlers import RunErrorHandlers as RunErrorHandlers
from ._events import AgentUpdatedStreamEvent as AgentUpdatedStreamEvent
from ._events import RawResponsesStreamEvent as RawResponsesStreamEvent
from ._events import RunItemStreamEvent as RunItemStreamEvent
from ._events import StreamEvent as StreamEvent
from ._guardrails import GuardrailFunctionOutput as GuardrailFunctionOutput
from ._guardrails import InputGuardrail as InputGuardrail
from ._guardrails import InputGuardrailResult as InputGuardrailResult
from ._guardrails import OutputGuardrail as OutputGuardrail
from ._guardrails import OutputGuardrailResult as OutputGuardrailResult
from ._guardrails import input_guardrail as input_guardrail
from ._guardrails import output_guardrail as output_guardrail
from ._handoffs import Handoff as Handoff
from ._handoffs import HandoffInputData as HandoffInputData
from ._handoffs import handoff as handoff
from ._hooks import AgentHooks as AgentHooks
from ._hooks import RunHooks as RunHooks
from ._hosted_tools import CodeInterpreterTool as CodeInterpreterTool
from ._hosted_tools import FileSearchTool as FileSearchTool
from ._hosted_tools import HostedMCPTool as HostedMCPTool
from ._hosted_tools import ImageGenerationTool as ImageGenerationTool
from ._hosted_tools import MCPToolApprovalFunction as MCPToolApprovalFunction
from ._hosted_tools import MCPToolApprovalFunctionResult as MCPToolApprovalFunctionResult
from ._hosted_tools import MCPToolApprovalRequest as MCPToolApprovalRequest
from ._hosted_tools import WebSearchTool as WebSearchTool
from ._items import HandoffCallItem as HandoffCallItem
from ._items import HandoffOutputItem as HandoffOutputItem
from ._items import InputItem as InputItem
from ._items import ItemHelpers as ItemHelpers
from ._items import MCPApprovalRequestItem as MCPApprovalRequestItem
from ._items import MCPApprovalResponseItem as MCPApprovalResponseItem
from ._items import MCPListToolsItem as MCPListToolsItem
from ._items import MessageOutputItem as MessageOutputItem
from ._items import ReasoningItem as ReasoningItem
from ._items import RunItem as RunItem
from ._items import ToolApprovalItem as ToolApprovalItem
from ._items import ToolCallItem as ToolCallItem
from ._items import ToolCallOutputItem as ToolCallOutputItem
from ._items import ToolSearchCallItem as ToolSearchCallItem
from ._items import ToolSearchOutputItem as ToolSearchOutputItem
from ._items import TResponseInputItem as TResponseInputItem
from ._items import TResponseOutputItem as TResponseOutputItem
from ._output_schema import AgentOutputSchema as AgentOutputSchema
from ._output_schema import AgentOutputSchemaBase as AgentOutputSchemaBase
from ._prompts import DynamicPromptFunction as DynamicPromptFunction
from ._prompts import GenerateDynamicPromptData as GenerateDynamicPromptData
from ._prompts import Prompt as Prompt
from ._result import RunResult as RunResult
from ._retry import ModelRetryAdvice as ModelRetryAdvice
from ._retry import ModelRetryAdviceRequest as ModelRetryAdviceRequest
from ._retry import ModelRetryBackoffSettings as ModelRetryBackoffSettings
from ._retry import ModelRetryNormalizedError as ModelRetryNormalizedError
from ._retry import ModelRetrySettings as ModelRetrySettings
from ._retry import RetryDecision as RetryDecision
from ._retry import RetryPolicy as RetryPolicy
from ._retry import RetryPolicyContext as RetryPolicyContext
from ._retry import retry_policies as retry_policies
from ._run_context import AgentHookContext as AgentHookContext
from ._run_context import RunContextWrapper as RunContextWrapper
from ._run_context import TContext as TContext
from ._run_context import ToolContext as ToolContext
from ._run_options import RunOptions as RunOptions
from ._runner import AgentRunner as AgentRunner
from ._runner import Runner as Runner
from ._runner import get_default_agent_runner as get_default_agent_runner
from ._runner import set_default_agent_runner as set_default_agent_runner
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
from ._state import RunState as RunState
from ._streaming import RunResultStreaming as RunResultStreaming
from ._streaming import open_run as open_run
from ._tool_errors import ToolErrorFormatter as ToolErrorFormatter
from ._tool_errors import ToolErrorFormatterArgs as ToolErrorFormatterArgs
from ._tool_errors import ToolNotFoundBehavior as ToolNotFoundBehavior
from ._tool_guardrails import ToolGuardrailFunctionOutput as ToolGuardrailFunctionOutput
from ._tool_guardrails import ToolInputGuardrail as ToolInputGuardrail
from ._tool_guardrails import ToolInputGuardrailData as ToolInputGuardrailData
from ._tool_guardrails import ToolInputGuardrailResult as ToolInputGuardrailResult
from ._tool_guardrails import ToolOutputGuardrail as ToolOutputGuardrail
from ._tool_guardrails import ToolOutputGuardrailData as ToolOutputGuardrailData
from ._tool_guardrails import ToolOutputGuardrailResult as ToolOutputGuardrailResult
from ._tool_guardrails import tool_input_guardrail as tool_input_guardrail
from ._tool_guardrails import tool_output_guardrail as tool_output_guardrail
from ._tool_names import ToolNameCollisionPolicy as ToolNameCollisionPolicy
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
from ._tools import default_tool_error_function as default_tool_error_function
from ._tools import function_tool as function_tool
from ._usage import Usage as Usage
from ._usage_limits import UsageLimits as UsageLimits
from .exceptions import AgentsException as AgentsException
from .exceptions import InputGuardrailTripwireTriggered as InputGuardrailTripwireTriggered
from .exceptions import MaxTurnsExceeded as MaxTurnsExceeded
from .exceptions import MCPToolCancellationError as MCPToolCancellationError
from .exceptions import ModelBehaviorError as ModelBehaviorError
from .exceptions import ModelConnectionError as ModelConnectionError
from .exceptions import ModelProviderError as ModelProviderError
from .exceptions import ModelRateLimitError as ModelRateLimitError
from .exceptions import ModelRefusalError as ModelRefusalError
from .exceptions import ModelTimeoutError as ModelTimeoutError
from .exceptions import OutputGuardrailTripwireTriggered as OutputGuardrailTripwireTriggered
from .exceptions import RunErrorDetails as RunErrorDetails
from .exceptions import RunTimeoutError as RunTimeoutError
from .exceptions import SessionWriteTimeoutError as SessionWriteTimeoutError
from .exceptions import ToolInputGuardrailTripwireTriggered as ToolInputGuardrailTripwireTriggered
from .exceptions import ToolOutputGuardrailTripwireTriggered as ToolOutputGuardrailTripwireTriggered
from .exceptions import ToolTimeoutError as ToolTimeoutError
from .exceptions import UsageLimitExceeded as UsageLimitExceeded
from .exceptions import UserError as UserError
from .handoff_filters import get_conversation_history_wrappers as get_conversation_history_wrappers
from .handoff_filters import (
    reset_conversation_history_wrappers as reset_conversation_history_wrappers,
)
from .handoff_filters import set_conversation_history_wrappers as set_conversation_history_wrappers
from .models._openai_shared import set_default_openai_api as set_default_openai_api
from .models._openai_shared import set_default_openai_client as set_default_openai_client
from .models._openai_shared import set_default_openai_key as set_default_openai_key
from .models.interface import Model as Model
from .models.interface import ModelProvider as ModelProvider
from .models.interface import ModelResponse as ModelResponse
from .models.interface import ModelTracing as ModelTracing
from .models.openai_chat import OpenAIChatCompletionsModel as OpenAIChatCompletionsModel
from .models.openai_responses import OpenAIResponsesModel as OpenAIResponsesModel
from .models.provider import MultiProvider as MultiProvider
from .models.provider import MultiProviderMap as MultiProviderMap
from .models.provider import OpenAIProvider as OpenAIProvider
from .models.settings import ModelSettings as ModelSettings
from .sessions.base import Session as Session
from .sessions.base import SessionSettings as SessionSettings
from .sessions.memory import MemorySession as MemorySession
from .sessions.openai_compaction import (
    OpenAIResponsesCompactionArgs as OpenAIResponsesCompactionArgs,
)
from .sessions.openai_compaction import (
    OpenAIResponsesCompactionAwareSession as OpenAIResponsesCompactionAwareSession,
)
from .sessions.openai_compaction import (
    OpenAIResponsesCompactionSession as OpenAIResponsesCompactionSession,
)
from .sessions.openai_compaction import (
    is_openai_responses_compaction_aware_session as is_openai_responses_compaction_aware_session,
)
from .sessions.openai_conversations import (
    OpenAIConversationsSession as OpenAIConversationsSession,
)
from .sessions.sqlite import SQLiteSession as SQLiteSession
from .tracing import AgentSpanData as AgentSpanData
from .tracing import CustomSpanData as CustomSpanData
from .tracing import FunctionSpanData as FunctionSpanData
from .tracing import GenerationSpanData as GenerationSpanData
from .tracing import GuardrailSpanData as GuardrailSpanData
from .tracing import HandoffSpanData as HandoffSpanData
from .tracing import MCPListToolsSpanData as MCPListToolsSpanData
from .tracing import ResponseSpanData as ResponseSpanData
from .tracing import Span as Span
from .tracing import SpanData as SpanData
from .tracing import SpanError as SpanError
from .tracing import SpeechGroupSpanData as SpeechGroupSpanData
from .tracing import SpeechSpanData as SpeechSpanData
from .tracing import TaskSpanData as TaskSpanData
from .tracing import Trace as Trace
from .tracing import TracingConfig as TracingConfig
from .tracing import TracingProcessor as TracingProcessor
from .tracing import TranscriptionSpanData as TranscriptionSpanData
from .tracing import TurnSpanData as TurnSpanData
from .tracing import add_trace_processor as add_trace_processor
from .tracing import agent_span as agent_span
from .tracing import custom_span as custom_span
from .tracing import enable_verbose_stdout_logging as enable_verbose_stdout_logging
from .tracing import flush_traces as flush_traces
from .tracing import function_span as function_span
from .tracing import gen_span_id as gen_span_id
from .tracing import gen_trace_id as gen_trace_id
from .tracing import generation_span as generation_span
from .tracing import get_current_span as get_current_span
from .tracing import get_current_trace as get_current_trace
from .tracing import guardrail_span as guardrail_span
from .tracing import handoff_span as handoff_span
from .tracing import mcp_tools_span as mcp_tools_span
from .tracing import response_span as response_span
from .tracing import set_trace_processors as set_trace_processors
from .tracing import set_trace_provider as set_trace_provider
from .tracing import set_tracing_disabled as set_tracing_disabled
from .tracing import set_tracing_export_api_key as set_tracing_export_api_key
from .tracing import speech_group_span as speech_group_span
from .tracing import speech_span as speech_span
from .tracing import task_span as task_span
from .tracing import trace as trace
from .tracing import transcription_span as transcription_span
from .tracing import turn_span as turn_span

__version__ = "0.1.0"

__all__ = [
    "Agent",
    "MCPConfig",
    "AgentHookContext",
    "AgentHooks",
    "AgentOutputSchema",
    "AgentOutputSchemaBase",
    "AgentRunner",
    "AgentSpanData",
    "AgentToolStreamEvent",
    "AgentUpdatedStreamEvent",
    "AgentsException",
    "ApplyPatchEditor",
    "ApplyPatchOperation",
    "ApplyPatchResult",
    "ApplyPatchTool",
    "AsyncComputer",
    "Button",
    "CallModelData",
    "CodeInterpreterTool",
    "Computer",
    "ComputerTool",
    "ComputerToolSafetyCheckData",
    "CustomSpanData",
    "DEFAULT_MAX_TURNS",
    "DynamicPromptFunction",
    "Environment",
    "FileSearchTool",
    "FunctionSpanData",
    "FunctionTool",
    "FunctionToolResult",
    "GenerateDynamicPromptData",
    "GenerationSpanData",
    "GuardrailFunctionOutput",
    "GuardrailSpanData",
    "Handoff",
    "HandoffCallItem",
    "HandoffInputData",
    "HandoffOutputItem",
    "HandoffSpanData",
    "HostedMCPTool",
    "ImageGenerationTool",
    "InputGuardrail",
    "InputGuardrailResult",
    "InputGuardrailTripwireTriggered",
    "InputItem",
    "ItemHelpers",
    "LocalShellCommandRequest",
    "LocalShellExecutor",
    "LocalShellTool",
    "MCPApprovalRequestItem",
    "MCPApprovalResponseItem",
    "MCPListToolsItem",
    "MCPListToolsSpanData",
    "MCPToolApprovalFunction",
    "MCPToolApprovalFunctionResult",
    "MCPToolApprovalRequest",
    "MaxTurnsExceeded",
    "MCPToolCancellationError",
    "MemorySession",
    "MessageOutputItem",
    "Model",
    "ModelBehaviorError",
    "ModelConnectionError",
    "ModelInputData",
    "ModelProvider",
    "ModelProviderError",
    "ModelRateLimitError",
    "ModelRefusalError",
    "ModelResponse",
    "ModelRetryAdvice",
    "ModelRetryAdviceRequest",
    "ModelRetryBackoffSettings",
    "ModelRetryNormalizedError",
    "ModelRetrySettings",
    "ModelSettings",
    "ModelTimeoutError",
    "ModelTracing",
    "MultiProvider",
    "MultiProviderMap",
    "OpenAIChatCompletionsModel",
    "OpenAIConversationsSession",
    "OpenAIProvider",
    "OpenAIResponsesCompactionArgs",
    "OpenAIResponsesCompactionAwareSession",
    "OpenAIResponsesCompactionSession",
    "OpenAIResponsesModel",
    "OutputGuardrail",
    "OutputGuardrailBlockedMessage",
    "OutputGuardrailResult",
    "OutputGuardrailTripwireTriggered",
    "Prompt",
    "RawResponsesStreamEvent",
    "ReasoningItem",
    "ReasoningItemIdPolicy",
    "ResponseSpanData",
    "RetryDecision",
    "RetryPolicy",
    "RetryPolicyContext",
    "RunConfig",
    "RunContextWrapper",
    "RunErrorData",
    "RunErrorDetails",
    "RunErrorHandler",
    "RunErrorHandlerInput",
    "RunErrorHandlerResult",
    "RunErrorHandlers",
    "RunHooks",
    "RunItem",
    "RunItemStreamEvent",
    "RunResult",
    "RunOptions",
    "RunResultStreaming",
    "RunState",
    "RunTimeoutError",
    "Runner",
    "SQLiteSession",
    "Session",
    "SessionInputCallback",
    "SessionSettings",
    "SessionWriteTimeoutError",
    "ShellActionRequest",
    "ShellCallData",
    "ShellCallOutcome",
    "ShellCommandOutput",
    "ShellCommandRequest",
    "ShellExecutor",
    "ShellResult",
    "ShellTool",
    "Span",
    "SpanData",
    "SpanError",
    "SpeechGroupSpanData",
    "SpeechSpanData",
    "StopAtTools",
    "StreamEvent",
    "StructuredToolInputBuilder",
    "StructuredToolInputBuilderOptions",
    "TContext",
    "TResponseInputItem",
    "TResponseOutputItem",
    "TaskSpanData",
    "Tool",
    "ToolApprovalItem",
    "ToolCallItem",
    "ToolCallOutputItem",
    "ToolContext",
    "ToolErrorFormatter",
    "ToolErrorFormatterArgs",
    "ToolExecutionConfig",
    "ToolGuardrailFunctionOutput",
    "ToolInputGuardrail",
    "ToolInputGuardrailData",
    "ToolInputGuardrailResult",
    "ToolInputGuardrailTripwireTriggered",
    "ToolNameCollisionPolicy",
    "ToolNotFoundBehavior",
    "ToolOutputFileContent",
    "ToolOutputFileContentDict",
    "ToolOutputGuardrail",
    "ToolOutputGuardrailData",
    "ToolOutputGuardrailResult",
    "ToolOutputGuardrailTripwireTriggered",
    "ToolOutputImage",
    "ToolOutputImageDict",
    "ToolOutputText",
    "ToolOutputTextDict",
    "ToolSearchCallItem",
    "ToolSearchOutputItem",
    "ToolSearchTool",
    "ToolTimeoutError",
    "ToolsToFinalOutputFunction",
    "ToolsToFinalOutputResult",
    "Trace",
    "TracingConfig",
    "TracingProcessor",
    "TranscriptionSpanData",
    "TurnSpanData",
    "Usage",
    "UsageLimitExceeded",
    "UsageLimits",
    "UserError",
    "WebSearchTool",
    "add_trace_processor",
    "agent_span",
    "custom_span",
    "default_tool_error_function",
    "default_tool_input_builder",
    "enable_verbose_stdout_logging",
    "flush_traces",
    "function_span",
    "function_tool",
    "gen_span_id",
    "gen_trace_id",
    "generation_span",
    "get_current_span",
    "get_default_agent_runner",
    "get_conversation_history_wrappers",
    "get_current_trace",
    "guardrail_span",
    "handoff",
    "handoff_span",
    "input_guardrail",
    "is_openai_responses_compaction_aware_session",
    "mcp_tools_span",
    "open_run",
    "output_guardrail",
    "response_span",
    "reset_conversation_history_wrappers",
    "retry_policies",
    "set_conversation_history_wrappers",
    "set_default_agent_runner",
    "set_default_openai_api",
    "set_default_openai_client",
    "set_default_openai_key",
    "set_trace_processors",
    "set_trace_provider",
    "set_tracing_disabled",
    "set_tracing_export_api_key",
    "speech_group_span",
    "speech_span",
    "task_span",
    "tool_input_guardrail",
    "tool_namespace",
    "tool_output_guardrail",
    "trace",
    "transcription_span",
    "turn_span",
]
