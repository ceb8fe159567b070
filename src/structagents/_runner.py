"""`Runner`: the public entry points that start a run."""

from __future__ import annotations

import sys
from functools import partial
from typing import Any, Literal, TypeVar

import anyio
from typing_extensions import Unpack

from ._agent import Agent
from ._config import DEFAULT_MAX_TURNS, RunConfig
from ._error_handlers import RunErrorHandlers
from ._hooks import RunHooks
from ._items import TResponseInputItem
from ._result import RunResult
from ._run._start import drive_run, prepare_run
from ._run_context import RunContextWrapper, TContext
from ._run_options import RunOptions
from ._state import RunState
from ._streaming import RunResultStreaming
from .exceptions import UserError, UserRuntimeError, UserValueError
from .sessions.base import Session

if sys.version_info < (3, 11):  # pragma: no cover
    pass

__all__ = [
    "DEFAULT_MAX_TURNS",
    "AgentRunner",
    "Runner",
    "get_default_agent_runner",
    "set_default_agent_runner",
]

T = TypeVar("T")


class Runner:
    """Runs agents. Each run is one structured unit: when `run` returns or raises, nothing it
    started (model calls, tools, guardrails, hooks, worker threads) is still running.

    The methods hand their keywords, as one `RunOptions`, to the default `AgentRunner`
    (`set_default_agent_runner` plugs in another one).
    """

    @classmethod
    async def run(
        cls,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem] | RunState,
        *,
        context: TContext | None = None,
        max_turns: int | None = DEFAULT_MAX_TURNS,
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
        return await get_default_agent_runner().run(
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
    def run_streamed(
        cls,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem] | RunState,
        *,
        context: TContext | None = None,
        max_turns: int | None = DEFAULT_MAX_TURNS,
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
        return get_default_agent_runner().run_streamed(
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
        max_turns: int | None = DEFAULT_MAX_TURNS,
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
        return get_default_agent_runner().run_sync(
            starting_agent,
            input,
            backend=backend,
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


class AgentRunner:
    """The class behind `Runner`: `run`, `run_sync` and `run_streamed` take the run keywords
    as `RunOptions`. Subclass it and `set_default_agent_runner(...)` to wrap every run (this is
    how integrations such as a durable-execution runner plug in)."""

    async def run(
        self,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem] | RunState,
        **kwargs: Unpack[RunOptions[TContext]],
    ) -> RunResult:
        """See `Runner.run`."""
        return await run_in_context(
            starting_agent, input, RunContextWrapper(kwargs.get("context")), kwargs
        )

    def run_sync(
        self,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem] | RunState,
        *,
        backend: Literal["asyncio", "trio"] = "asyncio",
        **kwargs: Unpack[RunOptions[TContext]],
    ) -> RunResult:
        """See `Runner.run_sync`: `self.run` under a new event loop."""
        running = _running_event_loop()
        if running is not None:
            raise UserRuntimeError(
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
            raise UserValueError(f"backend must be 'asyncio' or 'trio', not {backend!r}.")
        return anyio.run(partial(self.run, starting_agent, input, **kwargs), backend=backend)

    def run_streamed(
        self,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem] | RunState,
        **kwargs: Unpack[RunOptions[TContext]],
    ) -> RunResultStreaming:
        """See `Runner.run_streamed`."""
        return RunResultStreaming(starting_agent, input, kwargs)


_default_agent_runner = AgentRunner()


def set_default_agent_runner(runner: AgentRunner | None) -> None:
    """Make `runner` the one `Runner`'s methods use; `None` restores a plain `AgentRunner`."""
    global _default_agent_runner
    _default_agent_runner = runner if runner is not None else AgentRunner()


def get_default_agent_runner() -> AgentRunner:
    """The `AgentRunner` that `Runner`'s methods use."""
    return _default_agent_runner


async def run_in_context(
    starting_agent: Agent[Any],
    input: str | list[TResponseInputItem] | RunState,
    context_wrapper: RunContextWrapper[Any],
    options: RunOptions[Any],
) -> RunResult:
    """A run with a context wrapper of the caller's (nested runs share usage this way)."""
    env, state = prepare_run(starting_agent, input, context_wrapper, options)
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
