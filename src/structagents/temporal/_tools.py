"""`activity_as_tool`: a Temporal activity the model can call, run durably by the worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.common import RetryPolicy
from temporalio.workflow import ActivityCancellationType

from .._function_schema import function_schema
from .._tool_invoker import FunctionInvoker
from .._tools import FunctionTool, ToolErrorFunction, default_tool_error_function
from ..exceptions import UserError
from ._activities import execute_activity

__all__ = ["activity_as_tool"]


def activity_as_tool(
    fn: Callable[..., Any],
    *,
    start_to_close_timeout: timedelta | None = timedelta(seconds=60),
    retry_policy: RetryPolicy | None = None,
    heartbeat_timeout: timedelta | None = None,
    task_queue: str | None = None,
    cancellation_type: ActivityCancellationType = ActivityCancellationType.TRY_CANCEL,
    name_override: str | None = None,
    description_override: str | None = None,
    strict_mode: bool = True,
    failure_error_function: ToolErrorFunction | None = default_tool_error_function,
) -> FunctionTool:
    """A `FunctionTool` whose calls run the `@activity.defn` function `fn` as activities.

    The schema comes from `fn`'s signature and docstring, as for `function_tool`; the model's
    arguments are validated in the workflow and passed to the activity positionally (so `fn`
    takes no keyword-only parameters and no run context). Completed calls are in the
    workflow's history: after a worker crash they are replayed, never run again. A cancelled
    run cancels the activity (it learns of it at its next heartbeat). Failures reach the model
    through `failure_error_function`, as for any tool (None: they fail the run).
    """
    if activity._Definition.from_callable(fn) is None:
        raise UserError(
            f"activity_as_tool needs a function decorated with @activity.defn, not {fn!r}."
        )
    schema = function_schema(
        fn,
        name_override=name_override,
        description_override=description_override,
        strict_json_schema=strict_mode,
    )
    if schema.takes_context or any(
        p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in schema.signature.parameters.values()
    ):
        raise UserError(
            f"activity_as_tool({schema.name}): an activity takes positional arguments only "
            "(no run context, no keyword-only parameters)."
        )

    async def run_as_activity(*args: Any) -> Any:
        return await execute_activity(
            fn,
            *args,
            start_to_close_timeout=start_to_close_timeout,
            retry_policy=retry_policy,
            heartbeat_timeout=heartbeat_timeout,
            task_queue=task_queue,
            cancellation_type=cancellation_type,
        )

    return FunctionTool(
        name=schema.name,
        description=schema.description or "",
        params_json_schema=schema.params_json_schema,
        on_invoke_tool=FunctionInvoker(run_as_activity, schema, failure_error_function),
        strict_json_schema=strict_mode,
    )
