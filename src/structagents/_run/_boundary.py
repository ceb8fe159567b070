"""Where a run meets its caller: the run deadline, and errors made public."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Generator
from contextlib import contextmanager
from typing import Any, TypeVar

import anyio

from .._agent import Agent
from .._state import RunState
from ..exceptions import AgentsException, RunTimeoutError, UserError

if sys.version_info < (3, 11):  # pragma: no cover
    from exceptiongroup import BaseExceptionGroup

__all__ = ["check_run_args", "public_errors", "within"]

T = TypeVar("T")


async def within(seconds: float | None, body: Callable[[], Awaitable[T]]) -> T:
    """Await `body`, cancelling it and raising `RunTimeoutError` after `seconds`."""
    if seconds is None:
        return await body()
    with anyio.move_on_after(seconds):
        return await body()
    raise RunTimeoutError(seconds)


@contextmanager
def public_errors(state: RunState) -> Generator[None, None, None]:
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


def check_run_args(agent: Any, input: Any, max_turns: Any) -> None:
    """Reject arguments `Runner.run` cannot work with, saying what was expected."""
    if not isinstance(agent, Agent):
        raise UserError(f"starting_agent must be an Agent, got {type(agent).__name__}.")
    if not isinstance(input, str | list):
        raise UserError(
            f"input must be a str or a list of input items, got {type(input).__name__}."
        )
    if not isinstance(max_turns, int) or max_turns < 1:
        raise UserError(f"max_turns must be a positive int, got {max_turns!r}.")
