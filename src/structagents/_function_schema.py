"""Turn a Python function's signature and docstring into a tool's JSON schema (via pydantic)."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from ._docstring import parse_docstring
from ._run_context import RunContextWrapper
from ._strict_schema import ensure_strict_json_schema
from .exceptions import UserError

__all__ = ["FuncSchema", "function_schema"]


@dataclass
class FuncSchema:
    """A function's tool schema and how to call the function with validated arguments."""

    name: str
    description: str | None
    params_pydantic_model: type[BaseModel]
    params_json_schema: dict[str, Any]
    signature: inspect.Signature
    takes_context: bool
    strict_json_schema: bool

    def to_call_args(self, data: BaseModel) -> tuple[list[Any], dict[str, Any]]:
        """Positional and keyword arguments for the function from validated `data`."""
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        params = list(self.signature.parameters.values())
        for param in params[1:] if self.takes_context else params:
            value = getattr(data, param.name)
            if param.kind is param.VAR_POSITIONAL:
                args.extend(value or ())
            elif param.kind is param.VAR_KEYWORD:
                kwargs.update(value or {})
            elif param.kind is param.KEYWORD_ONLY:
                kwargs[param.name] = value
            else:
                args.append(value)
        return args, kwargs


def function_schema(
    func: Callable[..., Any],
    *,
    name_override: str | None = None,
    description_override: str | None = None,
    use_docstring_info: bool = True,
    strict_json_schema: bool = True,
) -> FuncSchema:
    """Build the `FuncSchema` of `func`.

    A first parameter annotated `RunContextWrapper` or `ToolContext` receives the context and is
    left out of the schema. Parameter descriptions come from the docstring.
    """
    doc = parse_docstring(func.__doc__) if use_docstring_info else None
    name = name_override or getattr(func, "__name__", None) or type(func).__name__
    signature = inspect.signature(func)
    try:
        hints = get_type_hints(func, include_extras=True)
    except Exception as exc:
        raise UserError(f"Cannot read the type hints of tool {name!r}: {exc}") from exc

    params = list(signature.parameters.values())
    takes_context = bool(params) and _is_context_type(hints.get(params[0].name))
    for param in params[1:]:
        if _is_context_type(hints.get(param.name)):
            raise UserError(
                f"Tool {name!r}: the context parameter {param.name!r} must be the first parameter."
            )

    fields: dict[str, Any] = {}
    for param in params[1:] if takes_context else params:
        annotation = hints.get(param.name, Any)
        description = doc.params.get(param.name) if doc else None
        if param.kind is param.VAR_POSITIONAL:
            annotation = list[annotation]  # type: ignore[valid-type]
            default: Any = []
        elif param.kind is param.VAR_KEYWORD:
            annotation = dict[str, annotation]  # type: ignore[valid-type]
            default = {}
        else:
            default = ... if param.default is param.empty else param.default
        fields[param.name] = (annotation, _field(annotation, default, description))

    model = create_model(f"{name}_args", __config__=ConfigDict(extra="forbid"), **fields)
    json_schema = model.model_json_schema()
    json_schema.pop("title", None)
    if strict_json_schema:
        json_schema = ensure_strict_json_schema(json_schema)
    return FuncSchema(
        name=name,
        description=description_override or (doc.description if doc else None),
        params_pydantic_model=model,
        params_json_schema=json_schema,
        signature=signature,
        takes_context=takes_context,
        strict_json_schema=strict_json_schema,
    )


def _field(annotation: Any, default: Any, doc_description: str | None) -> FieldInfo:
    """The pydantic field of one parameter; a description given in code beats the docstring's."""
    if isinstance(default, FieldInfo):
        field = default
        if field.description is None and doc_description:
            field = copy.copy(field)
            field.description = doc_description
        return field
    described = any(
        isinstance(meta, FieldInfo) and meta.description
        for meta in getattr(annotation, "__metadata__", ())
    )
    if doc_description and not described:
        return Field(default, description=doc_description)  # type: ignore[no-any-return]
    return Field(default)  # type: ignore[no-any-return]


def _is_context_type(annotation: Any) -> bool:
    target = get_origin(annotation) or annotation
    if get_origin(annotation) is not None and not inspect.isclass(target):
        # Annotated[...] and friends: look at the first argument.
        args = get_args(annotation)
        return bool(args) and _is_context_type(args[0])
    return inspect.isclass(target) and issubclass(target, RunContextWrapper)
