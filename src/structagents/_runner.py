"""`Runner`: the public entry points that start a run."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Generator
from contextlib import contextmanager
from functools import partial
from typing import Any, Literal, TypeVar

import anyio

from ._agent import Agent
from ._config import RunConfig
from ._hooks import RunHooks
from ._items import TResponseInputItem
from ._result import RunResult
from ._run._env import RunEnv
from ._run._loop import run_loop
from ._run_context import RunContextWrapper, TContext
from ._state import RunState
from .exceptions import AgentsException, RunTimeoutError, UserError

if sys.version_info < (3, 11):  # pragma: no cover
    from exceptiongroup import BaseExceptionGroup

__all__ = ["DEFAULT_MAX_TURNS", "Runner"]

DEFAULT_MAX_TURNS = 10
T = TypeVar("T")


class Runner:
    """Runs agents. Each run is one structured unit: when `run` returns or raises, nothing it
    started (model calls, tools, guardrails, hooks, worker threads) is still running."""

    @classmethod
    async def run(
        cls,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem],
        *,
        context: TContext | None = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        hooks: RunHooks[TContext] | None = None,
        run_config: RunConfig | None = None,
    ) -> RunResult:
        """Run `starting_agent` on `input` until it produces a final output.

        Raises `MaxTurnsExceeded`, `InputGuardrailTripwireTriggered`,
        `OutputGuardrailTripwireTriggered`, `ModelBehaviorError`, `RunTimeoutError`, or your own
        tool's or model's exception, never wrapped in an exception group. Cancelling the caller
        cancels everything the run started.
        """
        _check_run_args(starting_agent, input, max_turns)
        config = run_config if run_config is not None else RunConfig()
        env = RunEnv.create(config, hooks)
        state = RunState.start(starting_agent, input, RunContextWrapper(context), max_turns)
        with _public_errors(state):
            return await _within(config.run_timeout, partial(run_loop, env, state))
        raise AssertionError("unreachable")  # pragma: no cover

    @classmethod
    def run_sync(
        cls,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem],
        *,
        context: TContext | None = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        hooks: RunHooks[TContext] | None = None,
        run_config: RunConfig | None = None,
        backend: Literal["asyncio", "trio"] = "asyncio",
    ) -> RunResult:
        """`Runner.run` for code without an event loop: starts one with `anyio.run`.

        `backend` picks asyncio (default) or trio. Inside a running event loop it raises
        `UserError`: await `Runner.run` there instead.
        """
        running = _running_event_loop()
        if running is not None:
            raise UserError(
                f"Runner.run_sync() was called inside a running {running} event loop. "
                "Use `await Runner.run(...)` there instead."
            )
        if backend == "trio":
            try:
                import trio  # noqa: F401
            except ImportError as exc:
                raise UserError(
                    "backend='trio' needs trio: pip install 'structagents[trio]'."
                ) from exc
        elif backend != "asyncio":
            raise UserError(f"backend must be 'asyncio' or 'trio', not {backend!r}.")
        run = partial(
            cls.run,
            starting_agent,
            input,
            context=context,
            max_turns=max_turns,
            hooks=hooks,
            run_config=run_config,
        )
        return anyio.run(run, backend=backend)


async def _within(seconds: float | None, body: Callable[[], Awaitable[T]]) -> T:
    """Await `body`, cancelling it and raising `RunTimeoutError` after `seconds`."""
    if seconds is None:
        return await body()
    with anyio.move_on_after(seconds):
        return await body()
    raise RunTimeoutError(seconds)


@contextmanager
def _public_errors(state: RunState) -> Generator[None, None, None]:
    """Attach the run's data to our errors and unwrap single-error exception groups."""
    try:
        yield
    except BaseException as exc:
        error = _single_error(exc) if isinstance(exc, BaseExceptionGroup) else exc
        if error is None:
            raise
        if isinstance(error, AgentsException) and error.run_data is None:
            error.run_data = state.error_details()
        if error is exc:
            raise
    else:
        return
    raise error


def _single_error(group: BaseExceptionGroup[BaseException]) -> Exception | None:
    """The one plain error inside nested single-member groups (never a cancellation)."""
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        if len(error.exceptions) != 1:
            return None
        error = error.exceptions[0]
    return error if isinstance(error, Exception) else None


def _check_run_args(agent: Any, input: Any, max_turns: Any) -> None:
    if not isinstance(agent, Agent):
        raise UserError(f"starting_agent must be an Agent, got {type(agent).__name__}.")
    if not isinstance(input, str | list):
        raise UserError(
            f"input must be a str or a list of input items, got {type(input).__name__}."
        )
    if not isinstance(max_turns, int) or max_turns < 1:
        raise UserError(f"max_turns must be a positive int, got {max_turns!r}.")


def _running_event_loop() -> str | None:
    """The name of the event loop running in this thread, if any."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        return "asyncio"
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            trio.lowlevel.current_trio_token()
        except RuntimeError:
            pass
        else:
            return "trio"
    return None
