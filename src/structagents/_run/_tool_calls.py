"""Tool calls of every kind, as the tool phase runs them: one class per kind.

The tool phase (`_tool_exec`) runs every call the same way: its own cancel scope under the
shared limiter, the timeout, guardrails, hooks. A kind only says which tool answers a call
item, how to run it (`invoke`) and how its output goes back to the model (`output_item`).
Adding a tool kind means adding a `ToolRun` subclass and registering it in
`_tool_kinds.RUN_KINDS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from .._items import ItemHelpers, RunItem, ToolCallItem, ToolCallOutputItem, TResponseOutputItem
from .._tool_errors import ToolErrorFormatterArgs, format_tool_error, tool_not_found_message
from .._tool_invoker import as_tool_error
from .._tools import FunctionTool, NeedsApproval, Tool, ToolErrorFunction, ToolTimeoutBehavior
from ..exceptions import ModelBehaviorError

if TYPE_CHECKING:
    from .._agent import Agent
    from .._run_context import ToolContext

__all__ = ["FunctionToolRun", "MissingToolRun", "ToolRun"]


class ToolRun:
    """One call the model asked for, matched to the tool that answers it."""

    __slots__ = ("call", "call_item", "tool")

    tool_type: ClassVar[type[Any]]
    """The tool class that answers this kind of call item."""
    has_hooks: ClassVar[bool] = True
    """Whether `on_tool_start` / `on_tool_end` fire for this kind."""
    error_tool_type: ClassVar[Any] = "custom"
    """`ToolErrorFormatterArgs.tool_type` for this kind's calls."""

    def __init__(self, tool: Any, call: TResponseOutputItem, call_item: RunItem) -> None:
        self.tool = tool
        self.call = call
        self.call_item = call_item

    @classmethod
    def for_call(
        cls, agent: Agent[Any], call: TResponseOutputItem, tools: list[Tool]
    ) -> ToolRun | RunItem:
        """Match `call` to the agent's tool of this kind; none is a `ModelBehaviorError`.

        A kind may return a plain run item instead when nothing is to run locally."""
        tool = next((t for t in tools if isinstance(t, cls.tool_type)), None)
        if tool is None:
            raise ModelBehaviorError(
                f"The model sent a {call.get('type')!r} item, but agent {agent.name!r} has no "
                f"{cls.tool_type.__name__}."
            )
        return cls(tool, call, ToolCallItem(agent, call))

    @property
    def call_id(self) -> str:
        return str(self.call.get("call_id") or "")

    @property
    def tool_name(self) -> str:
        return str(getattr(self.tool, "name", ""))

    @property
    def arguments(self) -> str:
        """What `ToolContext.tool_arguments` shows for this call."""
        return ""

    # Per-call policies the tool phase applies; kinds whose tools configure them override these.
    @property
    def timeout_seconds(self) -> float | None:
        return None

    @property
    def timeout_behavior(self) -> ToolTimeoutBehavior:
        return "error_as_result"

    @property
    def timeout_error_function(self) -> ToolErrorFunction | None:
        return None

    @property
    def input_guardrails(self) -> list[Any]:
        return []

    @property
    def needs_approval(self) -> NeedsApproval:
        """Whether the call waits for a human's decision (checked before it starts)."""
        return False

    @property
    def output_guardrails(self) -> list[Any]:
        return []

    def is_bare(self) -> bool:
        """Whether the call has no timeout or guardrails of its own."""
        return not (self.timeout_seconds or self.input_guardrails or self.output_guardrails)

    async def invoke(self, ctx: ToolContext[Any]) -> Any:
        """Run the call; the return value is the tool's output (its Python value)."""
        raise NotImplementedError

    def output_item(self, agent: Agent[Any], output: Any) -> RunItem:
        """The history item that carries `output` back to the model."""
        raise NotImplementedError


class FunctionToolRun(ToolRun):
    """A `function_call` answered by a `FunctionTool` (also agent-tools and, later, MCP tools)."""

    __slots__ = ()
    tool: FunctionTool
    tool_type = FunctionTool
    error_tool_type = "function"

    @property
    def tool_name(self) -> str:
        return self.tool.name

    @property
    def arguments(self) -> str:
        return self.call.get("arguments") or ""

    @property
    def timeout_seconds(self) -> float | None:
        return self.tool.timeout_seconds

    @property
    def timeout_behavior(self) -> ToolTimeoutBehavior:
        return self.tool.timeout_behavior

    @property
    def timeout_error_function(self) -> ToolErrorFunction | None:
        return self.tool.timeout_error_function

    @property
    def input_guardrails(self) -> list[Any]:
        return self.tool.tool_input_guardrails or []

    @property
    def needs_approval(self) -> NeedsApproval:
        return self.tool.needs_approval

    @property
    def output_guardrails(self) -> list[Any]:
        return self.tool.tool_output_guardrails or []

    def is_bare(self) -> bool:
        tool = self.tool  # read directly: the properties above make a list per call
        return not (
            tool.timeout_seconds or tool.tool_input_guardrails or tool.tool_output_guardrails
        )

    async def invoke(self, ctx: ToolContext[Any]) -> Any:
        try:
            return await self.tool.on_invoke_tool(ctx, ctx.tool_arguments)
        except BaseException as exc:  # a CancelledError of the tool's own is its error
            error = as_tool_error(exc)
            if error is None or error is exc:
                raise
            raise error from exc

    def output_item(self, agent: Agent[Any], output: Any) -> RunItem:
        raw = ItemHelpers.tool_call_output_item(self.call["call_id"], output)
        return ToolCallOutputItem(agent, raw, output)


class MissingToolRun(ToolRun):
    """A `function_call` to a tool the agent does not have, answered with an error message
    (`RunConfig(tool_not_found_behavior="return_error_to_model")`)."""

    __slots__ = ()
    has_hooks = False
    error_tool_type = "function"

    @property
    def tool_name(self) -> str:
        return str(self.call.get("name") or "")

    @property
    def arguments(self) -> str:
        return self.call.get("arguments") or ""

    async def invoke(self, ctx: ToolContext[Any]) -> Any:
        args = ToolErrorFormatterArgs(
            kind="tool_not_found",
            tool_type="function",
            tool_name=self.tool_name,
            call_id=self.call_id,
            default_message=tool_not_found_message(self.tool_name),
            run_context=ctx,
        )
        return await format_tool_error(ctx.run_config, args)

    def output_item(self, agent: Agent[Any], output: Any) -> RunItem:
        raw = ItemHelpers.tool_call_output_item(self.call["call_id"], output)
        return ToolCallOutputItem(agent, raw, output)
