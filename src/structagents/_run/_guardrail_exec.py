"""Running guardrails: concurrently, and the first tripwire or error cancels the rest."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, TypeVar

import anyio

from .._agent import Agent
from .._guardrails import InputGuardrail, InputGuardrailResult, OutputGuardrailResult
from .._state import RunState
from ..exceptions import (
    InputGuardrailTripwireTriggered,
    OutputGuardrailTripwireTriggered,
    UserError,
)
from ..models.interface import ModelResponse
from . import _lifecycle as lifecycle
from ._boundary import first_error, is_cancellation
from ._env import RunEnv

__all__ = ["check_output_guardrails_allowed", "first_turn_response", "run_output_guardrails"]

R = TypeVar("R", InputGuardrailResult, OutputGuardrailResult)


async def first_turn_response(
    env: RunEnv,
    state: RunState,
    agent: Agent[Any],
    call_model: Callable[[], Awaitable[ModelResponse]],
) -> ModelResponse:
    """The first model call, raced by the input guardrails.

    Guardrails with `run_in_parallel=False` finish before the model is called. The others run
    alongside the call; a tripwire cancels it, and so does a model error (raised at once, unless
    a tripwire already fired). Either way this returns only once every guardrail has passed, so
    no tool can start before that. With
    `RunConfig.gate_stream_on_guardrails`, the call's raw stream events are held back until
    the racing guardrails pass.
    """
    guardrails = [*agent.input_guardrails, *env.config.input_guardrails]
    blocking = [g for g in guardrails if not g.run_in_parallel]
    racing = [g for g in guardrails if g.run_in_parallel]
    if blocking:
        await _check_input(env, state, blocking)
    if not racing:
        return await call_model()

    gated = env.events if env.config.gate_stream_on_guardrails else None
    if gated is not None:
        gated.hold_raw_events()
    response: list[ModelResponse] = []
    model_error: list[BaseException] = []
    guard_error: list[BaseException] = []

    async with anyio.create_task_group() as tg:

        async def guard() -> None:
            try:
                await _check_input(env, state, racing)
            except BaseException as exc:  # a tripwire or a guardrail's error: stop the model too
                if is_cancellation(exc):
                    raise
                guard_error.append(exc)
                tg.cancel_scope.cancel()
                return
            if gated is not None:
                await gated.release_raw_events()

        async def model_call() -> None:
            try:
                response.append(await call_model())
            except BaseException as exc:  # raised at once; a tripwire that already fired wins
                if is_cancellation(exc):
                    raise
                model_error.append(exc)
                tg.cancel_scope.cancel()

        tg.start_soon(guard)
        tg.start_soon(model_call)

    error = first_error([*guard_error, *model_error])
    if isinstance(error, Exception) and not isinstance(error, InputGuardrailTripwireTriggered):
        # a tripwire that fired before the error wins, even if its guardrail was then cancelled
        tripped = [r for r in state.input_guardrail_results if r.output.tripwire_triggered]
        if tripped:
            raise InputGuardrailTripwireTriggered(tripped[0])
    if error is not None:
        raise error
    return response[0]


async def _check_input(env: RunEnv, state: RunState, guardrails: list[InputGuardrail[Any]]) -> None:
    ctx = state.context_wrapper
    agent = state.current_agent
    checks = [
        lifecycle.guarded(env, g.get_name(), partial(g.run, agent, state.original_input, ctx))
        for g in guardrails
    ]
    tripped = await _run_checks(checks, state.input_guardrail_results)
    if tripped is not None:
        raise InputGuardrailTripwireTriggered(tripped)


def check_output_guardrails_allowed(env: RunEnv, state: RunState, agent: Agent[Any]) -> None:
    """Fail closed, as the reference does, when output guardrails meet a conversation the
    server keeps: an output they reject could not be taken back out of it."""
    if state.server_manages_conversation and (
        agent.output_guardrails or env.config.output_guardrails
    ):
        raise UserError(
            f"Agent {agent.name!r} has output guardrails, which cannot be combined with "
            "conversation_id, previous_response_id or auto_previous_response_id: an output they "
            "reject cannot be removed from the conversation the server keeps. Keep the history "
            "on the client (or in a session) instead."
        )


async def run_output_guardrails(
    env: RunEnv, state: RunState, agent: Agent[Any], final_output: Any
) -> Any:
    """Check the final output with the agent's and the run's output guardrails; return the
    final output (`RunConfig.output_guardrail_blocked_message` instead of raising a tripwire)."""
    guardrails = [*agent.output_guardrails, *env.config.output_guardrails]
    if not guardrails:
        return final_output
    ctx = state.context_wrapper
    checks = [
        lifecycle.guarded(env, g.get_name(), partial(g.run, ctx, agent, final_output))
        for g in guardrails
    ]
    tripped = await _run_checks(checks, state.output_guardrail_results)
    if tripped is None:
        return final_output
    blocked = env.config.output_guardrail_blocked_message
    if blocked is None:
        raise OutputGuardrailTripwireTriggered(tripped)
    if isinstance(blocked, str):
        return blocked
    message = blocked(tripped)
    return await message if inspect.isawaitable(message) else message


async def _run_checks(checks: Sequence[Callable[[], Awaitable[R]]], results: list[R]) -> R | None:
    """Run `checks` concurrently; the first tripwire or error cancels the others.

    Each result is appended to `results` as its check finishes (completion order, as in the
    reference), so the results of checks that passed are kept whatever happens next. Returns
    the first tripped result, if any; a check's error is raised unless a tripwire was seen too.
    """
    tripped: list[R] = []
    errors: list[BaseException] = []

    async with anyio.create_task_group() as tg:

        async def run_one(check: Callable[[], Awaitable[R]]) -> None:
            try:
                result = await check()
            except BaseException as exc:
                if is_cancellation(exc):
                    raise
                errors.append(exc)
                tg.cancel_scope.cancel()
                return
            results.append(result)
            if result.output.tripwire_triggered:
                tripped.append(result)
                tg.cancel_scope.cancel()

        for check in checks:
            tg.start_soon(run_one, check)

    error = first_error(errors)
    if error is not None and (not isinstance(error, Exception) or not tripped):
        raise error
    return tripped[0] if tripped else None
