"""Settings given as dicts, the way the reference SDK accepts them (`model_settings={...}`)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from .exceptions import UserTypeError

__all__ = ["coerce_dataclass"]

T = TypeVar("T")


def coerce_dataclass(value: T | dict[str, Any], kind: type[T], where: str) -> T:
    """`value` as a `kind`: instances pass; a dict of its fields is converted; anything else,
    or an unknown field, is a `UserTypeError` (a `TypeError`, as in the reference)."""
    if isinstance(value, kind):
        return value
    if not isinstance(value, dict):
        raise UserTypeError(
            f"{where} must be a {kind.__name__} or a dict, not {type(value).__name__}."
        )
    names = {f.name for f in fields(kind) if f.init}  # type: ignore[arg-type]
    unknown = sorted(str(key) for key in value if key not in names)
    if unknown:
        raise UserTypeError(
            f"{where}: unknown {kind.__name__} field(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(names))})."
        )
    return kind(**value)
