"""Errors raised by structagents.

Every error a run raises on purpose derives from `AgentsException`:

    AgentsException
     ├── MaxTurnsExceeded                  the run used up `max_turns` model calls
     │                                     (`run_state` resumes it with a higher limit)
     ├── ModelBehaviorError                the model did something invalid (unknown tool,
     │                                     final output that fails `output_type`)
     ├── ModelRefusalError                 the model refused (a `refusal` content part)
     ├── UserError                         the caller misused the API; the message says the fix
     │    ├── UserValueError               ... where the reference raises `ValueError`; also one
     │    ├── UserTypeError                ... where the reference raises `TypeError`; also one
     │    └── UserRuntimeError             ... where the reference raises `RuntimeError`; also one
     ├── InputGuardrailTripwireTriggered   an input guardrail tripped (no tool has started)
     ├── OutputGuardrailTripwireTriggered  an output guardrail tripped
     ├── ToolInputGuardrailTripwireTriggered   a tool input guardrail said raise_exception
     ├── ToolOutputGuardrailTripwireTriggered  a tool output guardrail said raise_exception
     ├── ToolTimeoutError                  a tool with `timeout_behavior="raise_exception"`
     │                                     ran past its timeout
 ├── MCPToolCancellationError          an MCP tool call was cut off by its connection closing
 │                                     (by default the model is told, the run goes on)
     ├── ModelProviderError                the model's API failed (status code, request id)
     │    ├── ModelRateLimitError          HTTP 429, after the client's own retries
     │    └── ModelConnectionError         no answer: connection failed or timed out
     ├── ModelTimeoutError                 one model request attempt ran past
     │                                     `ModelSettings.timeout` (also a `TimeoutError`)
     ├── UsageLimitExceeded                a `RunConfig.usage_limits` limit would be exceeded
     ├── RunTimeoutError                   `RunConfig.run_timeout` elapsed; also a builtin
     │                                     `TimeoutError`, so `except TimeoutError` catches it
     └── SessionWriteTimeoutError          a turn's session write took longer than
                                           `RunConfig.session_write_timeout`; also a
                                           `TimeoutError` (the turn was not stored)

Errors raised by your own tools, guardrails, hooks and models propagate unchanged. A run never
raises an `ExceptionGroup` that wraps a single error, and it never turns cancellation into an
error. The first error cancels the rest of the run; when several errors were raised before that
cancellation reached them, the one raised is, in order of precedence: an input guardrail
tripwire, a guardrail's own exception (the first raised), the model's error; in
the tool phase, the error of the earliest tool call in the model's order. A `KeyboardInterrupt`,
`SystemExit` or other non-`Exception` raised inside the run comes first, as itself.

Errors raised by a run carry `run_data` (a `RunErrorDetails`) with what the run had produced
before it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._agent import Agent
    from ._guardrails import InputGuardrailResult, OutputGuardrailResult
    from ._items import RunItem, TResponseInputItem
    from ._run_context import RunContextWrapper
    from ._state import RunState
    from ._tool_guardrails import (
        ToolGuardrailFunctionOutput,
        ToolInputGuardrail,
        ToolOutputGuardrail,
    )
    from .models.interface import ModelResponse

__all__ = [
    "AgentsException",
    "InputGuardrailTripwireTriggered",
    "MCPToolCancellationError",
    "MaxTurnsExceeded",
    "ModelBehaviorError",
    "ModelConnectionError",
    "ModelProviderError",
    "ModelTimeoutError",
    "ModelRateLimitError",
    "ModelRefusalError",
    "OutputGuardrailTripwireTriggered",
    "RunErrorDetails",
    "RunTimeoutError",
    "SessionWriteTimeoutError",
    "ToolInputGuardrailTripwireTriggered",
    "ToolOutputGuardrailTripwireTriggered",
    "ToolTimeoutError",
    "UsageLimitExceeded",
    "UserError",
    "UserRuntimeError",
    "UserTypeError",
    "UserValueError",
]


@dataclass
class RunErrorDetails:
    """What a run had produced when it stopped with an error."""

    input: str | list[TResponseInputItem]
    new_items: list[RunItem]
    raw_responses: list[ModelResponse]
    last_agent: Agent[Any]
    context_wrapper: RunContextWrapper[Any]
    input_guardrail_results: list[InputGuardrailResult] = field(default_factory=list)
    output_guardrail_results: list[OutputGuardrailResult] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"RunErrorDetails(last_agent={self.last_agent.name!r}, "
            f"new_items={len(self.new_items)}, raw_responses={len(self.raw_responses)})"
        )


class AgentsException(Exception):
    """Base class for every error structagents raises on purpose."""

    run_data: RunErrorDetails | None

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.run_data = None

    def _init_args(self) -> tuple[object, ...]:
        """The arguments that rebuild this error (for pickling and copying)."""
        return self.args

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), self._init_args(), self.__dict__)


class MaxTurnsExceeded(AgentsException):
    """The run made `max_turns` model calls without producing a final output.

    `run_state` is the run stopped between two turns: `Runner.run(agent, e.run_state,
    max_turns=20)` continues it where it stopped.
    """

    run_state: RunState | None

    def __init__(self, message: str, run_state: RunState | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.run_state = run_state

    def _init_args(self) -> tuple[object, ...]:
        return (self.message,)


class ModelRefusalError(AgentsException):
    """The model refused to answer; `refusal` is its explanation."""

    def __init__(self, refusal: str) -> None:
        super().__init__(f"Model refused to produce output: {refusal}")
        self.refusal = refusal

    def _init_args(self) -> tuple[object, ...]:
        return (self.refusal,)


class ModelBehaviorError(AgentsException):
    """The model did something invalid: called an unknown tool, or gave an invalid output."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(AgentsException):
    """The API was used in a way it does not support; the message says how to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserValueError(UserError, ValueError):
    """A misuse the reference SDK reports as `ValueError`; `except ValueError` catches it too."""


class UserTypeError(UserError, TypeError):
    """A misuse the reference SDK reports as `TypeError`; `except TypeError` catches it too."""


class UserRuntimeError(UserError, RuntimeError):
    """A misuse the reference SDK reports as `RuntimeError` (a closed session, for example);
    `except RuntimeError` catches it too."""


class ModelProviderError(AgentsException):
    """The model provider's API returned an error (raised `from` the provider's exception).

    `status_code` and `request_id` are the HTTP status and the provider's request id, when known;
    `body` is the parsed error body.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        code: str | None = None,
        body: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.code = code
        self.body = body


class ModelRateLimitError(ModelProviderError):
    """The provider kept answering 429 (rate limited) after the client's retries."""


class ModelConnectionError(ModelProviderError):
    """The provider could not be reached, or did not answer in time."""


class ToolTimeoutError(AgentsException):
    """A tool ran past its timeout and was configured to fail the run."""

    def __init__(self, tool_name: str, timeout_seconds: float) -> None:
        super().__init__(f"Tool '{tool_name}' timed out after {timeout_seconds:g} seconds.")
        self.tool_name = tool_name
        self.timeout_seconds = timeout_seconds

    def _init_args(self) -> tuple[object, ...]:
        return (self.tool_name, self.timeout_seconds)


class MCPToolCancellationError(AgentsException):
    """An MCP tool call was cut off because the server's connection closed during the call."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RunTimeoutError(AgentsException, TimeoutError):
    """`RunConfig.run_timeout` elapsed; everything the run started was cancelled first."""

    def __init__(self, timeout_seconds: float) -> None:
        super().__init__(f"The run did not finish within run_timeout={timeout_seconds:g} seconds.")
        self.timeout_seconds = timeout_seconds

    def _init_args(self) -> tuple[object, ...]:
        return (self.timeout_seconds,)


class SessionWriteTimeoutError(AgentsException, TimeoutError):
    """Writing a completed turn to the session took longer than `session_write_timeout`.

    The write was abandoned, so the session does not hold that turn."""

    def __init__(self, session_id: str, timeout_seconds: float) -> None:
        super().__init__(
            f"Writing a turn to session {session_id!r} took longer than "
            f"RunConfig.session_write_timeout={timeout_seconds:g}s."
        )
        self.session_id = session_id
        self.timeout_seconds = timeout_seconds

    def _init_args(self) -> tuple[object, ...]:
        return (self.session_id, self.timeout_seconds)


class ModelTimeoutError(AgentsException, TimeoutError):
    """A model request attempt took longer than `ModelSettings.timeout`; it was cancelled."""

    def __init__(self, timeout_seconds: float) -> None:
        super().__init__(f"Model call timed out after {timeout_seconds:g} seconds.")
        self.timeout_seconds = timeout_seconds

    def _init_args(self) -> tuple[object, ...]:
        return (self.timeout_seconds,)


class UsageLimitExceeded(AgentsException):
    """The next model request or tool call would exceed `RunConfig.usage_limits` (or a
    response took the token usage past a limit). `limit` names the limit, e.g. "request_limit".
    """

    def __init__(self, message: str, *, limit: str = "", value: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.limit = limit
        self.value = value

    def _init_args(self) -> tuple[object, ...]:
        return (self.message,)


class InputGuardrailTripwireTriggered(AgentsException):
    """An input guardrail tripped. No tool of the run had started."""

    def __init__(self, guardrail_result: InputGuardrailResult) -> None:
        super().__init__(
            f"Input guardrail {guardrail_result.guardrail.get_name()!r} triggered its tripwire"
        )
        self.guardrail_result = guardrail_result

    def _init_args(self) -> tuple[object, ...]:
        return (self.guardrail_result,)


class OutputGuardrailTripwireTriggered(AgentsException):
    """An output guardrail tripped; its sibling guardrails were cancelled."""

    def __init__(self, guardrail_result: OutputGuardrailResult) -> None:
        super().__init__(
            f"Output guardrail {guardrail_result.guardrail.get_name()!r} triggered its tripwire"
        )
        self.guardrail_result = guardrail_result

    def _init_args(self) -> tuple[object, ...]:
        return (self.guardrail_result,)


class ToolInputGuardrailTripwireTriggered(AgentsException):
    """A tool input guardrail said `raise_exception`: the tool did not run and the turn's other
    tool calls were cancelled."""

    def __init__(
        self, guardrail: ToolInputGuardrail[Any], output: ToolGuardrailFunctionOutput
    ) -> None:
        super().__init__(f"Tool input guardrail {guardrail.get_name()!r} triggered its tripwire")
        self.guardrail = guardrail
        self.output = output

    def _init_args(self) -> tuple[object, ...]:
        return (self.guardrail, self.output)


class ToolOutputGuardrailTripwireTriggered(AgentsException):
    """A tool output guardrail said `raise_exception`: the output was not used and the turn's
    other tool calls were cancelled."""

    def __init__(
        self, guardrail: ToolOutputGuardrail[Any], output: ToolGuardrailFunctionOutput
    ) -> None:
        super().__init__(f"Tool output guardrail {guardrail.get_name()!r} triggered its tripwire")
        self.guardrail = guardrail
        self.output = output

    def _init_args(self) -> tuple[object, ...]:
        return (self.guardrail, self.output)
