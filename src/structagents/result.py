"""The reference SDK's `agents.result` module path: run results."""

from ._agent import Agent as Agent
from ._events import StreamEvent as StreamEvent
from ._guardrails import InputGuardrailResult as InputGuardrailResult
from ._guardrails import OutputGuardrailResult as OutputGuardrailResult
from ._items import ItemHelpers as ItemHelpers
from ._items import RunItem as RunItem
from ._items import ToolApprovalItem as ToolApprovalItem
from ._items import ToolCallOutputItem as ToolCallOutputItem
from ._items import TResponseInputItem as TResponseInputItem
from ._output_schema import AgentOutputSchemaBase as AgentOutputSchemaBase
from ._result import RunResult as RunResult
from ._result import ToInputListMode as ToInputListMode
from ._run_context import RunContextWrapper as RunContextWrapper
from ._state import RunState as RunState
from ._streaming import RunResultStreaming as RunResultStreaming
from ._tool_guardrails import ToolInputGuardrailResult as ToolInputGuardrailResult
from ._tool_guardrails import ToolOutputGuardrailResult as ToolOutputGuardrailResult
from .exceptions import AgentsException as AgentsException
from .exceptions import InputGuardrailTripwireTriggered as InputGuardrailTripwireTriggered
from .exceptions import MaxTurnsExceeded as MaxTurnsExceeded
from .exceptions import RunErrorDetails as RunErrorDetails
from .models.interface import ModelResponse as ModelResponse
from .tracing import Trace as Trace

__all__ = [
    "Agent",
    "AgentOutputSchemaBase",
    "AgentsException",
    "InputGuardrailResult",
    "InputGuardrailTripwireTriggered",
    "ItemHelpers",
    "MaxTurnsExceeded",
    "ModelResponse",
    "OutputGuardrailResult",
    "RunContextWrapper",
    "RunErrorDetails",
    "RunItem",
    "RunResult",
    "RunResultStreaming",
    "RunState",
    "StreamEvent",
    "TResponseInputItem",
    "ToInputListMode",
    "ToolApprovalItem",
    "ToolCallOutputItem",
    "ToolInputGuardrailResult",
    "ToolOutputGuardrailResult",
    "Trace",
]
