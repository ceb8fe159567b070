"""`Runner`: the public entry points that start a run."""

from __future__ import annotations

import sys
from functools import partial
from typing import Any, Literal, TypeVar

import anyio

from ._agent import Agent
from ._config import DEFAULT_MAX_TURNS, RunConfig
from ._error_handlers import RunErrorHandlers
from ._hooks import RunHooks
from ._items import TResponseInputItem
from ._result import RunResult
from ._run._start import drive_run, prepare_run
from ._run_context import RunContextWrapper, TContext
from ._state import RunState
from ._streaming import RunResultStreaming
from .exceptions import UserError
from .sessions.base import Session

if sys.version_info < (3, 11):  # pragma: no cover
    pass

__all__ = ["DEFAULT_MAX_TURNS", "Runner"]

T = TypeVar("T")


class Runner:
    """Runs agents. Each run is one structured unit: when `run` returns or raises, nothing it
    started (model calls, tools, guardrails, hooks, worker threads) is still running."""

    @classmethod
    async def run(
        cls,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem] | RunState,
        *,
        context: TContext | None = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        hooks: RunHooks[TContext] | None = None,
        run_config: RunConfig | dict[str, Any] | None = None,
        error_handlers: RunErrorHandlers[TContext] | None = None,
        previous_response_id: str | None = None,
        auto_previous_response_id: bool = False,
        conversation_id: str | None = None,
        session: Session | None = None,
    ) -> RunResult:
        """Run `starting_agent` on `input` until it produces a final output, or until a tool
        call waits for approval (`result.interruptions`). `input` may be a `RunState`
        (`result.to_state()`, `e.run_state`, `RunState.from_json`) to resume; a `max_turns`
        other than the default then replaces the state's limit.

        Raises `MaxTurnsExceeded`, `InputGuardrailTripwireTriggered`,
        `OutputGuardrailTripwireTriggered`, `ModelBehaviorError`, `RunTimeoutError`, or your own
        tool's or model's exception, never wrapped in an exception group. Cancelling the caller
        cancels everything the run started.
        """
        return await run_in_context(
            starting_agent,
            input,
            RunContextWrapper(context),
            max_turns=max_turns,
            hooks=hooks,
            run_config=run_config,
            error_handlers=error_handlers,
            previous_response_id=previous_response_id,
            auto_previous_response_id=auto_previous_response_id,
            conversation_id=conversation_id,
            session=session,
        )

    @classmethod
    def run_streamed(
        cls,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem] | RunState,
        *,
        context: TContext | None = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        hooks: RunHooks[TContext] | None = None,
        run_config: RunConfig | dict[str, Any] | None = None,
        error_handlers: RunErrorHandlers[TContext] | None = None,
        previous_response_id: str | None = None,
        auto_previous_response_id: bool = False,
        conversation_id: str | None = None,
        session: Session | None = None,
    ) -> RunResultStreaming:
        """A streamed run, started by entering it:

            async with Runner.run_streamed(agent, "hi") as result:
                async for event in result.stream_events():
                    ...
            print(result.final_output)

        Same behaviour and errors as `run`; see `RunResultStreaming` and `open_run`.
        """
        return RunResultStreaming(
            starting_agent,
            input,
            context=context,
            max_turns=max_turns,
            hooks=hooks,
            run_config=run_config,
            error_handlers=error_handlers,
            previous_response_id=previous_response_id,
            auto_previous_response_id=auto_previous_response_id,
            conversation_id=conversation_id,
            session=session,
        )

    @classmethod
    def run_sync(
        cls,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem] | RunState,
        *,
        context: TContext | None = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        hooks: RunHooks[TContext] | None = None,
        run_config: RunConfig | dict[str, Any] | None = None,
        error_handlers: RunErrorHandlers[TContext] | None = None,
        previous_response_id: str | None = None,
        auto_previous_response_id: bool = False,
        conversation_id: str | None = None,
        session: Session | None = None,
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
            error_handlers=error_handlers,
            previous_response_id=previous_response_id,
            auto_previous_response_id=auto_previous_response_id,
            conversation_id=conversation_id,
            session=session,
        )
        return anyio.run(run, backend=backend)


async def run_in_context(
    starting_agent: Agent[Any],
    input: str | list[TResponseInputItem] | RunState,
    context_wrapper: RunContextWrapper[Any],
    *,
    max_turns: int,
    hooks: RunHooks[Any] | None,
    run_config: RunConfig | dict[str, Any] | None,
    error_handlers: RunErrorHandlers[Any] | None = None,
    previous_response_id: str | None = None,
    auto_previous_response_id: bool = False,
    conversation_id: str | None = None,
    session: Session | None = None,
) -> RunResult:
    """`Runner.run` with a context wrapper of the caller's (nested runs share usage this way)."""
    env, state = prepare_run(
        starting_agent,
        input,
        context_wrapper,
        max_turns=max_turns,
        hooks=hooks,
        run_config=run_config,
        previous_response_id=previous_response_id,
        auto_previous_response_id=auto_previous_response_id,
        conversation_id=conversation_id,
        session=session,
        error_handlers=error_handlers,
    )
    return await drive_run(env, state)


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
