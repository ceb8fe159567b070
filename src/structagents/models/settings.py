"""`ModelSettings`: the tuning knobs sent with every model request."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from .._coercion import coerce_dataclass
from .._retry import ModelRetrySettings
from ..exceptions import UserError

__all__ = ["ModelSettings", "ToolChoice", "coerce_model_settings"]

ToolChoice = Literal["auto", "required", "none"] | str | dict[str, Any] | None


@dataclass
class ModelSettings:
    """Optional model parameters; `None` means "use the provider's default".

    `RunConfig.model_settings` is merged over the agent's with `resolve()`: every field the
    override sets (not `None`) wins; `extra_args`, `extra_headers`, `extra_body` and
    `extra_query` dicts merge, and so do the fields of `retry`. Anywhere settings are taken, a
    dict of these fields works too (`model_settings={"temperature": 0}`).

    `retry` (a `ModelRetrySettings`) and `timeout` (seconds per request attempt, raising
    `ModelTimeoutError`) are applied by the run, not sent to the provider.
    """

    temperature: float | None = None
    top_p: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    tool_choice: ToolChoice = None
    parallel_tool_calls: bool | None = None
    truncation: Literal["auto", "disabled"] | None = None
    max_tokens: int | None = None
    reasoning: dict[str, Any] | Any | None = None
    verbosity: Literal["low", "medium", "high"] | None = None
    metadata: dict[str, str] | None = None
    store: bool | None = None
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    include_usage: bool | None = None
    response_include: list[str] | None = None
    top_logprobs: int | None = None
    extra_query: dict[str, Any] | None = None
    extra_body: dict[str, Any] | None = None
    extra_headers: dict[str, str] | None = None
    extra_args: dict[str, Any] | None = None
    retry: ModelRetrySettings | None = None
    context_management: list[dict[str, Any]] | None = None
    prompt_cache_options: dict[str, Any] | None = None
    preserve_raw_usage: bool | None = None
    timeout: float | None = None

    def __post_init__(self) -> None:
        retry: Any = self.retry  # a dict of its fields is accepted too
        if isinstance(retry, dict):
            retry = coerce_dataclass(retry, ModelRetrySettings, "ModelSettings.retry")
            self.retry = retry
        timeout = self.timeout
        if timeout is not None and not (timeout > 0 and math.isfinite(timeout)):
            raise UserError("ModelSettings.timeout must be a positive number of seconds (or None).")

    def resolve(self, override: ModelSettings | dict[str, Any] | None) -> ModelSettings:
        """Return these settings with every field `override` sets laid over them."""
        if override is None:
            return self
        override = coerce_model_settings(override, "ModelSettings override")
        changes: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(override, f.name)
            if value is None:
                continue
            base = getattr(self, f.name)
            if f.name in _MERGED_DICTS and isinstance(base, dict) and isinstance(value, dict):
                value = {**base, **value}
            elif f.name == "retry" and isinstance(base, ModelRetrySettings):
                value = base.merged(value)
            changes[f.name] = value
        return replace(self, **changes) if changes else self

    def to_json_dict(self) -> dict[str, Any]:
        """The fields that are set, as plain JSON-ready values."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, ModelRetrySettings):
                out[f.name] = value.to_json_dict()
                continue
            dump = getattr(value, "model_dump", None)
            out[f.name] = dump(exclude_none=True) if callable(dump) else value
        return out


def coerce_model_settings(value: ModelSettings | dict[str, Any], where: str) -> ModelSettings:
    """`value` as `ModelSettings` (a dict of its fields is converted; unknown keys are a
    `UserError`)."""
    return coerce_dataclass(value, ModelSettings, where)


_MERGED_DICTS = frozenset({"extra_args", "extra_headers", "extra_body", "extra_query"})
