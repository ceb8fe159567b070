"""The reference SDK's `agents.retry` module path: model retry settings and policies."""

from ._retry import ModelRetryAdvice as ModelRetryAdvice
from ._retry import ModelRetryAdviceRequest as ModelRetryAdviceRequest
from ._retry import ModelRetryBackoffSettings as ModelRetryBackoffSettings
from ._retry import ModelRetryNormalizedError as ModelRetryNormalizedError
from ._retry import ModelRetrySettings as ModelRetrySettings
from ._retry import RetryDecision as RetryDecision
from ._retry import RetryPolicy as RetryPolicy
from ._retry import RetryPolicyContext as RetryPolicyContext
from ._retry import retry_policies as retry_policies

__all__ = [
    "ModelRetryAdvice",
    "ModelRetryAdviceRequest",
    "ModelRetryBackoffSettings",
    "ModelRetryNormalizedError",
    "ModelRetrySettings",
    "RetryDecision",
    "RetryPolicy",
    "RetryPolicyContext",
    "retry_policies",
]
