"""The turn loop: model call, tools, repeat until a final output."""

from __future__ import annotations

from functools import partial
from typing import Any

from .._agent import Agent
from .._items import RunItem
from .._result import RunResult
from .._state import RunState
from .._tool_names import resolve_tool_name_collisions
from ..exceptions import MaxTurnsExceeded
from . import _lifecycle as lifecycle
from ._env import RunEnv
from ._guardrail_exec import first_turn_response, run_output_guardrails
from ._handoff_exec import take_handoff
from ._session_io import compact_session, load_session_history, save_turn
from ._tool_exec import final_output_from_tools, run_tools
from ._turn import call_model, final_output_from_message, process_response

__all__ = ["run_loop"]


async def run_loop(env: RunEnv, state: RunState) -> RunResult:
    """Take turns until the current agent produces a final output (or, after
    `cancel(mode="after_turn")`, until the current turn is done).

    Everything a turn starts (guardrails, the model call, tools) runs in task groups nested
    inside the caller's, so cancelling the caller stops all of it.
    """
    ctx = state.context_wrapper
    events = env.events
    if state.current_turn == 0:
        await load_session_history(env, state)
    while True:
        agent = state.current_agent
        if env.stop_after_turn:
            return state.to_result(None)
        if state.current_turn >= state.max_turns:
            raise MaxTurnsExceeded(f"Max turns ({state.max_turns}) exceeded")
        state.current_turn += 1
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
        model_call = partial(call_model, env, state, agent, tools, handoffs)
        if state.current_turn == 1:
            response = await first_turn_response(env, state, agent, model_call)
        else:
            response = await model_call()
        state.record_response(response)
        processed = process_response(agent, response, tools, handoffs)
        turn_start = len(state.generated_items)
        state.add_items(processed.new_items)
        state.mark_sent()
        if events is not None:
            await events.items(processed.new_items)

        outputs: list[RunItem] = []
        if processed.tool_runs:
            state.tool_use_agents.add(agent.name)
            outputs = await run_tools(env, state, agent, processed.tool_runs)
            state.add_items(outputs)
            if events is not None:
                await events.items(outputs)
        if processed.handoff_runs:
            taken = await take_handoff(env, state, agent, processed.handoff_runs, turn_start)
            if events is not None:
                await events.items(taken)
            await save_turn(env, state)
            continue
        if processed.tool_runs:
            is_final, final_output = await final_output_from_tools(
                state, agent, processed.tool_runs, outputs
            )
        else:
            is_final, final_output = final_output_from_message(agent, processed)
        if is_final:
            return await _finish(env, state, agent, final_output)
        await save_turn(env, state)


async def _finish(env: RunEnv, state: RunState, agent: Agent[Any], final_output: Any) -> RunResult:
    await run_output_guardrails(env, state, agent, final_output)
    await save_turn(env, state)
    await compact_session(env, state, agent)
    await lifecycle.agent_end(env, state.context_wrapper, agent, final_output)
    return state.to_result(final_output)
