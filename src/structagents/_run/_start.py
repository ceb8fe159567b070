"""Setting a run up and taking it to its end: shared by `Runner.run` and streamed runs."""

from __future__ import annotations

from functools import partial
from typing import Any

from .._agent import Agent
from .._config import DEFAULT_MAX_TURNS, coerce_run_config
from .._items import TResponseInputItem
from .._result import RunResult
from .._run_context import RunContextWrapper
from .._run_options import RunOptions
from .._state import RunState
from .._usage_limits import sharing_budgets
from . import _lifecycle as lifecycle
from ._boundary import (
    check_input_items,
    check_run_args,
    check_run_hooks,
    public_errors,
    within,
)
from ._env import RunEnv
from ._loop import run_loop

__all__ = ["drive_run", "prepare_run"]


def prepare_run(
    starting_agent: Agent[Any],
    input: str | list[TResponseInputItem] | RunState,
    context_wrapper: RunContextWrapper[Any],
    options: RunOptions[Any],
) -> tuple[RunEnv, RunState]:
    """Check the arguments and build the run's constants and starting state (or take the
    `RunState` to resume). `options.context` is ignored: `context_wrapper` carries it."""
    max_turns = options.get("max_turns", DEFAULT_MAX_TURNS)
    hooks = options.get("hooks")
    run_config = options.get("run_config")
    previous_response_id = options.get("previous_response_id")
    auto_previous_response_id = options.get("auto_previous_response_id", False)
    conversation_id = options.get("conversation_id")
    session = options.get("session")
    error_handlers = options.get("error_handlers")
    check_run_args(starting_agent, input, max_turns)
    check_run_hooks(hooks)
    check_input_items(input, session)
    config = coerce_run_config(run_config)
    env = RunEnv.create(config, hooks, session)
    env.error_handlers = error_handlers
    if isinstance(input, RunState):
        input.check_resumable()
        _resume_with(
            input,
            context_wrapper,
            max_turns,
            previous_response_id=previous_response_id,
            auto_previous_response_id=auto_previous_response_id,
            conversation_id=conversation_id,
        )
        return env, input
    state = RunState.start(
        starting_agent,
        input,
        context_wrapper,
        max_turns,
        previous_response_id=previous_response_id,
        auto_previous_response_id=auto_previous_response_id,
        conversation_id=conversation_id,
    )
    return env, state


def _resume_with(
    state: RunState,
    context_wrapper: RunContextWrapper[Any],
    max_turns: int | None,
    *,
    previous_response_id: str | None,
    auto_previous_response_id: bool,
    conversation_id: str | None,
) -> None:
    """Apply what the resuming call passed: a context, a new turn limit, server-side ids."""
    if context_wrapper.context is not None:
        state.context_wrapper.context = context_wrapper.context
    if max_turns != DEFAULT_MAX_TURNS:
        state.max_turns = max_turns
    if previous_response_id is not None:
        state.previous_response_id = previous_response_id
    if conversation_id is not None:
        state.conversation_id = conversation_id
    state.auto_previous_response_id = state.auto_previous_response_id or auto_previous_response_id


async def drive_run(env: RunEnv, state: RunState) -> RunResult:
    """Run to the end under `run_timeout`, errors made public; then close what the run opened.

    The state is claimed for the run's duration: resuming it twice at once is a `UserError`.
    """
    state.claim()
    try:
        with lifecycle.traced_run(env, state), public_errors(state), sharing_budgets(env.budgets):
            result = await within(env.config.run_timeout, partial(run_loop, env, state))
            result.trace = env.tracing.trace if env.tracing is not None else None
            return result
    finally:
        state.release()
        await env.aclose()
    raise AssertionError("unreachable")  # pragma: no cover
