"""Where a run meets its caller: the run deadline, and errors made public."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Generator, Iterable
from contextlib import contextmanager
from typing import Any, TypeVar

import anyio

from .._agent import Agent
from .._hooks import AgentHooks, RunHooks
from .._state import RunState
from ..exceptions import (
    AgentsException,
    RunTimeoutError,
    UserError,
    UserTypeError,
    UserValueError,
)
from ..sessions.base import Session, encode_items

if sys.version_info < (3, 11):  # pragma: no cover
    from exceptiongroup import BaseExceptionGroup

__all__ = [
    "check_input_items",
    "check_run_args",
    "first_error",
    "is_cancellation",
    "public_errors",
    "within",
]

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


def _single_error(group: BaseExceptionGroup[BaseException]) -> BaseException | None:
    """The one error inside nested single-member groups (never a cancellation).

    `KeyboardInterrupt`, `SystemExit` and other `BaseException`s are unwrapped too, so that
    `except KeyboardInterrupt` matches and `sys.exit(3)` exits with status 3."""
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        if len(error.exceptions) != 1:
            return None
        error = error.exceptions[0]
    return None if is_cancellation(error) else error


def is_cancellation(exc: BaseException) -> bool:
    """Whether `exc` is the running backend's cancellation, which always propagates as is."""
    return isinstance(exc, anyio.get_cancelled_exc_class())


def first_error(errors: Iterable[BaseException | None]) -> BaseException | None:
    """The error to raise of several caught at once: the first `KeyboardInterrupt`,
    `SystemExit` or other non-`Exception` if any (the process is being stopped), else the
    first error."""
    found = [error for error in errors if error is not None]
    urgent = [error for error in found if not isinstance(error, Exception)]
    return next(iter(urgent or found), None)


def check_run_args(agent: Any, input: Any, max_turns: Any) -> None:
    """Reject arguments `Runner.run` cannot work with, saying what was expected."""
    if not isinstance(agent, Agent):
        raise UserTypeError(f"starting_agent must be an Agent, got {type(agent).__name__}.")
    if not isinstance(input, str | list | RunState):
        raise UserTypeError(
            "input must be a str, a list of input items or a RunState to resume, got "
            f"{type(input).__name__}."
        )
    if max_turns is not None and (
        isinstance(max_turns, bool) or not isinstance(max_turns, int) or max_turns < 0
    ):
        raise UserValueError(
            f"max_turns must be an int >= 0 or None (no limit), got {max_turns!r}."
        )


def check_run_hooks(hooks: object) -> None:
    """Run hooks are a `RunHooks` (or None); agent hooks belong on the agent."""
    if hooks is None or isinstance(hooks, RunHooks):
        return
    hint = " Attach AgentHooks to an agent: Agent(..., hooks=...)." * isinstance(hooks, AgentHooks)
    raise UserTypeError(
        f"Run hooks must be a RunHooks instance (or None), not {type(hooks).__name__}.{hint}"
    )


def check_input_items(input: object, session: Session | None) -> None:
    """Reject input items the run could not send or store, before anything runs.

    Each item must be a dict with a "type" or "role" (a Responses-API input item); with a
    session, the whole input must be JSON, since it is stored with the first turn.
    """
    if not isinstance(input, list):
        return
    for index, item in enumerate(input):
        if not isinstance(item, dict):
            raise UserTypeError(
                f"input item {index} is {item!r} ({type(item).__name__}); input items are "
                "dicts such as {'role': 'user', 'content': 'Hi'}."
            )
        if not isinstance(item.get("type"), str) and not isinstance(item.get("role"), str):
            raise UserError(
                f"input item {index} ({_short(item)}) has neither a 'type' nor a 'role'; input "
                "items are Responses-API items such as {'role': 'user', 'content': 'Hi'}."
            )
    if session is not None:
        encode_items(input, what="input item")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."
