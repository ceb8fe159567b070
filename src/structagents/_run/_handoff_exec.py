"""Taking a handoff: switch agents, and decide what the next agent sees."""

from __future__ import annotations

import inspect
from typing import Any

from .._agent import Agent
from .._handoffs import HandoffInputData
from .._items import HandoffOutputItem, ItemHelpers, RunItem, ToolCallOutputItem
from .._state import RunState
from ..exceptions import ModelBehaviorError, UserError
from ..handoff_filters import nest_handoff_history
from . import _lifecycle as lifecycle
from ._env import RunEnv
from ._turn import HandoffRun

__all__ = ["IGNORED_HANDOFF", "take_handoff"]

IGNORED_HANDOFF = "Multiple handoffs detected, ignoring this one."


async def take_handoff(
    env: RunEnv, state: RunState, agent: Agent[Any], runs: list[HandoffRun], turn_start: int
) -> list[RunItem]:
    """Take the first handoff of the turn; every other one gets an error output.

    Returns the items this adds. If the handoff's arguments are invalid, the model is told so
    and `agent` stays current; otherwise the next turn belongs to the handoff's agent, and its
    input is filtered as the handoff or `RunConfig` says.
    """
    first, *others = runs
    ctx = state.context_wrapper
    call_id = first.call["call_id"]
    items: list[RunItem] = []
    target: Agent[Any] | None = None
    try:
        target = await first.handoff.on_invoke_handoff(ctx, first.call.get("arguments") or "")
    except ModelBehaviorError as exc:
        items.append(_output(agent, call_id, f"Error: {exc}"))
    else:
        output = ItemHelpers.tool_call_output_item(
            call_id, first.handoff.get_transfer_message(target)
        )
        items.append(HandoffOutputItem(agent, output, source_agent=agent, target_agent=target))
    items.extend(_output(agent, other.call["call_id"], IGNORED_HANDOFF) for other in others)
    state.add_items(items)
    if target is None:
        return items

    await lifecycle.handoff(env, ctx, agent, target)
    input_filter = first.handoff.input_filter  # `is None`: a falsy callable is still a filter
    if input_filter is None:
        input_filter = env.config.handoff_input_filter
    nest = first.handoff.nest_handoff_history
    if nest is None:
        nest = env.config.nest_handoff_history
    if input_filter is not None or nest:
        if state.server_manages_conversation:
            raise UserError(
                f"Handoff {first.handoff.tool_name!r} filters or nests the history, but the "
                "server keeps this conversation (previous_response_id / conversation_id): "
                "filters only work on client-side history."
            )
        data = HandoffInputData(
            input_history=tuple(state.history[: state.history_base]),
            pre_handoff_items=tuple(state.generated_items[state.items_base : turn_start]),
            new_items=tuple(state.generated_items[turn_start:]),
            run_context=ctx,
        )
        if input_filter is not None:
            filtered = input_filter(data)
            data = await filtered if inspect.isawaitable(filtered) else filtered
            if not isinstance(data, HandoffInputData):
                raise UserError(
                    f"The input filter of handoff {first.handoff.tool_name!r} returned "
                    f"{type(data).__name__}; it must return a HandoffInputData."
                )
        else:
            data = nest_handoff_history(data, history_mapper=env.config.handoff_history_mapper)
        state.rebase_history(data.to_input_list())
    state.current_agent = target
    state.agent_started = False
    return items


def _output(agent: Agent[Any], call_id: str, message: str) -> ToolCallOutputItem:
    return ToolCallOutputItem(agent, ItemHelpers.tool_call_output_item(call_id, message), message)
