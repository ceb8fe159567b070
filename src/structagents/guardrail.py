"""The reference SDK's `agents.guardrail` module path: input and output guardrails."""

from ._guardrails import GuardrailFunctionOutput as GuardrailFunctionOutput
from ._guardrails import InputGuardrail as InputGuardrail
from ._guardrails import InputGuardrailResult as InputGuardrailResult
from ._guardrails import OutputGuardrail as OutputGuardrail
from ._guardrails import OutputGuardrailResult as OutputGuardrailResult
from ._guardrails import input_guardrail as input_guardrail
from ._guardrails import output_guardrail as output_guardrail
from ._items import TResponseInputItem as TResponseInputItem
from ._run_context import RunContextWrapper as RunContextWrapper
from .exceptions import UserError as UserError

__all__ = [
    "GuardrailFunctionOutput",
    "InputGuardrail",
    "InputGuardrailResult",
    "OutputGuardrail",
    "OutputGuardrailResult",
    "RunContextWrapper",
    "TResponseInputItem",
    "UserError",
    "input_guardrail",
    "output_guardrail",
]
