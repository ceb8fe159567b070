"""Input and output guardrails: checks that can stop a run with a tripwire."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, overload

from ._run_context import RunContextWrapper, TContext
from .exceptions import UserError

if TYPE_CHECKING:
    from ._agent import Agent
    from ._items import TResponseInputItem

__all__ = [
    "GuardrailFunctionOutput",
    "InputGuardrail",
    "InputGuardrailResult",
    "OutputGuardrail",
    "OutputGuardrailResult",
    "input_guardrail",
    "output_guardrail",
]


@dataclass
class GuardrailFunctionOutput:
    """What a guardrail function returns. `tripwire_triggered=True` stops the run."""

    output_info: Any
    tripwire_triggered: bool


InputGuardrailFunction: TypeAlias = Callable[
    [RunContextWrapper[Any], "Agent[Any]", "str | list[TResponseInputItem]"],
    "GuardrailFunctionOutput | Awaitable[GuardrailFunctionOutput]",
]
OutputGuardrailFunction: TypeAlias = Callable[
    [RunContextWrapper[Any], "Agent[Any]", Any],
    "GuardrailFunctionOutput | Awaitable[GuardrailFunctionOutput]",
]


@dataclass
class InputGuardrailResult:
    """The outcome of one input guardrail."""

    guardrail: InputGuardrail[Any]
    output: GuardrailFunctionOutput


@dataclass
class OutputGuardrailResult:
    """The outcome of one output guardrail."""

    guardrail: OutputGuardrail[Any]
    agent_output: Any
    agent: Agent[Any]
    output: GuardrailFunctionOutput


@dataclass
class InputGuardrail(Generic[TContext]):
    """Checks the run's input. Runs on the first turn, for the starting agent only.

    With `run_in_parallel=True` (the default) it races the first model call: a tripwire cancels
    that call, and the first turn's tools wait until every guardrail has passed. With
    `run_in_parallel=False` it finishes before the model is called at all.
    """

    guardrail_function: InputGuardrailFunction
    name: str | None = None
    run_in_parallel: bool = True

    def get_name(self) -> str:
        return self.name or str(getattr(self.guardrail_function, "__name__", "input_guardrail"))

    async def run(
        self,
        agent: Agent[Any],
        input: str | list[TResponseInputItem],
        context: RunContextWrapper[TContext],
    ) -> InputGuardrailResult:
        output = await _call(self.guardrail_function, context, agent, input)
        return InputGuardrailResult(guardrail=self, output=output)


@dataclass
class OutputGuardrail(Generic[TContext]):
    """Checks the final output of the agent that produced it. All run concurrently."""

    guardrail_function: OutputGuardrailFunction
    name: str | None = None

    def get_name(self) -> str:
        return self.name or str(getattr(self.guardrail_function, "__name__", "output_guardrail"))

    async def run(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], agent_output: Any
    ) -> OutputGuardrailResult:
        output = await _call(self.guardrail_function, context, agent, agent_output)
        return OutputGuardrailResult(
            guardrail=self, agent_output=agent_output, agent=agent, output=output
        )


async def _call(function: Callable[..., Any], *args: Any) -> GuardrailFunctionOutput:
    result = function(*args)
    if inspect.isawaitable(result):
        result = await result
    if not isinstance(result, GuardrailFunctionOutput):
        name = getattr(function, "__name__", repr(function))
        raise UserError(
            f"Guardrail {name!r} returned {type(result).__name__}; "
            "it must return GuardrailFunctionOutput(output_info=..., tripwire_triggered=...)."
        )
    return result


@overload
def input_guardrail(func: InputGuardrailFunction) -> InputGuardrail[Any]: ...


@overload
def input_guardrail(
    *, name: str | None = None, run_in_parallel: bool = True
) -> Callable[[InputGuardrailFunction], InputGuardrail[Any]]: ...


def input_guardrail(
    func: InputGuardrailFunction | None = None,
    *,
    name: str | None = None,
    run_in_parallel: bool = True,
) -> InputGuardrail[Any] | Callable[[InputGuardrailFunction], InputGuardrail[Any]]:
    """Make an `InputGuardrail` from a `(ctx, agent, input)` function, sync or async."""

    def decorate(fn: InputGuardrailFunction) -> InputGuardrail[Any]:
        return InputGuardrail(guardrail_function=fn, name=name, run_in_parallel=run_in_parallel)

    return decorate if func is None else decorate(func)


@overload
def output_guardrail(func: OutputGuardrailFunction) -> OutputGuardrail[Any]: ...


@overload
def output_guardrail(
    *, name: str | None = None
) -> Callable[[OutputGuardrailFunction], OutputGuardrail[Any]]: ...


def output_guardrail(
    func: OutputGuardrailFunction | None = None, *, name: str | None = None
) -> OutputGuardrail[Any] | Callable[[OutputGuardrailFunction], OutputGuardrail[Any]]:
    """Make an `OutputGuardrail` from a `(ctx, agent, output)` function, sync or async."""

    def decorate(fn: OutputGuardrailFunction) -> OutputGuardrail[Any]:
        return OutputGuardrail(guardrail_function=fn, name=name)

    return decorate if func is None else decorate(func)
