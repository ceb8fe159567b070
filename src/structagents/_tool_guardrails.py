"""Tool guardrails: checks that run before a function tool's call and after its output."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypedDict, overload

from typing_extensions import TypeVar

from ._run_context import ToolContext
from .exceptions import UserError

if TYPE_CHECKING:
    from ._agent import Agent

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


class RejectContentBehavior(TypedDict):
    """Do not use the call (or its output): the model gets `message` instead; the run goes on."""

    type: Literal["reject_content"]
    message: str


class RaiseExceptionBehavior(TypedDict):
    """Stop the run with a `Tool...GuardrailTripwireTriggered` error."""

    type: Literal["raise_exception"]


class AllowBehavior(TypedDict):
    """Let the call (or its output) through unchanged."""

    type: Literal["allow"]


@dataclass
class ToolGuardrailFunctionOutput:
    """What a tool guardrail decided: `behavior`, plus any `output_info` about its checks."""

    output_info: Any
    behavior: RejectContentBehavior | RaiseExceptionBehavior | AllowBehavior = field(
        default_factory=lambda: AllowBehavior(type="allow")
    )

    @classmethod
    def allow(cls, output_info: Any = None) -> ToolGuardrailFunctionOutput:
        """Let the tool run (input) or its output through (output)."""
        return cls(output_info=output_info, behavior=AllowBehavior(type="allow"))

    @classmethod
    def reject_content(cls, message: str, output_info: Any = None) -> ToolGuardrailFunctionOutput:
        """Skip the tool (input) or replace its output (output) with `message` for the model."""
        return cls(
            output_info=output_info,
            behavior=RejectContentBehavior(type="reject_content", message=message),
        )

    @classmethod
    def raise_exception(cls, output_info: Any = None) -> ToolGuardrailFunctionOutput:
        """Stop the run: the turn's other tool calls are cancelled and the tripwire raised."""
        return cls(output_info=output_info, behavior=RaiseExceptionBehavior(type="raise_exception"))


@dataclass
class ToolInputGuardrailData:
    """What a tool input guardrail sees: the call's context (name, id, arguments) and agent."""

    context: ToolContext[Any]
    agent: Agent[Any]


@dataclass
class ToolOutputGuardrailData(ToolInputGuardrailData):
    """What a tool output guardrail sees: the input data plus the tool's output."""

    output: Any


TContext_co = TypeVar("TContext_co", bound=Any, covariant=True, default=Any)
_Decision: TypeAlias = "ToolGuardrailFunctionOutput | Awaitable[ToolGuardrailFunctionOutput]"


async def _decide(function: Callable[[Any], Any], data: Any) -> ToolGuardrailFunctionOutput:
    result = function(data)
    if inspect.isawaitable(result):
        result = await result
    if not isinstance(result, ToolGuardrailFunctionOutput):
        raise UserError(
            f"Tool guardrail {getattr(function, '__name__', function)!r} returned "
            f"{type(result).__name__}; return ToolGuardrailFunctionOutput.allow(), "
            ".reject_content(message) or .raise_exception()."
        )
    return result


@dataclass
class ToolInputGuardrail(Generic[TContext_co]):
    """Runs before a function tool is called. Usually made with `@tool_input_guardrail`."""

    guardrail_function: Callable[[ToolInputGuardrailData], _Decision]
    name: str | None = None

    def get_name(self) -> str:
        return self.name or self.guardrail_function.__name__

    async def run(self, data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        return await _decide(self.guardrail_function, data)


@dataclass
class ToolOutputGuardrail(Generic[TContext_co]):
    """Runs on a function tool's output. Usually made with `@tool_output_guardrail`."""

    guardrail_function: Callable[[ToolOutputGuardrailData], _Decision]
    name: str | None = None

    def get_name(self) -> str:
        return self.name or self.guardrail_function.__name__

    async def run(self, data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
        return await _decide(self.guardrail_function, data)


@dataclass
class ToolInputGuardrailResult:
    """A tool input guardrail that ran, and what it decided."""

    guardrail: ToolInputGuardrail[Any]
    output: ToolGuardrailFunctionOutput


@dataclass
class ToolOutputGuardrailResult:
    """A tool output guardrail that ran, and what it decided."""

    guardrail: ToolOutputGuardrail[Any]
    output: ToolGuardrailFunctionOutput


_InputFunction: TypeAlias = Callable[[ToolInputGuardrailData], _Decision]
_OutputFunction: TypeAlias = Callable[[ToolOutputGuardrailData], _Decision]


@overload
def tool_input_guardrail(func: _InputFunction) -> ToolInputGuardrail[Any]: ...


@overload
def tool_input_guardrail(
    *, name: str | None = None
) -> Callable[[_InputFunction], ToolInputGuardrail[Any]]: ...


def tool_input_guardrail(
    func: _InputFunction | None = None, *, name: str | None = None
) -> ToolInputGuardrail[Any] | Callable[[_InputFunction], ToolInputGuardrail[Any]]:
    """Make a `ToolInputGuardrail` from a sync or async function of `ToolInputGuardrailData`."""

    def decorate(f: _InputFunction) -> ToolInputGuardrail[Any]:
        return ToolInputGuardrail(guardrail_function=f, name=name or f.__name__)

    return decorate if func is None else decorate(func)


@overload
def tool_output_guardrail(func: _OutputFunction) -> ToolOutputGuardrail[Any]: ...


@overload
def tool_output_guardrail(
    *, name: str | None = None
) -> Callable[[_OutputFunction], ToolOutputGuardrail[Any]]: ...


def tool_output_guardrail(
    func: _OutputFunction | None = None, *, name: str | None = None
) -> ToolOutputGuardrail[Any] | Callable[[_OutputFunction], ToolOutputGuardrail[Any]]:
    """Make a `ToolOutputGuardrail` from a sync or async function of `ToolOutputGuardrailData`."""

    def decorate(f: _OutputFunction) -> ToolOutputGuardrail[Any]:
        return ToolOutputGuardrail(guardrail_function=f, name=name or f.__name__)

    return decorate if func is None else decorate(func)
