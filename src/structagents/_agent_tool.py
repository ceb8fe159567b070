"""`Agent.as_tool`: run an agent as a tool of another agent, as a nested run."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypedDict

from pydantic import BaseModel, TypeAdapter, ValidationError

from ._agent_tool_input import (
    StructuredToolInputBuilder,
    schema_summary,
    structured_input,
)
from ._config import DEFAULT_MAX_TURNS, RunConfig, coerce_run_config
from ._events import StreamEvent
from ._hooks import RunHooks
from ._naming import function_style_name
from ._run_context import RunContextWrapper, ToolContext
from ._runner import run_in_context
from ._strict_schema import ensure_strict_json_schema
from ._tools import (
    FunctionTool,
    NeedsApproval,
    default_tool_error_function,
    function_tool,
    handle_tool_errors,
)
from ._usage import Usage
from .exceptions import ModelBehaviorError, UsageLimitExceeded, UserError, UserTypeError

if TYPE_CHECKING:
    from ._agent import Agent
    from ._tool_guardrails import ToolInputGuardrail, ToolOutputGuardrail

__all__ = ["AgentToolStreamEvent", "agent_as_tool"]


class AgentToolStreamEvent(TypedDict):
    """One event of an agent tool's nested run, for `as_tool(on_stream=...)`.

    `tool_call` is the calling `function_call` item (`type`, `call_id`, `name`, `arguments`).
    """

    event: StreamEvent
    agent: Agent[Any]
    tool_call: dict[str, Any] | None


OnStream = Callable[[AgentToolStreamEvent], "Awaitable[None] | None"]


def agent_as_tool(
    agent: Agent[Any],
    *,
    tool_name: str | None,
    tool_description: str | None,
    custom_output_extractor: Callable[[Any], str | Awaitable[str]] | None,
    is_enabled: Any,
    run_config: RunConfig | dict[str, Any] | None,
    max_turns: int | None,
    hooks: RunHooks[Any] | None,
    tool_input_guardrails: list[ToolInputGuardrail[Any]] | None = None,
    tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None = None,
    needs_approval: NeedsApproval = False,
    on_stream: OnStream | None = None,
    parameters: type[Any] | None = None,
    input_builder: StructuredToolInputBuilder | None = None,
    include_input_schema: bool = False,
) -> FunctionTool:
    """See `Agent.as_tool`."""
    config = None if run_config is None else coerce_run_config(run_config)
    name = tool_name or function_style_name(agent.name)

    async def run_nested(ctx: ToolContext[Any], input: str | list[Any]) -> Any:
        usage = Usage()
        try:
            if on_stream is None:
                result: Any = await run_in_context(
                    agent,
                    input,
                    RunContextWrapper(ctx.context, usage),
                    {
                        "max_turns": max_turns or DEFAULT_MAX_TURNS,
                        "hooks": hooks,
                        "run_config": config,
                    },
                )
            else:
                result = await _streamed(
                    agent, input, ctx, usage, max_turns, hooks, config, on_stream
                )
        except UsageLimitExceeded as exc:
            exc.run_data = None  # the calling run reports its own data
            raise
        finally:  # requests made count even when the nested run fails or is cancelled
            ctx.usage.add(usage)
        if result.interruptions:
            raise UserError(
                f"Agent {agent.name!r}, used as a tool, paused for an approval: approvals inside "
                "a nested run are not supported; set needs_approval on the as_tool() instead."
            )
        if custom_output_extractor is None:
            return result.final_output
        output = custom_output_extractor(result)
        return await output if inspect.isawaitable(output) else output

    description = tool_description or agent.handoff_description or ""
    if parameters is None:
        if input_builder is not None or include_input_schema:
            raise UserError(
                f"as_tool({name!r}): input_builder and include_input_schema need parameters=..."
            )

        async def run_agent(ctx: ToolContext[Any], input: str) -> Any:
            """Send `input` to the agent and return its answer.

            Args:
                input: The request for the agent.
            """
            return await run_nested(ctx, input)

        tool = function_tool(
            run_agent,
            name_override=name,
            description_override=description,
            is_enabled=is_enabled,
            tool_input_guardrails=tool_input_guardrails,
            tool_output_guardrails=tool_output_guardrails,
            needs_approval=needs_approval,
        )
    else:
        if not (
            isinstance(parameters, type)
            and (dataclasses.is_dataclass(parameters) or issubclass(parameters, BaseModel))
        ):
            raise UserTypeError(
                f"as_tool({name!r}): parameters must be a dataclass or pydantic model."
            )
        adapter: TypeAdapter[Any] = TypeAdapter(parameters)
        schema = ensure_strict_json_schema(adapter.json_schema())
        summary = schema_summary(schema)
        shown_schema = schema if include_input_schema else None

        async def invoke(ctx: ToolContext[Any], arguments: str) -> Any:
            try:
                parsed = adapter.validate_json(arguments or "{}")
            except ValidationError as exc:
                raise ModelBehaviorError(f"Invalid JSON input for tool {name}: {exc}") from exc
            params = adapter.dump_python(parsed, mode="json")
            input = await structured_input(params, summary, shown_schema, input_builder)
            return await run_nested(ctx, input)

        tool = FunctionTool(
            name=name,
            description=description,
            params_json_schema=schema,
            on_invoke_tool=handle_tool_errors(invoke, default_tool_error_function),
            is_enabled=is_enabled,
            tool_input_guardrails=tool_input_guardrails,
            tool_output_guardrails=tool_output_guardrails,
            needs_approval=needs_approval,
        )
    tool._agent_instance = agent
    return tool


async def _streamed(
    agent: Agent[Any],
    input: str | list[Any],
    ctx: ToolContext[Any],
    usage: Usage,
    max_turns: int | None,
    hooks: RunHooks[Any] | None,
    config: RunConfig | None,
    on_stream: OnStream,
) -> Any:
    """The nested run, streamed, each event handed to `on_stream` (inside the tool's scope)."""
    from ._streaming import open_run

    call = {
        "type": "function_call",
        "call_id": ctx.tool_call_id,
        "name": ctx.tool_name,
        "arguments": ctx.tool_arguments,
    }
    async with open_run(
        agent,
        input,
        context=ctx.context,
        max_turns=max_turns or DEFAULT_MAX_TURNS,
        hooks=hooks,
        run_config=config,
    ) as run:
        try:
            async for event in run.stream_events():
                handled = on_stream({"event": event, "agent": agent, "tool_call": call})
                if inspect.isawaitable(handled):
                    await handled
        finally:
            usage.add(run.context_wrapper.usage)
    return run
