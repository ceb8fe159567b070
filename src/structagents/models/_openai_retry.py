"""Retry advice for OpenAI-style HTTP errors: status codes, `Retry-After`, `x-should-retry`."""

from __future__ import annotations

import email.utils
import time
from typing import Any

from .._retry import ModelRetryAdvice, ModelRetryAdviceRequest, normalize_error

__all__ = ["openai_retry_advice"]

_RETRYABLE_STATUSES = frozenset({408, 409, 429})


def openai_retry_advice(request: ModelRetryAdviceRequest) -> ModelRetryAdvice | None:
    """The advice the OpenAI API gives about `request.error` (as the reference SDK reads it)."""
    error = request.error
    headers = _headers(error)
    retry_after = _retry_after(headers)
    normalized = normalize_error(error)
    normalized.retry_after = retry_after
    status = normalized.status_code
    should_retry = (headers.get("x-should-retry") or "").strip().lower()
    if should_retry in ("true", "false"):
        return ModelRetryAdvice(
            suggested=should_retry == "true",
            retry_after=retry_after,
            replay_safety="safe" if should_retry == "true" else None,
            reason=str(error),
            normalized=normalized,
        )
    if normalized.is_network_error or normalized.is_timeout:
        return ModelRetryAdvice(
            suggested=True, retry_after=retry_after, reason=str(error), normalized=normalized
        )
    if isinstance(status, int) and (status in _RETRYABLE_STATUSES or status >= 500):
        stateful = bool(request.previous_response_id or request.conversation_id)
        return ModelRetryAdvice(
            suggested=True,
            retry_after=retry_after,
            replay_safety="safe" if stateful else None,
            reason=str(error),
            normalized=normalized,
        )
    if retry_after is not None:
        return ModelRetryAdvice(retry_after=retry_after, reason=str(error), normalized=normalized)
    return None


def _headers(error: BaseException) -> dict[str, str]:
    """The response headers of the `openai` error `error` was raised from, lower-cased."""
    cause: BaseException | None = error
    while cause is not None:
        response: Any = getattr(cause, "response", None)
        headers = getattr(response, "headers", None)
        if headers is not None:
            return {str(k).lower(): str(v) for k, v in headers.items()}
        cause = cause.__cause__
    return {}


def _retry_after(headers: dict[str, str]) -> float | None:
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(float(milliseconds) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(parsed.timestamp() - time.time(), 0.0) if parsed is not None else None
