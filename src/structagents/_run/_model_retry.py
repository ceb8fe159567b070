"""One model call under `ModelSettings.timeout` (per attempt) and `ModelSettings.retry`.

Each attempt runs in its own cancel scope, so its timeout works the same on asyncio and trio.
The backoff between attempts is a plain `anyio.sleep`: a cancel during it stops at once. A
streamed attempt that already delivered output events to the user is never sent again.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio

from .._retry import (
    ModelRetryAdviceRequest,
    ModelRetryBackoffSettings,
    ModelRetrySettings,
    RetryPolicyContext,
    evaluate_policy,
    normalize_error,
)
from .._usage import InputTokensDetails, OutputTokensDetails, RequestUsage, Usage
from ..exceptions import ModelTimeoutError
from ..models.interface import Model, ModelResponse
from ..models.settings import ModelSettings

__all__ = ["Attempt", "call_with_retry", "retry_delay"]

_RETRY_SAFE_EVENTS = frozenset({"response.created", "response.in_progress"})


@dataclass
class Attempt:
    """One try at a model request; a streamed try sets `response_started` once it forwarded
    an event the user can see (anything but `response.created` / `response.in_progress`)."""

    number: int
    response_started: bool = False

    def saw_event(self, event_type: object) -> None:
        if event_type not in _RETRY_SAFE_EVENTS:
            self.response_started = True


async def call_with_retry(
    request: Callable[[Attempt], Awaitable[ModelResponse]],
    model: Model,
    settings: ModelSettings,
    *,
    stream: bool,
    previous_response_id: str | None,
    conversation_id: str | None,
) -> ModelResponse:
    """`request()` once, or again after each failure the retry settings allow."""
    retry = settings.retry
    failed = 0
    while True:
        attempt = Attempt(number=failed + 1)
        try:
            response = await _timed(request, attempt, settings.timeout)
        except Exception as error:
            delay = await _retry_delay_for(
                error, attempt, model, retry, stream, previous_response_id, conversation_id
            )
            if delay is None:
                raise
            failed += 1
            await anyio.sleep(delay)
            continue
        if failed:
            _count_failed_attempts(response.usage, failed)
        return response


async def _timed(
    request: Callable[[Attempt], Awaitable[ModelResponse]], attempt: Attempt, seconds: float | None
) -> ModelResponse:
    """One attempt, cancelled after `seconds` (`ModelSettings.timeout`). Without a timeout
    there is no scope to open (an empty cancel scope costs about as much as the rest of the
    turn's bookkeeping)."""
    if not seconds:
        return await request(attempt)
    with anyio.CancelScope(deadline=anyio.current_time() + seconds) as scope:
        try:
            return await request(attempt)
        except Exception as exc:
            if scope.cancel_called:
                raise ModelTimeoutError(seconds) from exc
            raise
    raise ModelTimeoutError(seconds)  # only our deadline ends the scope without an exception


async def _retry_delay_for(
    error: Exception,
    attempt: Attempt,
    model: Model,
    retry: ModelRetrySettings | None,
    stream: bool,
    previous_response_id: str | None,
    conversation_id: str | None,
) -> float | None:
    """Seconds to wait before retrying `error`, or `None` if it must not be retried."""
    if retry is None or retry.policy is None or attempt.number > (retry.max_retries or 0):
        return None
    if attempt.response_started:
        return None  # the user already saw part of this reply: never send it twice
    advice = model.get_retry_advice(
        ModelRetryAdviceRequest(
            error, attempt.number, stream, previous_response_id, conversation_id
        )
    )
    if advice is not None and advice.response_started:
        return None
    normalized = normalize_error(error, advice)
    context = RetryPolicyContext(
        error=error,
        attempt=attempt.number,
        max_retries=retry.max_retries or 0,
        stream=stream,
        normalized=normalized,
        provider_advice=advice,
        previous_response_id=previous_response_id,
        conversation_id=conversation_id,
    )
    if context.replay_safety == "unsafe" and stream:
        return None
    decision = await evaluate_policy(retry.policy, context)
    if not decision.retry:
        return None
    approved = decision.approve_unsafe_replay or context.replay_safety == "safe"
    if (context.stateful_request or context.replay_safety == "unsafe") and not approved:
        return None  # re-sending could repeat work the server already did
    if decision.delay is not None:
        return max(decision.delay, 0.0)
    if normalized.retry_after is not None:
        return max(normalized.retry_after, 0.0)
    backoff = retry.backoff if isinstance(retry.backoff, ModelRetryBackoffSettings) else None
    return retry_delay(attempt.number, backoff)


def retry_delay(attempt: int, backoff: ModelRetryBackoffSettings | None) -> float:
    """The backoff before retry number `attempt` (1-based)."""
    b = backoff or ModelRetryBackoffSettings()
    initial = 0.25 if b.initial_delay is None else b.initial_delay
    max_delay = 2.0 if b.max_delay is None else b.max_delay
    multiplier = 2.0 if b.multiplier is None else b.multiplier
    delay = min(initial * multiplier ** max(attempt - 1, 0), max_delay)
    if b.jitter is False:
        return delay
    return min(delay * (0.875 + random.random() * 0.25), max_delay)


def _count_failed_attempts(usage: Usage, failed: int) -> None:
    """Count the failed attempts as requests that used no tokens (as the reference does)."""
    entries = list(usage.request_usage_entries) or [
        RequestUsage(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            total_tokens=usage.total_tokens,
            input_tokens_details=InputTokensDetails(usage.input_tokens_details.cached_tokens),
            output_tokens_details=OutputTokensDetails(usage.output_tokens_details.reasoning_tokens),
        )
    ]
    usage.requests = max(usage.requests, 1) + failed
    usage.request_usage_entries = [RequestUsage() for _ in range(failed)] + entries
