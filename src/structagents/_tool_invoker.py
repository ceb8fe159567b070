"""How a decorated function runs as a tool: arguments validated, errors turned into messages."""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread
from pydantic import ValidationError

from ._function_schema import FuncSchema, callable_target
from .exceptions import ModelBehaviorError, UsageLimitExceeded
from .tracing._errors import mark_tool_span_failed

if TYPE_CHECKING:
    from ._run_context import RunContextWrapper, ToolContext
    from ._tools import FunctionTool

__all__ = ["FunctionInvoker", "ToolCancelledError", "as_tool_error", "report_tool_error"]

ErrorFunction = Callable[["RunContextWrapper[Any]", Exception], "str | Awaitable[str]"]


class ToolCancelledError(RuntimeError):
    """A tool raised `CancelledError` itself while the run was not being cancelled.

    This is the tool's error (what its `failure_error_function` receives), not cancellation.
    """

    def __init__(self, cancelled_error: BaseException) -> None:
        super().__init__(str(cancelled_error) or "Tool execution cancelled.")
        self.cancelled_error = cancelled_error


def as_tool_error(exc: BaseException) -> Exception | None:
    """The error a tool's exception stands for: an ordinary exception itself, a
    `CancelledError` the tool raised on its own a `ToolCancelledError`; `None` for real
    cancellation, process-stopping exceptions and run-wide limits, which propagate as they are."""
    if isinstance(exc, UsageLimitExceeded):
        return None  # a run-wide limit (an agent tool's nested run), not the tool's error
    if isinstance(exc, Exception):
        return exc
    if isinstance(exc, asyncio.CancelledError) and not _is_being_cancelled():
        return ToolCancelledError(exc)
    return None


def _is_being_cancelled() -> bool:
    if anyio.current_effective_deadline() <= anyio.current_time():
        return True  # a cancelled or expired scope: -inf or a deadline in the past
    if anyio.get_cancelled_exc_class() is asyncio.CancelledError:
        task = asyncio.current_task()
        cancelling = getattr(task, "cancelling", None)  # a plain task.cancel() (Python 3.11+)
        return cancelling is not None and cancelling() > 0
    return False


async def report_tool_error(
    ctx: RunContextWrapper[Any], exc: BaseException, failure_error_function: ErrorFunction | None
) -> Any:
    """The model's message for the error `exc` a tool raised (call inside its `except`).

    Re-raises what is not the tool's error (cancellation), and the error itself when
    `failure_error_function` is `None`.
    """
    error = as_tool_error(exc)
    if error is None:
        raise exc
    if failure_error_function is None:
        if error is exc:
            raise exc
        raise error from exc
    config = getattr(ctx, "run_config", None)
    include = config is None or config.trace_include_sensitive_data
    mark_tool_span_failed(error, include_message=include)
    message = failure_error_function(ctx, error)
    return await message if inspect.isawaitable(message) else message


class FunctionInvoker:
    """The `on_invoke_tool` of a decorated function.

    Validates the model's JSON arguments, calls the function (a sync one in a worker thread)
    and turns its errors into the model's message with `failure_error_function`. It is bound to
    the tool that holds it, so a copy of the tool (`copy.copy`, `dataclasses.replace`) reports
    its own name.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        schema: FuncSchema,
        failure_error_function: ErrorFunction | None,
        tool: FunctionTool | None = None,
    ) -> None:
        self.fn = fn
        self.schema = schema
        self.failure_error_function = failure_error_function
        self.tool = tool
        self.is_async = inspect.iscoroutinefunction(callable_target(fn))

    def bind(self, tool: FunctionTool) -> FunctionInvoker:
        """This invoker for `tool` (itself when already bound to it)."""
        if self.tool is tool:
            return self
        return FunctionInvoker(self.fn, self.schema, self.failure_error_function, tool)

    async def __call__(self, ctx: ToolContext[Any], arguments: str) -> Any:
        try:
            try:
                # The model's validator itself: `model_validate_json` adds ~1 µs a call.
                validator = self.schema.params_pydantic_model.__pydantic_validator__
                data = validator.validate_json(arguments or "{}")
            except ValidationError as exc:
                raise self._invalid_arguments(arguments, exc) from exc
            args, kwargs = self.schema.to_call_args(data)
            if self.schema.takes_context:
                args.insert(0, ctx)
            if self.is_async:
                return await self.fn(*args, **kwargs)
            return await anyio.to_thread.run_sync(functools.partial(self.fn, *args, **kwargs))
        except BaseException as exc:
            return await report_tool_error(ctx, exc, self.failure_error_function)

    def _invalid_arguments(self, arguments: str, exc: ValidationError) -> ModelBehaviorError:
        name = self.tool.name if self.tool is not None else self.schema.name
        if not (arguments or "{}").lstrip().startswith("{"):
            return ModelBehaviorError(
                f"Invalid JSON input for tool {name}: expected a JSON object of arguments, "
                f"got {arguments[:200]}"
            )
        return ModelBehaviorError(f"Invalid JSON input for tool {name}: {exc}")
