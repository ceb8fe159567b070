"""The reference SDK's `agents.decorators` module path: the decorators, with `tool` (the
reference's alias of `function_tool`)."""

from ._guardrails import input_guardrail as input_guardrail
from ._guardrails import output_guardrail as output_guardrail
from ._tool_guardrails import tool_input_guardrail as tool_input_guardrail
from ._tool_guardrails import tool_output_guardrail as tool_output_guardrail
from ._tools import function_tool as function_tool

tool = function_tool
"""`@tool` is `@function_tool`, as in the reference."""

__all__ = [
    "function_tool",
    "input_guardrail",
    "output_guardrail",
    "tool",
    "tool_input_guardrail",
    "tool_output_guardrail",
]
