"""`ModelSettings`: the tuning knobs sent with every model request."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

__all__ = ["ModelSettings", "ToolChoice"]

ToolChoice = Literal["auto", "required", "none"] | str | dict[str, Any] | None


@dataclass(frozen=True)
class ModelSettings:
    """Optional model parameters; `None` means "use the provider's default".

    `RunConfig.model_settings` is merged over the agent's with `resolve()`: every field the
    override sets (not `None`) wins; `extra_args`, `extra_headers` and `extra_body` dicts merge.
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
    include_usage: bool | None = None
    response_include: list[str] | None = None
    top_logprobs: int | None = None
    extra_query: dict[str, Any] | None = None
    extra_body: dict[str, Any] | None = None
    extra_headers: dict[str, str] | None = None
    extra_args: dict[str, Any] | None = None

    def resolve(self, override: ModelSettings | None) -> ModelSettings:
        """Return these settings with every field `override` sets laid over them."""
        if override is None:
            return self
        changes: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(override, f.name)
            if value is None:
                continue
            base = getattr(self, f.name)
            if f.name in _MERGED_DICTS and isinstance(base, dict) and isinstance(value, dict):
                value = {**base, **value}
            changes[f.name] = value
        return replace(self, **changes) if changes else self

    def to_json_dict(self) -> dict[str, Any]:
        """The fields that are set, as plain JSON-ready values."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            dump = getattr(value, "model_dump", None)
            out[f.name] = dump(exclude_none=True) if callable(dump) else value
        return out


_MERGED_DICTS = frozenset({"extra_args", "extra_headers", "extra_body", "extra_query"})
