"""The turn loop: model call, tools, repeat until a final output (or an approval pause)."""

from __future__ import annotations

from functools import partial
from typing import Any

from .._agent import Agent
from .._items import ItemHelpers, RunItem
from .._result import RunResult
from .._state import PendingTurn, RunState
from .._tool_names import resolve_tool_name_collisions
from ..exceptions import MaxTurnsExceeded
from . import _lifecycle as lifecycle
from ._env import RunEnv
from ._error_handling import final_output_from_message_or_handler, handled_error
from ._guardrail_exec import (
    check_output_guardrails_allowed,
    first_turn_response,
    run_output_guardrails,
)
from ._handoff_exec import take_handoff
from ._session_io import compact_session, load_session_history, save_turn
from ._tool_calls import ToolRun
from ._tool_exec import final_output_from_tools, run_tools
from ._turn import ProcessedResponse, call_model, process_response

__all__ = ["run_loop"]


async def run_loop(env: RunEnv, state: RunState) -> RunResult:
    """Take turns until the current agent produces a final output (or, after
    `cancel(mode="after_turn")`, until the current turn is done), or until a tool call waits
    for approval. A state that was interrupted continues its paused turn first.

    Everything a turn starts (guardrails, the model call, tools) runs in task groups nested
    inside the caller's, so cancelling the caller stops all of it.
    """
    ctx = state.context_wrapper
    events = env.events
    state.omit_reasoning_ids = env.config.reasoning_item_id_policy == "omit"
    ctx.turn_input = ItemHelpers.input_to_new_input_list(state.original_input)
    if state.current_turn == 0:
        await load_session_history(env, state)
        if state.omit_reasoning_ids:
            state.history = [_without_reasoning_id(item) for item in state.history]
    if state.interruption is not None:
        result = await _resume_turn(env, state, state.interruption)
        if result is not None:
            return result
    while True:
        agent = state.current_agent
        if env.stop_after_turn:
            return state.to_result(None)
        if state.max_turns is not None and state.current_turn >= state.max_turns:
            return await _max_turns(env, state, agent)
        check_output_guardrails_allowed(env, state, agent)
        state.current_turn += 1
        state.in_turn = True
        if not state.agent_started:
            state.agent_started = True
            if events is not None:
                await events.agent_updated(agent)
            await lifecycle.agent_start(env, ctx, agent)

        tools, handoffs = resolve_tool_name_collisions(
            agent.name,
            await agent.get_all_tools(ctx),
            await agent.get_all_handoffs(ctx),
            env.config.tool_name_collision_policy,
        )
        lifecycle.turn_start(env, state.current_turn, agent, tools, handoffs)
        state.admit_pending_input()
        model_call = partial(call_model, env, state, agent, tools, handoffs)
        if state.current_turn == 1:
            response = await first_turn_response(env, state, agent, model_call)
        else:
            response = await model_call()
        state.record_response(response)
        for budget in env.budgets:
            budget.after_response(response.usage)
        processed = process_response(
            agent, response, tools, handoffs, env.config.tool_not_found_behavior
        )
        turn = PendingTurn(processed.tool_runs, processed.handoff_runs, len(state.generated_items))
        state.add_items(processed.new_items)
        state.mark_sent()
        if events is not None:
            await events.items(processed.new_items)

        outputs: list[RunItem] = []
        if processed.used_hosted_tools:
            state.tool_use_agents.add(agent.name)
        if processed.tool_runs:
            state.tool_use_agents.add(agent.name)
            done = await _tool_phase(env, state, agent, turn, processed.tool_runs)
            if done is None:
                return state.to_result(None)
            outputs = done
        result = await _end_turn(env, state, agent, turn, outputs, processed)
        if result is not None:
            return result


async def _resume_turn(env: RunEnv, state: RunState, turn: PendingTurn) -> RunResult | None:
    """Run the paused turn's decided calls, then finish the turn as it would have finished."""
    agent = state.current_agent
    outputs = await _tool_phase(env, state, agent, turn, turn.waiting_runs())
    if outputs is None:
        return state.to_result(None)
    state.unpause()
    return await _end_turn(env, state, agent, turn, outputs, None)


async def _tool_phase(
    env: RunEnv, state: RunState, agent: Agent[Any], turn: PendingTurn, runs: list[ToolRun]
) -> list[Any] | None:
    """Run `runs`; the outputs of all the turn's calls, or None if some wait for approval
    (the state is then paused on `turn`)."""
    done, waiting = await run_tools(env, state, agent, runs)
    state.add_items(done)
    events = env.events
    if events is not None:
        await events.items(done)
    if not waiting and state.interruption is None:
        return done
    for item in done:
        turn.outputs[item.raw_item_dict["call_id"]] = item
    if waiting:
        turn.interruptions = waiting
        state.pause(turn)
        if events is not None:
            await events.items(waiting)
        return None
    return [turn.outputs[run.call["call_id"]] for run in turn.tool_runs]


async def _end_turn(
    env: RunEnv,
    state: RunState,
    agent: Agent[Any],
    turn: PendingTurn,
    outputs: list[Any],
    processed: ProcessedResponse | None,
) -> RunResult | None:
    """After the tools: take a handoff, or decide on a final output; None means next turn."""
    if turn.handoff_runs:
        taken = await take_handoff(env, state, agent, turn.handoff_runs, turn.turn_start)
        if env.events is not None:
            await env.events.items(taken)
        await _turn_done(env, state)
        return None
    if turn.tool_runs:
        is_final, final_output = await final_output_from_tools(
            state, agent, turn.tool_runs, outputs
        )
    else:
        assert processed is not None
        is_final, final_output = await final_output_from_message_or_handler(
            env, state, agent, processed
        )
    if is_final:
        return await _finish(env, state, agent, final_output)
    await _turn_done(env, state)
    return None


async def _max_turns(env: RunEnv, state: RunState, agent: Agent[Any]) -> RunResult:
    error = MaxTurnsExceeded(f"Max turns ({state.max_turns}) exceeded", run_state=state)
    handled = await handled_error(env, state, agent, "max_turns", error)
    if handled is None:
        raise error
    return await _finish(env, state, agent, handled[0])


async def _turn_done(env: RunEnv, state: RunState) -> None:
    await save_turn(env, state)
    state.in_turn = False


def _without_reasoning_id(item: Any) -> Any:
    if isinstance(item, dict) and item.get("type") == "reasoning" and "id" in item:
        return {k: v for k, v in item.items() if k != "id"}
    return item


async def _finish(env: RunEnv, state: RunState, agent: Agent[Any], final_output: Any) -> RunResult:
    final_output = await run_output_guardrails(env, state, agent, final_output)
    await _turn_done(env, state)
    await compact_session(env, state, agent)
    await lifecycle.agent_end(env, state.context_wrapper, agent, final_output)
    state.finished, state.final_output = True, final_output
    return state.to_result(final_output)
