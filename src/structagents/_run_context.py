"""The context object handed to tools, guardrails, hooks and dynamic instructions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, cast

from typing_extensions import TypeVar

from ._typed import plain
from ._usage import Usage
from .exceptions import UserError, UserValueError

if TYPE_CHECKING:
    from ._agent import Agent
    from ._config import RunConfig
    from ._items import ToolApprovalItem, TResponseInputItem

__all__ = ["AgentHookContext", "ApprovalRecord", "RunContextWrapper", "TContext", "ToolContext"]

TContext = TypeVar("TContext", default=Any)


@dataclass(eq=False)
class ApprovalRecord:
    """The decisions taken for one tool: per call id, or for every call (`True`)."""

    approved: bool | list[str] = field(default_factory=list)
    rejected: bool | list[str] = field(default_factory=list)
    rejection_messages: dict[str, str] = field(default_factory=dict)
    sticky_rejection_message: str | None = None


@dataclass(eq=False)
class RunContextWrapper(Generic[TContext]):
    """Wraps the `context` you passed to `Runner.run`, plus the run's live `usage` and the
    approval decisions taken for its tool calls (`approve_tool` / `reject_tool`).

    structagents never reads or copies your context object; it only hands it back to your code.
    """

    context: TContext
    usage: Usage = field(default_factory=Usage)
    turn_input: list[TResponseInputItem] = field(default_factory=list, kw_only=True)
    """The run's input items (a string input as one user message), set when the run starts."""
    _approvals: dict[str, ApprovalRecord] = field(default_factory=dict, init=False, repr=False)
    _pending_approvals: dict[str, ToolApprovalItem] | None = field(
        default=None, init=False, repr=False
    )
    """The calls an interrupted run waits for, by call id; decisions must name one of them."""

    def approve_tool(self, approval_item: ToolApprovalItem, always_approve: bool = False) -> None:
        """Let this call run; with `always_approve`, every later call of the tool in this run."""
        name, call_id = self._decided(approval_item)
        record = self._approvals.setdefault(name, ApprovalRecord())
        if always_approve:
            record.approved, record.rejected = True, []
            record.sticky_rejection_message = None
        else:
            if isinstance(record.approved, list) and call_id not in record.approved:
                record.approved.append(call_id)
            if isinstance(record.rejected, list) and call_id in record.rejected:
                record.rejected.remove(call_id)
        record.rejection_messages.pop(call_id, None)

    def reject_tool(
        self,
        approval_item: ToolApprovalItem,
        always_reject: bool = False,
        rejection_message: str | None = None,
    ) -> None:
        """Refuse this call (the model is told so, with `rejection_message` if given); with
        `always_reject`, every later call of the tool in this run."""
        name, call_id = self._decided(approval_item)
        record = self._approvals.setdefault(name, ApprovalRecord())
        if always_reject:
            record.rejected, record.approved = True, []
            record.sticky_rejection_message = rejection_message
        else:
            if isinstance(record.rejected, list) and call_id not in record.rejected:
                record.rejected.append(call_id)
            if isinstance(record.approved, list) and call_id in record.approved:
                record.approved.remove(call_id)
        if rejection_message is not None:
            record.rejection_messages[call_id] = rejection_message
        else:
            record.rejection_messages.pop(call_id, None)

    def is_tool_approved(self, tool_name: str, call_id: str) -> bool | None:
        """True (approved), False (rejected) or None (not decided yet) for one call."""
        record = self._approvals.get(tool_name)
        if record is None:
            return None
        if isinstance(record.approved, list) and call_id in record.approved:
            return True
        if isinstance(record.rejected, list) and call_id in record.rejected:
            return False
        if record.approved is True:
            return True
        if record.rejected is True:
            return False
        return None

    def get_rejection_message(self, tool_name: str, call_id: str) -> str | None:
        """The message given when this call was rejected, if any."""
        record = self._approvals.get(tool_name)
        if record is None:
            return None
        return record.rejection_messages.get(call_id, record.sticky_rejection_message)

    def _decided(self, item: ToolApprovalItem) -> tuple[str, str]:
        name, call_id = item.tool_name, item.call_id
        pending = self._pending_approvals
        if name is None or call_id is None:
            raise UserError(
                "This ToolApprovalItem names no tool or call id; approve or reject the items in "
                "result.interruptions (or state.get_interruptions())."
            )
        if pending is not None:
            waiting = pending.get(call_id)
            if waiting is None or waiting.tool_name != name:
                raise UserError(
                    f"Tool call {call_id!r} ({name}) is not one of this run's pending approvals "
                    f"({sorted(pending) or 'none'}); decide only on the items in "
                    "state.get_interruptions()."
                )
        return name, call_id


AgentHookContext = RunContextWrapper
"""The reference SDK's name for the context agent hooks receive (`on_start`, `on_end`): here
it is the run's `RunContextWrapper` itself (with `turn_input`), so annotations port as they are."""


@dataclass(eq=False)
class ToolContext(RunContextWrapper[TContext]):
    """The context a tool receives: the run context plus which call this is."""

    tool_name: str = ""
    tool_call_id: str = ""
    tool_arguments: str = ""
    agent: Agent[Any] | None = None
    run_config: RunConfig | None = None
    tool_namespace: str | None = None
    """The call's Responses `namespace` (a tool loaded by tool search), if it has one."""

    def __post_init__(self) -> None:
        config: Any = self.run_config
        if isinstance(config, dict):  # the reference accepts the dict form here too
            from ._config import coerce_run_config

            self.run_config = coerce_run_config(config)

    @classmethod
    def from_agent_context(
        cls,
        context: RunContextWrapper[TContext],
        tool_call_id: str,
        tool_call: Any | None = None,
        agent: Agent[Any] | None = None,
        *,
        tool_name: str | None = None,
        tool_arguments: str | None = None,
        run_config: RunConfig | dict[str, Any] | None = None,
    ) -> ToolContext[TContext]:
        """The reference SDK's spelling of `from_run_context`: the name and arguments come from
        `tool_call` (a `function_call` item, dict or SDK object) unless given."""
        call = {} if tool_call is None else plain(tool_call)
        name = tool_name if tool_name is not None else call.get("name")
        if not isinstance(name, str):
            raise UserValueError("ToolContext.from_agent_context needs tool_name= or a tool_call.")
        arguments = tool_arguments if tool_arguments is not None else call.get("arguments", "")
        return cls.from_run_context(
            context,
            tool_name=name,
            tool_call_id=tool_call_id,
            tool_arguments=str(arguments),
            agent=agent,
            run_config=run_config,
        )

    @classmethod
    def from_run_context(
        cls,
        run_context: RunContextWrapper[TContext],
        *,
        tool_name: str,
        tool_call_id: str,
        tool_arguments: str,
        agent: Agent[Any] | None = None,
        run_config: RunConfig | dict[str, Any] | None = None,
    ) -> ToolContext[TContext]:
        """Make the context for one tool call; its `usage` and approvals are the run's."""
        if cls is ToolContext and not isinstance(run_config, dict):
            # Once per tool call: every field set at once, without the default list and dict
            # `__init__` would make for `turn_input` and the approvals only to replace them.
            fast = object.__new__(ToolContext)
            fast.__dict__.update(
                context=run_context.context,
                usage=run_context.usage,
                turn_input=run_context.turn_input,
                _approvals=run_context._approvals,
                tool_name=tool_name,
                tool_call_id=tool_call_id,
                tool_arguments=tool_arguments,
                agent=agent,
                run_config=run_config,
                tool_namespace=None,
            )
            return fast
        tool_ctx = cls(
            run_context.context,
            run_context.usage,
            tool_name,
            tool_call_id,
            tool_arguments,
            agent,
            cast("RunConfig | None", run_config),  # a dict is converted by __post_init__
        )
        tool_ctx._approvals = run_context._approvals
        tool_ctx.turn_input = run_context.turn_input
        return tool_ctx
