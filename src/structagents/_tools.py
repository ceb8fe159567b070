"""Function tools: `FunctionTool` and the `function_tool` decorator."""

from __future__ import annotations

import copy
import functools
import inspect
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar, overload

import anyio

from ._function_schema import function_schema
from ._run_context import RunContextWrapper, ToolContext
from ._strict_schema import ensure_strict_json_schema
from ._tool_invoker import FunctionInvoker, report_tool_error
from ._tool_signature import check_tool_name
from .exceptions import UserTypeError, UserValueError

if TYPE_CHECKING:
    from ._agent import Agent
    from ._computer import ComputerTool
    from ._editor import ApplyPatchTool
    from ._hosted_tools import (
        CodeInterpreterTool,
        FileSearchTool,
        HostedMCPTool,
        ImageGenerationTool,
        WebSearchTool,
    )
    from ._items import RunItem
    from ._shell_tools import LocalShellTool, ShellTool
    from ._tool_guardrails import ToolInputGuardrail, ToolOutputGuardrail
    from ._tool_search import ToolSearchTool

__all__ = [
    "FunctionTool",
    "FunctionToolResult",
    "Tool",
    "ToolErrorFunction",
    "ToolTimeoutBehavior",
    "default_tool_error_function",
    "default_tool_timeout_error_message",
    "function_tool",
]

_T = TypeVar("_T")

ToolErrorFunction: TypeAlias = Callable[[RunContextWrapper[Any], Exception], "str | Awaitable[str]"]
"""Turns an exception raised by a tool into the message the model receives."""

ToolTimeoutBehavior: TypeAlias = Literal["error_as_result", "raise_exception"]
NeedsApproval: TypeAlias = (
    "bool | Callable[[RunContextWrapper[Any], dict[str, Any], str], bool | Awaitable[bool]]"
)
"""Whether a call waits for a human: a bool, or a function of (ctx, arguments, call_id)."""
IsEnabled: TypeAlias = (
    "bool | Callable[[RunContextWrapper[Any], Agent[Any]], bool | Awaitable[bool]]"
)


async def resolve_is_enabled(
    is_enabled: IsEnabled, ctx: RunContextWrapper[Any], agent: Agent[Any]
) -> bool:
    """Evaluate an `is_enabled` setting: a bool, or a sync or async function of (ctx, agent)."""
    if isinstance(is_enabled, bool):
        return is_enabled
    result = is_enabled(ctx, agent)
    return bool(await result if inspect.isawaitable(result) else result)


async def filter_enabled(items: Sequence[_T], check: Callable[[_T], Awaitable[bool]]) -> list[_T]:
    """The `items` whose `check` passes, in order; the checks run concurrently, as the
    reference runs `is_enabled` callbacks. The first error cancels the others and is raised."""
    flags = [False] * len(items)
    errors: list[BaseException] = []
    async with anyio.create_task_group() as tg:

        async def run(index: int) -> None:
            try:
                flags[index] = await check(items[index])
            except BaseException as exc:
                if isinstance(exc, anyio.get_cancelled_exc_class()):
                    raise
                errors.append(exc)
                tg.cancel_scope.cancel()

        for index in range(len(items)):
            tg.start_soon(run, index)
    if errors:
        raise errors[0]
    return [item for item, flag in zip(items, flags, strict=True) if flag]


def default_tool_error_function(ctx: RunContextWrapper[Any], error: Exception) -> str:
    """The message the model receives when a tool raises: the error text, so it can retry."""
    return f"An error occurred while running the tool. Please try again. Error: {error}"


def default_tool_timeout_error_message(*, tool_name: str, timeout_seconds: float) -> str:
    """The message the model receives when a tool times out."""
    return f"Tool '{tool_name}' timed out after {timeout_seconds:g} seconds."


@dataclass(eq=False)
class FunctionTool:
    """A tool the model can call. Usually made with `@function_tool`.

    `on_invoke_tool(ctx, arguments_json)` runs the tool; its return value is the tool's output.
    Exceptions it raises fail the run, so handle the ones the model should see yourself (the
    `function_tool` decorator does this with `failure_error_function`).
    """

    name: str
    description: str
    params_json_schema: dict[str, Any]
    on_invoke_tool: Callable[[ToolContext[Any], str], Awaitable[Any]]
    strict_json_schema: bool = True
    is_enabled: IsEnabled = True
    tool_input_guardrails: list[ToolInputGuardrail[Any]] | None = None
    tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None = None
    timeout_seconds: float | None = None
    timeout_behavior: ToolTimeoutBehavior = "error_as_result"
    timeout_error_function: ToolErrorFunction | None = None
    needs_approval: NeedsApproval = False
    """Whether a call waits for a human's `approve` / `reject` before it runs (the run ends
    with `interruptions` and resumes from its `RunState`)."""
    defer_loading: bool = False
    """Whether the Responses API hides this tool until the model loads it with tool search
    (`ToolSearchTool`)."""
    _agent_instance: Any = field(default=None, kw_only=True, repr=False)
    """The agent behind an `Agent.as_tool` tool (lets a saved `RunState` find it by name)."""
    _tool_namespace: str | None = field(default=None, kw_only=True, repr=False)
    """The namespace `tool_namespace()` put the tool in (Responses tool search)."""
    _tool_namespace_description: str | None = field(default=None, kw_only=True, repr=False)

    def __post_init__(self) -> None:
        _check_timeout(
            self.name, self.timeout_seconds, self.timeout_behavior, self.timeout_error_function
        )
        if not (isinstance(self.needs_approval, bool) or callable(self.needs_approval)):
            raise UserTypeError(
                f"Tool {self.name!r}: needs_approval must be a bool or a function "
                f"(ctx, arguments, call_id) -> bool, not {self.needs_approval!r}."
            )
        if not isinstance(self.params_json_schema, dict):
            raise UserTypeError(
                f"Tool {self.name!r}: params_json_schema must be a JSON schema dict, "
                f"not {type(self.params_json_schema).__name__}."
            )
        if isinstance(self.on_invoke_tool, FunctionInvoker):
            self.on_invoke_tool = self.on_invoke_tool.bind(self)
        if self.strict_json_schema:  # a hand-written schema too, as the reference does
            self.params_json_schema = ensure_strict_json_schema(
                copy.deepcopy(self.params_json_schema)
            )

    def __copy__(self) -> FunctionTool:
        """A shallow copy whose invoker runs against the copy (a subclass's bound method too)."""
        copied = object.__new__(type(self))
        copied.__dict__.update(self.__dict__)
        invoker = self.on_invoke_tool
        if inspect.ismethod(invoker) and invoker.__self__ is self:
            copied.on_invoke_tool = invoker.__func__.__get__(copied, type(copied))
        elif isinstance(invoker, FunctionInvoker):
            copied.on_invoke_tool = invoker.bind(copied)
        return copied

    async def enabled_for(self, ctx: RunContextWrapper[Any], agent: Agent[Any]) -> bool:
        """Whether the model is offered this tool in the current turn."""
        return await resolve_is_enabled(self.is_enabled, ctx, agent)

    @property
    def qualified_name(self) -> str:
        """`namespace.name` for a tool in a `tool_namespace()`, else the name."""
        return f"{self._tool_namespace}.{self.name}" if self._tool_namespace else self.name


Tool: TypeAlias = (
    "FunctionTool | FileSearchTool | WebSearchTool | ComputerTool[Any] | HostedMCPTool "
    "| ShellTool | ApplyPatchTool | LocalShellTool | ImageGenerationTool | CodeInterpreterTool "
    "| ToolSearchTool"
)
"""Any tool an agent can hold: function tools (run here), hosted tools (run by the service) and
client-side built-ins (computer, shell, apply_patch: the service asks, your code runs them)."""


@functools.cache
def tool_types() -> tuple[type[Any], ...]:
    """Every tool class an agent accepts."""
    from ._computer import ComputerTool
    from ._editor import ApplyPatchTool
    from ._hosted_tools import (
        CodeInterpreterTool,
        FileSearchTool,
        HostedMCPTool,
        ImageGenerationTool,
        WebSearchTool,
    )
    from ._shell_tools import LocalShellTool, ShellTool
    from ._tool_search import ToolSearchTool

    return (
        FunctionTool,
        FileSearchTool,
        WebSearchTool,
        ComputerTool,
        HostedMCPTool,
        ShellTool,
        ApplyPatchTool,
        LocalShellTool,
        ImageGenerationTool,
        CodeInterpreterTool,
        ToolSearchTool,
    )


@dataclass
class FunctionToolResult:
    """A tool call's result, as `tool_use_behavior` functions see it."""

    tool: FunctionTool
    output: Any
    run_item: RunItem


@overload
def function_tool(
    func: Callable[..., Any],
    *,
    name_override: str | None = None,
    description_override: str | None = None,
    use_docstring_info: bool = True,
    failure_error_function: ToolErrorFunction | None = default_tool_error_function,
    strict_mode: bool = True,
    is_enabled: IsEnabled = True,
    tool_input_guardrails: list[ToolInputGuardrail[Any]] | None = None,
    tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None = None,
    timeout: float | None = None,
    timeout_behavior: ToolTimeoutBehavior = "error_as_result",
    timeout_error_function: ToolErrorFunction | None = None,
    needs_approval: NeedsApproval = False,
    defer_loading: bool = False,
) -> FunctionTool: ...


@overload
def function_tool(
    *,
    name_override: str | None = None,
    description_override: str | None = None,
    use_docstring_info: bool = True,
    failure_error_function: ToolErrorFunction | None = default_tool_error_function,
    strict_mode: bool = True,
    is_enabled: IsEnabled = True,
    tool_input_guardrails: list[ToolInputGuardrail[Any]] | None = None,
    tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None = None,
    timeout: float | None = None,
    timeout_behavior: ToolTimeoutBehavior = "error_as_result",
    timeout_error_function: ToolErrorFunction | None = None,
    needs_approval: NeedsApproval = False,
    defer_loading: bool = False,
) -> Callable[[Callable[..., Any]], FunctionTool]: ...


def function_tool(
    func: Callable[..., Any] | None = None,
    *,
    name_override: str | None = None,
    description_override: str | None = None,
    use_docstring_info: bool = True,
    failure_error_function: ToolErrorFunction | None = default_tool_error_function,
    strict_mode: bool = True,
    is_enabled: IsEnabled = True,
    tool_input_guardrails: list[ToolInputGuardrail[Any]] | None = None,
    tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None = None,
    timeout: float | None = None,
    timeout_behavior: ToolTimeoutBehavior = "error_as_result",
    timeout_error_function: ToolErrorFunction | None = None,
    needs_approval: NeedsApproval = False,
    defer_loading: bool = False,
) -> FunctionTool | Callable[[Callable[..., Any]], FunctionTool]:
    """Make a `FunctionTool` from a sync or async function; use with or without arguments.

    The schema comes from the signature (validated by pydantic) and the docstring. A first
    parameter typed `RunContextWrapper` or `ToolContext` receives the run context. Sync functions
    run in a worker thread. When the function raises, `failure_error_function` turns the error
    into the message the model sees (pass `None` to fail the run instead). Invalid arguments
    from the model take the same path. `timeout` (seconds) cancels the call; by default the
    model is then told it timed out and the run goes on. `tool_input_guardrails` run before
    each call and `tool_output_guardrails` on its output, inside the call's timeout.
    `needs_approval` (a bool, or a sync or async `fn(ctx, arguments: dict, call_id) -> bool`)
    makes calls wait for a human. `defer_loading=True` hides the tool from the Responses API
    until the model loads it with `ToolSearchTool()`.
    """

    def decorate(fn: Callable[..., Any]) -> FunctionTool:
        schema = function_schema(
            fn,
            name_override=name_override,
            description_override=description_override,
            use_docstring_info=use_docstring_info,
            strict_json_schema=strict_mode,
        )
        check_tool_name(schema.name, fn)
        _check_timeout(schema.name, timeout, timeout_behavior, timeout_error_function)
        on_invoke_tool = FunctionInvoker(fn, schema, failure_error_function)

        return FunctionTool(
            name=schema.name,
            description=schema.description or "",
            params_json_schema=schema.params_json_schema,
            on_invoke_tool=on_invoke_tool,
            strict_json_schema=strict_mode,
            is_enabled=is_enabled,
            tool_input_guardrails=tool_input_guardrails,
            tool_output_guardrails=tool_output_guardrails,
            timeout_seconds=timeout,
            timeout_behavior=timeout_behavior,
            timeout_error_function=timeout_error_function,
            needs_approval=needs_approval,
            defer_loading=defer_loading,
        )

    return decorate if func is None else decorate(func)


def handle_tool_errors(
    invoke: Callable[[ToolContext[Any], str], Awaitable[Any]],
    failure_error_function: ToolErrorFunction | None,
) -> Callable[[ToolContext[Any], str], Awaitable[Any]]:
    """`invoke`, with the exceptions it raises turned into the model's message by
    `failure_error_function` (`None`: they propagate and fail the run)."""

    async def on_invoke_tool(ctx: ToolContext[Any], arguments: str) -> Any:
        try:
            return await invoke(ctx, arguments)
        except BaseException as exc:
            return await report_tool_error(ctx, exc, failure_error_function)

    return on_invoke_tool


def _check_timeout(name: str, timeout: float | None, behavior: str, on_timeout: object) -> None:
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise UserTypeError(
                f"Tool {name!r}: timeout must be a positive number of seconds, not {timeout!r}."
            )
        if not (timeout > 0 and math.isfinite(timeout)):
            raise UserValueError(
                f"Tool {name!r}: timeout must be a finite number of seconds greater than 0, "
                f"not {timeout!r}."
            )
    if behavior not in ("error_as_result", "raise_exception"):
        raise UserValueError(
            f"Tool {name!r}: timeout_behavior must be one of 'error_as_result', "
            f"'raise_exception'; not {behavior!r}."
        )
    if on_timeout is not None and not callable(on_timeout):
        raise UserTypeError(
            f"Tool {name!r}: timeout_error_function must be callable, a function "
            f"(ctx, error) -> str, or None; not {on_timeout!r}."
        )
