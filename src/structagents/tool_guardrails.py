"""The reference SDK's `agents.tool_guardrails` module path: tool input and output guardrails."""

from ._tool_guardrails import AllowBehavior as AllowBehavior
from ._tool_guardrails import RaiseExceptionBehavior as RaiseExceptionBehavior
from ._tool_guardrails import RejectContentBehavior as RejectContentBehavior
from ._tool_guardrails import ToolGuardrailFunctionOutput as ToolGuardrailFunctionOutput
from ._tool_guardrails import ToolInputGuardrail as ToolInputGuardrail
from ._tool_guardrails import ToolInputGuardrailData as ToolInputGuardrailData
from ._tool_guardrails import ToolInputGuardrailResult as ToolInputGuardrailResult
from ._tool_guardrails import ToolOutputGuardrail as ToolOutputGuardrail
from ._tool_guardrails import ToolOutputGuardrailData as ToolOutputGuardrailData
from ._tool_guardrails import ToolOutputGuardrailResult as ToolOutputGuardrailResult
from ._tool_guardrails import tool_input_guardrail as tool_input_guardrail
from ._tool_guardrails import tool_output_guardrail as tool_output_guardrail

__all__ = [
    "AllowBehavior",
    "RaiseExceptionBehavior",
    "RejectContentBehavior",
    "ToolGuardrailFunctionOutput",
    "ToolInputGuardrail",
    "ToolInputGuardrailData",
    "ToolInputGuardrailResult",
    "ToolOutputGuardrail",
    "ToolOutputGuardrailData",
    "ToolOutputGuardrailResult",
    "tool_input_guardrail",
    "tool_output_guardrail",
]
