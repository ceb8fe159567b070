"""Setting a run up and taking it to its end: shared by `Runner.run` and streamed runs."""

from __future__ import annotations

from functools import partial
from typing import Any

from .._agent import Agent
from .._config import RunConfig, coerce_run_config
from .._hooks import RunHooks
from .._items import TResponseInputItem
from .._result import RunResult
from .._run_context import RunContextWrapper
from .._state import RunState
from ..sessions.base import Session
from . import _lifecycle as lifecycle
from ._boundary import check_input_items, check_run_args, public_errors, within
from ._env import RunEnv
from ._loop import run_loop

__all__ = ["drive_run", "prepare_run"]


def prepare_run(
    starting_agent: Agent[Any],
    input: str | list[TResponseInputItem],
    context_wrapper: RunContextWrapper[Any],
    *,
    max_turns: int,
    hooks: RunHooks[Any] | None,
    run_config: RunConfig | dict[str, Any] | None,
    previous_response_id: str | None,
    auto_previous_response_id: bool,
    conversation_id: str | None,
    session: Session | None,
) -> tuple[RunEnv, RunState]:
    """Check the arguments and build the run's constants and starting state."""
    check_run_args(starting_agent, input, max_turns)
    check_input_items(input, session)
    config = coerce_run_config(run_config)
    env = RunEnv.create(config, hooks, session)
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


async def drive_run(env: RunEnv, state: RunState) -> RunResult:
    """Run to the end under `run_timeout`, errors made public; then close what the run opened."""
    try:
        with lifecycle.traced_run(env, state), public_errors(state):
            result = await within(env.config.run_timeout, partial(run_loop, env, state))
            result.trace = env.tracing.trace if env.tracing is not None else None
            return result
    finally:
        await env.aclose()
    raise AssertionError("unreachable")  # pragma: no cover
