"""Human approval of tool calls: which calls wait, what a rejection tells the model, and
rebuilding a paused turn from a saved state (refusing calls the model never made)."""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._handoffs import Handoff, handoff
from .._items import RunItem, ToolApprovalItem, ToolCallItem
from .._run_context import RunContextWrapper
from .._state import PendingTurn, RunState
from .._tool_errors import ToolErrorFormatterArgs, format_tool_error
from .._tool_search import FunctionToolLookup, call_key, qualified
from ..exceptions import UserError
from ._tool_calls import FunctionToolRun, ToolRun
from ._tool_kinds import RUN_KINDS
from ._turn import HandoffRun

if TYPE_CHECKING:
    from .._agent import Agent
    from .._config import RunConfig

__all__ = [
    "DEFAULT_APPROVAL_REJECTION_MESSAGE",
    "approval_decision",
    "approval_item",
    "rejection_message",
    "restore_pending_turn",
]

DEFAULT_APPROVAL_REJECTION_MESSAGE = "Tool execution was not approved."


async def approval_decision(ctx: RunContextWrapper[Any], run: ToolRun) -> bool | None:
    """Whether a call may run (True), was rejected (False), or waits for a decision (None)."""
    needs = run.needs_approval
    if needs is False:
        return True
    call_id = run.call_id
    if needs is not True:
        asked = needs(ctx, _arguments(run.arguments), call_id)
        if not (await asked if inspect.isawaitable(asked) else asked):
            return True
    return ctx.is_tool_approved(run.tool_name, call_id)


async def rejection_message(
    ctx: RunContextWrapper[Any], run: ToolRun, config: RunConfig | None = None
) -> str:
    """What the model is told about a rejected call: the message given with the rejection,
    else `RunConfig.tool_error_formatter`'s, else the default."""
    message = ctx.get_rejection_message(run.tool_name, run.call_id)
    if message is not None:
        return message
    args = ToolErrorFormatterArgs(
        kind="approval_rejected",
        tool_type=run.error_tool_type,
        tool_name=run.tool_name,
        call_id=run.call_id,
        default_message=DEFAULT_APPROVAL_REJECTION_MESSAGE,
        run_context=ctx,
    )
    return await format_tool_error(config, args)


def approval_item(agent: Agent[Any], run: ToolRun) -> ToolApprovalItem:
    """The interruption for a call that waits."""
    return ToolApprovalItem(agent, run.call, tool_name=run.tool_name)


def _arguments(text: Any) -> dict[str, Any]:
    try:
        parsed = json.loads(text or "{}")
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def restore_pending_turn(state: RunState, saved: Mapping[str, Any]) -> PendingTurn:
    """The interrupted turn of a state read from JSON.

    Every call it names must be a call of the turn's recorded model response, made to a tool
    (or handoff) the current agent has: a state that adds a call is rejected.
    """
    start = saved["turn_start"]
    items = state.generated_items
    if not state.model_responses or not 0 <= start <= len(items):
        raise UserError("This saved RunState is corrupt: its interrupted turn is out of range.")
    made = {item.get("call_id"): item for item in state.model_responses[-1].to_input_items()}
    agent = state.current_agent
    tools = FunctionToolLookup(agent.tools)
    handoffs = {h.tool_name: h for h in _handoffs(agent)}
    calls: dict[str, Any] = {}
    outputs: dict[str, RunItem] = {}
    for item in items[start:]:
        call_id = item.raw_item_dict.get("call_id")
        if not isinstance(call_id, str):
            continue
        if item.raw_item_dict.get("type", "").endswith("_output"):
            outputs[call_id] = item
        else:
            calls[call_id] = item.raw_item_dict
    turn = PendingTurn([], [], start)
    for call_id in saved["tool_calls"]:
        call = _made_call(call_id, calls, made)
        turn.tool_runs.append(_tool_run(agent, call, tools))
    for call_id in saved["handoff_calls"]:
        call = _made_call(call_id, calls, made)
        target = handoffs.get(call["name"])
        if target is None:
            raise UserError(
                f"The saved RunState waits on handoff {call['name']!r}, which agent "
                f"{agent.name!r} does not have."
            )
        turn.handoff_runs.append(HandoffRun(target, call))
    turn.outputs = {
        run.call["call_id"]: outputs[run.call["call_id"]]
        for run in turn.tool_runs
        if run.call["call_id"] in outputs
    }
    turn.interruptions = [approval_item(agent, run) for run in turn.waiting_runs()]
    if not turn.interruptions:
        raise UserError("This saved RunState is interrupted but waits on no tool call.")
    return turn


def _tool_run(agent: Agent[Any], call: Any, tools: FunctionToolLookup) -> ToolRun:
    kind = call.get("type")
    if kind != "function_call":
        run_kind = RUN_KINDS.get(kind)
        if run_kind is None:
            raise UserError(f"The saved RunState waits on a {kind!r} call this SDK cannot run.")
        run = run_kind.for_call(agent, call, agent.tools)
        if not isinstance(run, ToolRun):
            raise UserError(f"The saved RunState waits on a {kind!r} item that runs nothing.")
        return run
    tool = tools.find(call)
    if tool is None:
        raise UserError(
            f"The saved RunState waits on a call to tool {qualified(call_key(call))!r}, which "
            f"agent {agent.name!r} does not have (its function tools: "
            f"{sorted(tools.names())})."
        )
    return FunctionToolRun(tool, call, ToolCallItem(agent, call))


def _made_call(call_id: str, calls: Mapping[str, Any], made: Mapping[Any, Any]) -> Any:
    call = calls.get(call_id)
    original = made.get(call_id)
    if call is None or original is None or _call_key(call) != _call_key(original):
        raise UserError(
            f"The saved RunState waits on tool call {call_id!r}, which the model's recorded "
            "response did not make: the state was altered; refusing to resume it."
        )
    return call


def _call_key(call: Mapping[str, Any]) -> tuple[Any, ...]:
    return (call.get("type"), call.get("name"), call.get("arguments"), call.get("call_id"))


def _handoffs(agent: Agent[Any]) -> list[Handoff[Any]]:
    return [h if isinstance(h, Handoff) else handoff(h) for h in agent.handoffs]
