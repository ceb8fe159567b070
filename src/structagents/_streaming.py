"""Streamed runs: `open_run` and the `RunResultStreaming` that `Runner.run_streamed` returns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from types import TracebackType
from typing import Any, Literal, TypeVar

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream
from typing_extensions import Self

from ._agent import Agent
from ._config import DEFAULT_MAX_TURNS, RunConfig
from ._error_handlers import RunErrorHandlers
from ._events import StreamEvent
from ._guardrails import InputGuardrailResult, OutputGuardrailResult
from ._hooks import RunHooks
from ._items import RunItem, ToolApprovalItem, TResponseInputItem
from ._result import RunResult, ToInputListMode
from ._run._start import prepare_run
from ._run._stream import RunOutcome, stream_run
from ._run_context import RunContextWrapper, TContext
from ._run_options import RunOptions
from ._state import RunState
from ._tool_guardrails import ToolInputGuardrailResult, ToolOutputGuardrailResult
from ._usage import Usage
from .exceptions import UserError
from .models.interface import ModelResponse
from .sessions.base import Session
from .tracing.traces import Trace

__all__ = ["RunResultStreaming", "open_run"]

T = TypeVar("T")

_ENTER_FIRST = (
    "A streamed run must be entered before use:\n"
    "    async with Runner.run_streamed(agent, input) as result:\n"
    "        async for event in result.stream_events():\n"
    "            ...\n"
    "(or: async with open_run(agent, input) as stream: async for event in stream: ...)"
)


class RunResultStreaming:
    """A streamed run. `async with` starts it; iterating gives its events as they happen.

    The run lives in a task group inside the `async with` block: leaving the block before the
    run finished (a `break`, an exception, cancellation) cancels the run and waits for its
    cleanup. A run error ends the stream and is raised from the `async for` (or, if you
    stopped reading, from the block exit). Events are buffered up to
    `RunConfig.stream_buffer_size`; past that the run waits for you (backpressure).
    """

    def __init__(
        self,
        starting_agent: Agent[TContext],
        input: str | list[TResponseInputItem] | RunState,
        options: RunOptions[TContext] | None = None,
    ) -> None:
        options = options if options is not None else {}
        self._env, self._state = prepare_run(
            starting_agent, input, RunContextWrapper(options.get("context")), options
        )
        self._exit_stack: AsyncExitStack | None = None
        self._receive: MemoryObjectReceiveStream[StreamEvent] | None = None
        self._outcome: RunOutcome | None = None
        self._cancel_requested = False

    async def __aenter__(self) -> Self:
        if self._exit_stack is not None:
            raise UserError("This streamed run was already started; start a new one instead.")
        stack = AsyncExitStack()
        self._receive, outcome = await stack.enter_async_context(
            stream_run(self._env, self._state, self._env.config.stream_buffer_size)
        )
        self._outcome, self._exit_stack = outcome, stack
        if self._cancel_requested:  # cancel() came before the block was entered
            outcome.scope.cancel()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        assert self._exit_stack is not None
        return await self._exit_stack.__aexit__(exc_type, exc, tb)

    def __aiter__(self) -> Self:
        self._entered()
        return self

    async def __anext__(self) -> StreamEvent:
        receive, outcome = self._entered()
        try:
            try:  # a buffered event needs no scheduler round trip (it waits once it drains)
                return receive.receive_nowait()
            except anyio.WouldBlock:
                return await receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            pass
        # Raised outside the `except`: the run's error keeps its own cause and context.
        if outcome.error is not None and not outcome.error_delivered:
            outcome.error_delivered = True
            raise outcome.error
        raise StopAsyncIteration

    def stream_events(self) -> AsyncIterator[StreamEvent]:
        """The run's events, ending when the run ends (the reference SDK's spelling)."""
        self._entered()
        return self

    def cancel(self, mode: Literal["immediate", "after_turn"] = "immediate") -> None:
        """Stop the run: `"immediate"` cancels everything now; `"after_turn"` lets the current
        turn (model call and its tools) finish first. Either way the stream then ends without
        an error and `result` holds what was done, with `final_output` None. Called before
        the block is entered, either mode stops the run before its first turn."""
        if mode == "after_turn":
            self._env.stop_after_turn = True
        elif mode == "immediate":
            self._cancel_requested = True
            if self._outcome is not None:
                self._outcome.scope.cancel()
        else:
            raise UserError(f"cancel mode must be 'immediate' or 'after_turn', not {mode!r}.")

    @property
    def result(self) -> RunResult:
        """The `RunResult`, once the run is over."""
        outcome = self._outcome
        if outcome is None or outcome.result is None:
            if outcome is not None and outcome.error is not None:
                raise UserError("The run failed; its error was raised from the stream.")
            raise UserError(
                "The run has not finished yet: read the stream to its end before using result."
            )
        return outcome.result

    @property
    def is_complete(self) -> bool:
        """Whether the run is over (finished, failed or cancelled)."""
        return self._outcome is not None and self._outcome.is_complete

    @property
    def final_output(self) -> Any:
        """The final output once the run finished, else None."""
        outcome = self._outcome
        return outcome.result.final_output if outcome and outcome.result else None

    def final_output_as(self, cls: type[T], raise_if_incorrect_type: bool = False) -> T:
        """The final output typed as `cls` (see `RunResult.final_output_as`)."""
        return self.result.final_output_as(cls, raise_if_incorrect_type)

    @property
    def current_agent(self) -> Agent[Any]:
        """The agent running now (the last agent once the run is over)."""
        return self._state.current_agent

    @property
    def last_agent(self) -> Agent[Any]:
        return self._state.current_agent

    @property
    def current_turn(self) -> int:
        return self._state.current_turn

    @property
    def max_turns(self) -> int | None:
        return self._state.max_turns

    @property
    def input(self) -> str | list[TResponseInputItem]:
        return self._state.original_input

    @property
    def new_items(self) -> list[RunItem]:
        """The items produced so far."""
        return self._state.generated_items

    @property
    def raw_responses(self) -> list[ModelResponse]:
        return self._state.model_responses

    @property
    def last_response_id(self) -> str | None:
        """The id of the latest model response so far."""
        responses = self._state.model_responses
        return responses[-1].response_id if responses else None

    @property
    def interruptions(self) -> list[ToolApprovalItem]:
        """The tool calls waiting for approval, once the run paused for them."""
        return self._state.get_interruptions()

    def to_state(self) -> RunState:
        """The run's `RunState` (to approve, reject and resume, or to save), once it is over."""
        return self._state

    @property
    def input_guardrail_results(self) -> list[InputGuardrailResult]:
        return self._state.input_guardrail_results

    @property
    def output_guardrail_results(self) -> list[OutputGuardrailResult]:
        return self._state.output_guardrail_results

    @property
    def tool_input_guardrail_results(self) -> list[ToolInputGuardrailResult]:
        return self._state.tool_input_guardrail_results

    @property
    def tool_output_guardrail_results(self) -> list[ToolOutputGuardrailResult]:
        return self._state.tool_output_guardrail_results

    @property
    def trace(self) -> Trace | None:
        """The trace this run records into (known before the run starts), or None when
        tracing is off."""
        tracing = self._env.tracing
        return tracing.trace if tracing is not None else None

    @property
    def context_wrapper(self) -> RunContextWrapper[Any]:
        return self._state.context_wrapper

    @property
    def usage(self) -> Usage:
        return self._state.context_wrapper.usage

    def to_input_list(self, *, mode: ToInputListMode = "preserve_all") -> list[TResponseInputItem]:
        """The original input plus the items produced so far (see `RunResult.to_input_list`)."""
        return self._state.to_input_list(mode=mode)

    def _entered(self) -> tuple[MemoryObjectReceiveStream[StreamEvent], RunOutcome]:
        if self._receive is None or self._outcome is None:
            raise UserError(_ENTER_FIRST)
        return self._receive, self._outcome

    def __repr__(self) -> str:
        state = "complete" if self.is_complete else f"turn {self.current_turn}"
        return f"<RunResultStreaming agent={self.current_agent.name!r} {state}>"


@asynccontextmanager
async def open_run(
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
) -> AsyncIterator[RunResultStreaming]:
    """Run `starting_agent` inside this block, streaming its events.

        async with open_run(agent, "plan my trip") as stream:
            async for event in stream:
                ...
        print(stream.result.final_output)

    The run's task group belongs to the block: nothing it started outlives it.
    """
    options: RunOptions[TContext] = {
        "context": context,
        "max_turns": max_turns,
        "hooks": hooks,
        "run_config": run_config,
        "error_handlers": error_handlers,
        "previous_response_id": previous_response_id,
        "auto_previous_response_id": auto_previous_response_id,
        "conversation_id": conversation_id,
        "session": session,
    }
    async with RunResultStreaming(starting_agent, input, options) as stream:
        yield stream
