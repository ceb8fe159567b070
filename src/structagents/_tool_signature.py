"""Clear errors for tools the model could not call: a bad name, or a parameter pydantic
cannot describe as JSON schema. Each names the tool (and the parameter) and says the fix."""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter

from ._strict_schema import ensure_strict_json_schema
from .exceptions import UserError

__all__ = ["check_tool_name", "signature_error"]

_VALID_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

SUPPORTED_TYPES = (
    "Tool parameters must be types pydantic can describe as JSON schema: str, int, float, "
    "bool, None, Literal, Enum, datetime, lists and tuples of them, pydantic models, "
    "dataclasses and TypedDicts (dicts with free-form keys need strict_mode=False)."
)


def check_tool_name(name: str, func: object) -> None:
    """A `UserError` unless the OpenAI API accepts `name` (`^[a-zA-Z0-9_-]{1,64}$`)."""
    if _VALID_NAME.match(name):
        return
    if name == "<lambda>":
        raise UserError(
            "function_tool got a lambda, whose name '<lambda>' the model cannot call: pass "
            "name_override='my_tool' (or define it with def)."
        )
    fixed = re.sub(r"[^a-zA-Z0-9_-]", "_", name)[:64] or "my_tool"
    raise UserError(
        f"Tool name {name!r} (of {func!r}) is not accepted by the OpenAI API, which allows "
        f"1 to 64 letters, digits, '_' and '-': pass name_override={fixed!r}."
    )


def signature_error(
    tool_name: str, fields: dict[str, Any], strict: bool, exc: Exception
) -> UserError:
    """The `UserError` for a parameter schema pydantic could not build: it names the first
    parameter at fault and why (found by checking each one alone, only on this error path)."""
    for param, (annotation, _field) in fields.items():
        reason = _problem(param, annotation, strict)
        if reason is not None:
            return UserError(f"Tool {tool_name!r}: parameter {param!r} {reason}")
    return UserError(f"Tool {tool_name!r}: cannot build the schema of its parameters: {exc}")


def _problem(param: str, annotation: Any, strict: bool) -> str | None:
    if param.startswith("_"):
        return "starts with '_', which pydantic does not allow in a field name: rename it."
    if param == "model_config":
        return "is a name pydantic reserves: rename it."
    try:
        schema = TypeAdapter(annotation).json_schema()
    except Exception:
        return f"has type {_type_name(annotation)}, which has no JSON schema. {SUPPORTED_TYPES}"
    if strict:
        try:
            ensure_strict_json_schema(schema)
        except UserError as exc:
            return f"has type {_type_name(annotation)}, which strict mode rejects. {exc.message}"
    return None


def _type_name(annotation: Any) -> str:
    if isinstance(annotation, type):
        return annotation.__qualname__
    return repr(annotation).replace("typing.", "")
