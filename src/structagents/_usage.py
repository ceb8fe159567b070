"""Token and request accounting for a run."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "InputTokensDetails",
    "OutputTokensDetails",
    "RequestUsage",
    "Usage",
    "usage_from_json",
    "usage_to_json",
]


@dataclass
class InputTokensDetails:
    """Breakdown of input tokens, as the provider reports it."""

    cached_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass
class OutputTokensDetails:
    """Breakdown of output tokens, as the provider reports it."""

    reasoning_tokens: int = 0


@dataclass
class RequestUsage:
    """Usage of one model request."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: InputTokensDetails = field(default_factory=InputTokensDetails)
    output_tokens_details: OutputTokensDetails = field(default_factory=OutputTokensDetails)


@dataclass
class Usage:
    """Requests and tokens used, summed over a run; `request_usage_entries` has each request."""

    requests: int = 0
    input_tokens: int = 0
    input_tokens_details: InputTokensDetails = field(default_factory=InputTokensDetails)
    output_tokens: int = 0
    output_tokens_details: OutputTokensDetails = field(default_factory=OutputTokensDetails)
    total_tokens: int = 0
    request_usage_entries: list[RequestUsage] = field(default_factory=list)

    def add(self, other: Usage) -> None:
        """Add `other` into this usage, keeping a per-request entry for each request."""
        self.requests += other.requests
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.total_tokens += other.total_tokens
        self.input_tokens_details.cached_tokens += other.input_tokens_details.cached_tokens
        self.input_tokens_details.cache_write_tokens += (
            other.input_tokens_details.cache_write_tokens
        )
        self.output_tokens_details.reasoning_tokens += other.output_tokens_details.reasoning_tokens
        if other.request_usage_entries:
            self.request_usage_entries.extend(copy.deepcopy(other.request_usage_entries))
        elif other.requests == 1 and (
            other.input_tokens or other.output_tokens or other.total_tokens
        ):  # a request with no tokens (nothing reported) gets no entry, as in the reference
            self.request_usage_entries.append(
                RequestUsage(
                    input_tokens=other.input_tokens,
                    output_tokens=other.output_tokens,
                    total_tokens=other.total_tokens,
                    input_tokens_details=InputTokensDetails(
                        other.input_tokens_details.cached_tokens,
                        other.input_tokens_details.cache_write_tokens,
                    ),
                    output_tokens_details=OutputTokensDetails(
                        other.output_tokens_details.reasoning_tokens
                    ),
                )
            )


def usage_from_json(data: Mapping[str, Any] | None) -> Usage:
    """The `Usage` of one request from a Responses-API `usage` object (absent: zero tokens)."""
    data = data or {}
    input_details = data.get("input_tokens_details") or {}
    output_details = data.get("output_tokens_details") or {}
    return Usage(
        requests=1,
        input_tokens=int(data.get("input_tokens") or 0),
        input_tokens_details=InputTokensDetails(
            int(input_details.get("cached_tokens") or 0),
            int(input_details.get("cache_write_tokens") or 0),
        ),
        output_tokens=int(data.get("output_tokens") or 0),
        output_tokens_details=OutputTokensDetails(int(output_details.get("reasoning_tokens") or 0)),
        total_tokens=int(data.get("total_tokens") or 0),
    )


def usage_to_json(usage: Usage) -> dict[str, Any]:
    """A Responses-API `usage` object for `usage`."""
    return {
        "input_tokens": usage.input_tokens,
        "input_tokens_details": {
            "cached_tokens": usage.input_tokens_details.cached_tokens,
            "cache_write_tokens": usage.input_tokens_details.cache_write_tokens,
        },
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.output_tokens_details.reasoning_tokens},
        "total_tokens": usage.total_tokens,
    }
