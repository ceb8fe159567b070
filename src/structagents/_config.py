"""`RunConfig`: settings for one run that override the agents'."""

from __future__ import annotations

import math
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias

from ._coercion import coerce_dataclass
from ._guardrails import InputGuardrail, OutputGuardrail, OutputGuardrailResult
from ._handoffs import HandoffHistoryMapper, HandoffInputFilter
from ._run_context import TContext
from ._tool_errors import ToolErrorFormatter, ToolNotFoundBehavior
from ._tool_names import ToolNameCollisionPolicy
from ._usage_limits import UsageLimits
from .exceptions import UserTypeError, UserValueError
from .models.interface import Model, ModelProvider
from .models.settings import ModelSettings, coerce_model_settings
from .sessions.base import SessionSettings
from .tracing.config import TracingConfig

if TYPE_CHECKING:
    from ._agent import Agent
    from ._items import TResponseInputItem

__all__ = [
    "DEFAULT_MAX_TURNS",
    "CallModelData",
    "CallModelInputFilter",
    "ModelInputData",
    "OutputGuardrailBlockedMessage",
    "ReasoningItemIdPolicy",
    "RunConfig",
    "SessionInputCallback",
    "ToolExecutionConfig",
    "coerce_run_config",
]

DEFAULT_MAX_TURNS = 10
"""How many model calls a run may make unless `max_turns` says otherwise."""


@dataclass
class ModelInputData:
    """The instructions and input items of one model call."""

    input: list[TResponseInputItem]
    instructions: str | None


@dataclass
class CallModelData(Generic[TContext]):
    """What `RunConfig.call_model_input_filter` receives before each model call."""

    model_data: ModelInputData
    agent: Agent[Any]
    context: TContext | None


SessionInputCallback: TypeAlias = Callable[
    [list["TResponseInputItem"], list["TResponseInputItem"]],
    "list[TResponseInputItem] | Awaitable[list[TResponseInputItem]]",
]
"""Combines a session's history and a run's new input into the run's input."""

ReasoningItemIdPolicy: TypeAlias = Literal["preserve", "omit"]
"""Whether reasoning items go back to the model with their ids ("preserve") or without."""

OutputGuardrailBlockedMessage: TypeAlias = (
    "str | Callable[[OutputGuardrailResult], str | Awaitable[str]]"
)
"""The final output of a run whose output guardrail tripped (`RunConfig`)."""

CallModelInputFilter: TypeAlias = Callable[
    [CallModelData[Any]], "ModelInputData | Awaitable[ModelInputData]"
]


@dataclass
class ToolExecutionConfig:
    """The reference SDK's spelling of `RunConfig.max_concurrent_tools`, and whether a call
    that waits for approval runs its tool input guardrails first
    (`pre_approval_tool_input_guardrails`: a rejection then answers the call without a pause;
    after approval they run again right before the tool)."""

    max_function_tool_concurrency: int | None = None
    pre_approval_tool_input_guardrails: bool = False

    def __post_init__(self) -> None:
        limit = self.max_function_tool_concurrency
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise UserValueError(
                "tool_execution.max_function_tool_concurrency must be an integer of at least 1 "
                "(or None)."
            )
        if not isinstance(self.pre_approval_tool_input_guardrails, bool):
            raise UserValueError(
                "tool_execution.pre_approval_tool_input_guardrails must be a bool."
            )


@dataclass
class RunConfig:
    """Settings for one run.

    - `model`, `model_settings`: override every agent's model; settings are merged over the
      agent's (`ModelSettings.resolve`). `model_provider` turns model names into models
      (default: a `MultiProvider` the run creates when it first needs it and closes at its end).
    - `call_model_input_filter(CallModelData) -> ModelInputData`: rewrite the instructions and
      input right before every model call (sync or async).
    - `input_guardrails` / `output_guardrails`: run in addition to the agents' own.
    - `max_concurrent_tools`: at most this many tool calls run at once (a shared
      `anyio.CapacityLimiter`); the rest wait their turn. `tool_execution` is the reference
      SDK's spelling of the same setting.
    - `tool_timeout`: default timeout in seconds for tools that set none.
    - `run_timeout`: the whole run is cancelled after this many seconds and raises
      `RunTimeoutError` (a `TimeoutError`).
    - `usage_limits`: `UsageLimits(request_limit=..., input_tokens_limit=..., ...)`: the
      request or tool call that would exceed one is not made and `UsageLimitExceeded` is
      raised (token limits: after the response that went over). Shared with agent-tool runs.
    - `handoff_input_filter`: the input filter of handoffs that have none of their own.
    - `nest_handoff_history`: on a handoff, give the next agent the transcript so far as one
      assistant message instead of the full history (`handoff_history_mapper` builds that
      input yourself). Unused for a handoff with an input filter.
    - `session_input_callback(history, new_input)`: how a session's history and the new input
      become the run's input (default: history, then new input).
    - `session_settings`: overrides the session's own (e.g. `SessionSettings(limit=50)` loads
      only the 50 newest items).
    - `session_write_timeout`: the most seconds one turn's (shielded) session write may take.
    - `stream_buffer_size`: how many events a streamed run may get ahead of its reader
      before it waits (backpressure).
    - `gate_stream_on_guardrails`: in a streamed run, hold the first turn's raw model events
      until the input guardrails have passed; if one trips, none are delivered.
    - `tool_name_collision_policy`: two tools (or a tool and a handoff) with one name are a
      `UserError` before any request ("error", the default), or logged with one of them
      offered ("warn", the reference SDK's default).
    - `tool_not_found_behavior`: a call to a tool the agent does not have raises
      `ModelBehaviorError` ("raise_error") or is answered "Tool 'x' not found." and the run goes
      on ("return_error_to_model").
    - `tool_error_formatter(ToolErrorFormatterArgs) -> str | None`: words the errors the run
      reports to the model itself (a tool not found, a rejected approval); `None` keeps ours.
    - `reasoning_item_id_policy`: "omit" sends reasoning items back without their ids.
    - `output_guardrail_blocked_message`: when an output guardrail trips, end the run with
      this text (or what this function of the `OutputGuardrailResult` returns) as the final
      output instead of raising `OutputGuardrailTripwireTriggered`.

    Settings given as dicts (`model_settings={"temperature": 0}`, `tool_execution={...}`,
    or the whole `run_config={...}` of a run) are converted; unknown keys are a `UserError`.
    - Tracing: `tracing_disabled` records no trace and creates no span at all;
      `trace_include_sensitive_data=False` (or env `OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA
      =false`) keeps model input and output, instructions, tool arguments and results out of
      every span; `workflow_name`, `trace_id`, `group_id` and `trace_metadata` name, identify,
      group and annotate the run's trace (a run inside `with trace(...)` joins that trace
      instead); `tracing` is a `TracingConfig` (e.g. a per-run export `api_key`).
    """

    model: str | Model | None = None
    model_provider: ModelProvider | None = None
    model_settings: ModelSettings | None = None
    call_model_input_filter: CallModelInputFilter | None = None
    input_guardrails: list[InputGuardrail[Any]] = field(default_factory=list)
    output_guardrails: list[OutputGuardrail[Any]] = field(default_factory=list)
    handoff_input_filter: HandoffInputFilter | None = None
    nest_handoff_history: bool = False
    handoff_history_mapper: HandoffHistoryMapper | None = None
    max_concurrent_tools: int | None = None
    tool_execution: ToolExecutionConfig | None = None
    tool_timeout: float | None = None
    run_timeout: float | None = None
    usage_limits: UsageLimits | None = None
    session_input_callback: SessionInputCallback | None = None
    session_settings: SessionSettings | None = None
    session_write_timeout: float = 30.0
    stream_buffer_size: int = 16
    gate_stream_on_guardrails: bool = False
    tool_name_collision_policy: ToolNameCollisionPolicy = "error"
    tool_not_found_behavior: ToolNotFoundBehavior = "raise_error"
    tool_error_formatter: ToolErrorFormatter | None = None
    reasoning_item_id_policy: ReasoningItemIdPolicy | None = None
    output_guardrail_blocked_message: OutputGuardrailBlockedMessage | None = None
    tracing_disabled: bool = False
    tracing: TracingConfig | None = None
    trace_include_sensitive_data: bool = field(
        default_factory=lambda: _env_flag("OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA", True)
    )
    workflow_name: str = "Agent workflow"
    trace_id: str | None = None
    group_id: str | None = None
    trace_metadata: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.model_settings is not None:
            self.model_settings = coerce_model_settings(
                self.model_settings, "RunConfig.model_settings"
            )
        if self.tool_execution is not None:
            self.tool_execution = coerce_dataclass(
                self.tool_execution, ToolExecutionConfig, "RunConfig.tool_execution"
            )
        if self.session_settings is not None:
            self.session_settings = coerce_dataclass(
                self.session_settings, SessionSettings, "RunConfig.session_settings"
            )
        if self.usage_limits is not None:
            self.usage_limits = coerce_dataclass(
                self.usage_limits, UsageLimits, "RunConfig.usage_limits"
            )
        if self.tool_not_found_behavior not in ("raise_error", "return_error_to_model"):
            raise UserValueError(
                "RunConfig.tool_not_found_behavior must be 'raise_error' or "
                "'return_error_to_model'."
            )
        if self.reasoning_item_id_policy not in (None, "preserve", "omit"):
            raise UserValueError("RunConfig.reasoning_item_id_policy must be 'preserve' or 'omit'.")
        if self.tool_name_collision_policy not in ("warn", "error"):
            raise UserValueError("RunConfig.tool_name_collision_policy must be 'warn' or 'error'.")
        if self.tool_execution is not None:
            spelled = self.tool_execution.max_function_tool_concurrency
            if self.max_concurrent_tools is None:
                self.max_concurrent_tools = spelled
            elif spelled is not None and spelled != self.max_concurrent_tools:
                raise UserValueError(
                    "RunConfig: max_concurrent_tools and "
                    "tool_execution.max_function_tool_concurrency disagree; set only one."
                )
        if self.stream_buffer_size < 1:
            raise UserValueError("RunConfig.stream_buffer_size must be at least 1.")
        if self.max_concurrent_tools is not None and self.max_concurrent_tools < 1:
            raise UserValueError("RunConfig.max_concurrent_tools must be at least 1 (or None).")
        _check_blocked_message(self.output_guardrail_blocked_message)
        for name in ("tool_timeout", "run_timeout", "session_write_timeout"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise UserTypeError(f"RunConfig.{name} must be a number of seconds or None.")
            if value is not None and not (value > 0 and math.isfinite(value)):
                raise UserValueError(f"RunConfig.{name} must be a positive number of seconds.")


def _check_blocked_message(message: object) -> None:
    if isinstance(message, str) and not message:
        raise UserValueError("RunConfig.output_guardrail_blocked_message must not be empty.")
    if not (message is None or isinstance(message, str) or callable(message)):
        raise UserTypeError(
            "RunConfig.output_guardrail_blocked_message must be a str, a function of the "
            f"tripped OutputGuardrailResult returning one, or None; not {type(message).__name__}."
        )


def coerce_run_config(value: RunConfig | dict[str, Any] | None) -> RunConfig:
    """`value` as a `RunConfig` (`None`: the defaults; a dict of its fields is converted)."""
    return RunConfig() if value is None else coerce_dataclass(value, RunConfig, "run_config")


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")
