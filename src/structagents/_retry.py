"""Model retries: `ModelRetrySettings`, what a policy sees, and the stock `retry_policies`.

A failed model request is retried only when `ModelSettings.retry` sets `max_retries` and a
`policy` says yes; the run loop then waits the backoff (a cancellable sleep) and sends the
request again. The runtime that applies these lives in `_run/_model_retry.py`.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeAlias

from ._coercion import coerce_dataclass
from .exceptions import ModelConnectionError, ModelProviderError, ModelTimeoutError, UserError

__all__ = [
    "ModelRetryAdvice",
    "ModelRetryAdviceRequest",
    "ModelRetryBackoffSettings",
    "ModelRetryNormalizedError",
    "ModelRetrySettings",
    "RetryDecision",
    "RetryPolicy",
    "RetryPolicyContext",
    "evaluate_policy",
    "normalize_error",
    "retry_policies",
]


@dataclass
class ModelRetryBackoffSettings:
    """How long to wait before a retry the policy gave no delay for.

    The n-th retry waits `initial_delay * multiplier**(n-1)` seconds, at most `max_delay`,
    varied by up to ±12.5% when `jitter` is on. Unset fields use 0.25 s, 2 s, 2.0 and True.
    """

    initial_delay: float | None = None
    max_delay: float | None = None
    multiplier: float | None = None
    jitter: bool | None = None

    def __post_init__(self) -> None:
        for name in ("initial_delay", "max_delay", "multiplier"):
            value = getattr(self, name)
            if value is not None and not (value >= 0 and math.isfinite(value)):
                raise UserError(f"ModelRetryBackoffSettings.{name} must be a number >= 0.")

    def to_json_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class ModelRetrySettings:
    """Opt-in retries of failed model requests, made by the run (`ModelSettings.retry`).

    - `max_retries`: retries allowed after the first request (unset: none).
    - `backoff`: a `ModelRetryBackoffSettings` (or a dict of its fields).
    - `policy`: decides whether an error is retried, e.g. `retry_policies.provider_suggested()`;
      without one nothing is retried. Not serialised.
    """

    max_retries: int | None = None
    backoff: ModelRetryBackoffSettings | dict[str, Any] | None = None
    policy: RetryPolicy | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.backoff, dict):
            self.backoff = coerce_dataclass(
                self.backoff, ModelRetryBackoffSettings, "retry.backoff"
            )
        if self.max_retries is not None and self.max_retries < 0:
            raise UserError("ModelRetrySettings.max_retries must be 0 or more.")
        if self.policy is not None and not callable(self.policy):
            raise UserError("ModelRetrySettings.policy must be a function (see retry_policies).")

    def to_json_dict(self) -> dict[str, Any]:
        backoff = self.backoff
        return {
            "max_retries": self.max_retries,
            "backoff": backoff.to_json_dict()
            if isinstance(backoff, ModelRetryBackoffSettings)
            else None,
        }

    def merged(self, override: ModelRetrySettings | None) -> ModelRetrySettings:
        """These settings with every field `override` sets laid over them (backoff too)."""
        if override is None:
            return self
        backoff = self.backoff
        over = override.backoff
        if isinstance(backoff, ModelRetryBackoffSettings) and isinstance(
            over, ModelRetryBackoffSettings
        ):
            over = ModelRetryBackoffSettings(
                **{**_set_fields(backoff), **_set_fields(over)},
            )
        return ModelRetrySettings(
            max_retries=override.max_retries
            if override.max_retries is not None
            else self.max_retries,
            backoff=over if over is not None else backoff,
            policy=override.policy if override.policy is not None else self.policy,
        )


@dataclass
class ModelRetryNormalizedError:
    """The facts about a failed request that policies decide on."""

    status_code: int | None = None
    error_code: str | None = None
    message: str | None = None
    request_id: str | None = None
    retry_after: float | None = None
    is_abort: bool = False
    is_network_error: bool = False
    is_timeout: bool = False


@dataclass
class ModelRetryAdvice:
    """What a model adapter says about retrying one of its errors (`Model.get_retry_advice`).

    `replay_safety` is "safe", "unsafe" or None (unknown); `response_started` means the
    provider had begun answering, so the request must not be sent again.
    """

    suggested: bool | None = None
    retry_after: float | None = None
    replay_safety: Literal["safe", "unsafe"] | str | None = None
    reason: str | None = None
    normalized: ModelRetryNormalizedError | None = None
    response_started: bool = False


@dataclass
class ModelRetryAdviceRequest:
    """What a model adapter gets when asked for retry advice."""

    error: Exception
    attempt: int
    stream: bool
    previous_response_id: str | None = None
    conversation_id: str | None = None


@dataclass
class RetryDecision:
    """A policy's answer: retry or not, after how long (`None`: the backoff's delay).

    `approve_unsafe_replay` explicitly accepts re-sending a request the provider marked
    replay-unsafe, or one continuing a server-side conversation.
    """

    retry: bool
    delay: float | None = None
    reason: str | None = None
    approve_unsafe_replay: bool = False
    _veto: bool = field(default=False, init=False, repr=False, compare=False)


@dataclass
class RetryPolicyContext:
    """What a retry policy is called with."""

    error: Exception
    attempt: int
    max_retries: int
    stream: bool
    normalized: ModelRetryNormalizedError
    provider_advice: ModelRetryAdvice | None = None
    previous_response_id: str | None = None
    conversation_id: str | None = None

    @property
    def response_started(self) -> bool:
        return self.provider_advice is not None and self.provider_advice.response_started

    @property
    def replay_safety(self) -> str:
        """The provider's replay classification: "safe", "unsafe" or "unknown"."""
        safety = self.provider_advice.replay_safety if self.provider_advice else None
        return safety if safety in ("safe", "unsafe") else "unknown"

    @property
    def stateful_request(self) -> bool:
        """Whether the request continued a server-side conversation."""
        return bool(self.previous_response_id or self.conversation_id)


RetryPolicy: TypeAlias = Callable[
    [RetryPolicyContext], "bool | RetryDecision | Awaitable[bool | RetryDecision]"
]


async def evaluate_policy(policy: RetryPolicy, context: RetryPolicyContext) -> RetryDecision:
    """Call `policy` (sync or async) and make its answer a `RetryDecision`."""
    value = policy(context)
    if inspect.isawaitable(value):
        value = await value
    return value if isinstance(value, RetryDecision) else RetryDecision(retry=bool(value))


def _veto(decision: RetryDecision) -> RetryDecision:
    decision._veto = True
    return decision


class _RetryPolicies:
    """Stock policies; combine them with `all(...)` and `any(...)`."""

    def never(self) -> RetryPolicy:
        """Retry nothing."""
        return lambda _context: False

    def provider_suggested(self) -> RetryPolicy:
        """Retry when the model adapter advises it (OpenAI: 408/409/429/5xx, network errors,
        `x-should-retry`); its "do not retry" vetoes the other policies of an `any(...)`."""

        def policy(context: RetryPolicyContext) -> bool | RetryDecision:
            advice = context.provider_advice
            if advice is None or advice.suggested is None:
                return False
            if advice.suggested is False:
                return _veto(RetryDecision(retry=False, reason=advice.reason))
            return RetryDecision(
                retry=True,
                delay=advice.retry_after,
                reason=advice.reason,
                approve_unsafe_replay=advice.replay_safety == "safe",
            )

        return policy

    def network_error(self) -> RetryPolicy:
        """Retry connection failures and timeouts."""
        return lambda context: context.normalized.is_network_error or context.normalized.is_timeout

    def retry_after(self) -> RetryPolicy:
        """Retry when the provider said how long to wait (`Retry-After`), after that long."""

        def policy(context: RetryPolicyContext) -> bool | RetryDecision:
            delay = context.normalized.retry_after
            if delay is None and context.provider_advice is not None:
                delay = context.provider_advice.retry_after
            return False if delay is None else RetryDecision(retry=True, delay=delay)

        return policy

    def http_status(self, statuses: Iterable[int]) -> RetryPolicy:
        """Retry these HTTP status codes."""
        allowed = frozenset(statuses)
        return lambda context: context.normalized.status_code in allowed

    def all(self, *policies: RetryPolicy) -> RetryPolicy:
        """Retry only when every policy says so (the last delay given wins)."""
        if not policies:
            return self.never()

        async def policy(context: RetryPolicyContext) -> RetryDecision:
            merged = RetryDecision(retry=True)
            for each in policies:
                decision = await evaluate_policy(each, context)
                if not decision.retry:
                    return decision
                merged.delay = decision.delay if decision.delay is not None else merged.delay
                merged.reason = decision.reason or merged.reason
                merged.approve_unsafe_replay |= decision.approve_unsafe_replay
            return merged

        return policy

    def any(self, *policies: RetryPolicy) -> RetryPolicy:
        """Retry when one policy says so, unless one vetoes (`provider_suggested`'s "no")."""
        if not policies:
            return self.never()

        async def policy(context: RetryPolicyContext) -> RetryDecision:
            first_yes: RetryDecision | None = None
            last_no = RetryDecision(retry=False)
            for each in policies:
                decision = await evaluate_policy(each, context)
                if decision._veto:
                    return decision
                if not decision.retry:
                    last_no = decision
                elif first_yes is None:
                    first_yes = decision
                else:
                    first_yes.approve_unsafe_replay |= decision.approve_unsafe_replay
            return first_yes if first_yes is not None else last_no

        return policy


retry_policies = _RetryPolicies()
"""The stock retry policies: `never`, `provider_suggested`, `network_error`, `retry_after`,
`http_status(...)`, and the combinators `all(...)` / `any(...)`."""


def _set_fields(value: Any) -> dict[str, Any]:
    return {
        f.name: getattr(value, f.name) for f in fields(value) if getattr(value, f.name) is not None
    }


def normalize_error(
    error: Exception, advice: ModelRetryAdvice | None = None
) -> ModelRetryNormalizedError:
    """The facts about `error` a policy decides on (the adapter's advice fills in the rest)."""
    if advice is not None and advice.normalized is not None:
        return advice.normalized
    provider = error if isinstance(error, ModelProviderError) else None
    return ModelRetryNormalizedError(
        status_code=getattr(error, "status_code", None),
        error_code=provider.code if provider is not None else getattr(error, "code", None),
        message=str(error),
        request_id=getattr(error, "request_id", None),
        retry_after=advice.retry_after if advice is not None else None,
        is_network_error=isinstance(error, ModelConnectionError | ModelTimeoutError),
        is_timeout=_is_timeout(error),
    )


def _is_timeout(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, TimeoutError) or type(error).__name__ == "APITimeoutError":
            return True
        error = error.__cause__
    return False
