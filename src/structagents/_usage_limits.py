"""`UsageLimits`: caps on a run's requests, tokens and tool calls (`RunConfig.usage_limits`).

A run checks its limits before each model request and each turn's tool calls (the one that
would go over raises `UsageLimitExceeded` and is never made) and its token limits after each
response. Runs started inside a tool of the run (agents as tools) count toward the same
limits: the run's budget is carried to them in a context variable.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields

from ._usage import Usage
from .exceptions import UsageLimitExceeded, UserError

__all__ = ["UsageBudget", "UsageLimits", "active_budgets", "sharing_budgets"]


@dataclass(frozen=True)
class UsageLimits:
    """The most a run (with the runs its agent tools start) may use; `None` is no limit.

    - `request_limit`: model requests (each retry attempt counts).
    - `input_tokens_limit`, `output_tokens_limit`, `total_tokens_limit`: tokens, as the
      provider reports them after each response.
    - `tool_calls_limit`: tool calls the run makes.
    """

    request_limit: int | None = None
    input_tokens_limit: int | None = None
    output_tokens_limit: int | None = None
    total_tokens_limit: int | None = None
    tool_calls_limit: int | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise UserError(f"UsageLimits.{f.name} must be a whole number >= 0 (or None).")

    def has_token_limits(self) -> bool:
        return any(
            limit is not None
            for limit in (
                self.input_tokens_limit,
                self.output_tokens_limit,
                self.total_tokens_limit,
            )
        )


@dataclass(eq=False)
class UsageBudget:
    """One set of limits and what has been used against them so far."""

    limits: UsageLimits
    used: Usage = field(default_factory=Usage)
    tool_calls: int = 0

    def before_request(self) -> None:
        """Count one more model request, or raise if it would exceed `request_limit`."""
        limit = self.limits.request_limit
        if limit is not None and self.used.requests + 1 > limit:
            raise UsageLimitExceeded(
                f"The next model request would be request {self.used.requests + 1}, over "
                f"request_limit={limit}; it was not sent.",
                limit="request_limit",
                value=self.used.requests + 1,
            )
        self.used.requests += 1

    def after_response(self, usage: Usage) -> None:
        """Add a response's tokens; raise if that took them past a token limit."""
        self.used.input_tokens += usage.input_tokens
        self.used.output_tokens += usage.output_tokens
        self.used.total_tokens += usage.total_tokens
        for name, used in (
            ("input_tokens_limit", self.used.input_tokens),
            ("output_tokens_limit", self.used.output_tokens),
            ("total_tokens_limit", self.used.total_tokens),
        ):
            limit = getattr(self.limits, name)
            if limit is not None and used > limit:
                raise UsageLimitExceeded(
                    f"The run has used {used} {name.removesuffix('_limit').replace('_', ' ')}, "
                    f"over {name}={limit}.",
                    limit=name,
                    value=used,
                )

    def before_tool_calls(self, count: int) -> None:
        """Count `count` more tool calls, or raise if they would exceed `tool_calls_limit`
        (then none of them is counted, or made)."""
        limit = self.limits.tool_calls_limit
        if limit is not None and self.tool_calls + count > limit:
            raise UsageLimitExceeded(
                f"Tool call {limit + 1} of the run would exceed tool_calls_limit={limit}; "
                f"none of this turn's {count} tool call(s) was made.",
                limit="tool_calls_limit",
                value=self.tool_calls + count,
            )
        self.tool_calls += count


_budgets: contextvars.ContextVar[tuple[UsageBudget, ...]] = contextvars.ContextVar(
    "structagents_usage_budgets", default=()
)


def active_budgets(limits: UsageLimits | None) -> tuple[UsageBudget, ...]:
    """The budgets a new run checks: those of the runs it is nested in, plus its own."""
    inherited = _budgets.get()
    return inherited if limits is None else (*inherited, UsageBudget(limits))


@contextmanager
def sharing_budgets(budgets: tuple[UsageBudget, ...]) -> Iterator[None]:
    """Make `budgets` the ones runs started from here (inside this run's tools) inherit."""
    token = _budgets.set(budgets)
    try:
        yield
    finally:
        _budgets.reset(token)
