"""Turn a Python function's signature and docstring into a tool's JSON schema (via pydantic)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, PydanticUserError, create_model
from pydantic.fields import FieldInfo

from ._docstring import parse_docstring
from ._run_context import RunContextWrapper
from ._strict_schema import ensure_strict_json_schema
from ._tool_signature import signature_error
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
        for param in self._params():
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

    def _params(self) -> tuple[inspect.Parameter, ...]:
        """The parameters the model's arguments fill (after the context), read from
        `signature` once per signature rather than once per call."""
        cached = self.__dict__.get("_params_of")
        if cached is None or cached[0] is not self.signature or cached[1] != self.takes_context:
            params = tuple(self.signature.parameters.values())
            cached = self.__dict__["_params_of"] = (
                self.signature,
                self.takes_context,
                params[1:] if self.takes_context else params,
            )
        return cached[2]


def function_schema(
    func: Callable[..., Any],
    *,
    name_override: str | None = None,
    description_override: str | None = None,
    use_docstring_info: bool = True,
    strict_json_schema: bool = True,
) -> FuncSchema:
    """Build the `FuncSchema` of `func` (a function, or an object with a `__call__` method).

    A first parameter annotated `RunContextWrapper` or `ToolContext` receives the context and is
    left out of the schema. Parameter descriptions come from the docstring, else from the
    annotation (`Annotated[int, "what it is"]` or `Field(description=...)`), as in the
    reference. Arguments the schema does not name are ignored, as pydantic does by default.
    """
    target = callable_target(func)
    doc = parse_docstring(_doc_of(func, target)) if use_docstring_info else None
    name = name_override or getattr(func, "__name__", None) or type(func).__name__
    signature = inspect.signature(target)
    try:
        hints = get_type_hints(target, include_extras=True)
    except Exception as exc:
        raise UserError(
            f"Cannot read the type hints of tool {name!r}: {exc}. Every type its annotations "
            "name must be importable where the function is defined."
        ) from exc

    params = list(signature.parameters.values())
    takes_context = bool(params) and _is_context_type(hints.get(params[0].name))
    for param in params[1:]:
        if _is_context_type(hints.get(param.name)):
            raise UserError(
                f"Tool {name!r}: the context parameter {param.name!r} must be the first parameter."
            )

    fields: dict[str, Any] = {}
    config = ConfigDict()
    for param in params[1:] if takes_context else params:
        annotation = hints.get(param.name, Any)
        description = doc.params.get(param.name) if doc else None
        if param.kind is param.VAR_POSITIONAL:
            annotation = list[annotation]  # type: ignore[valid-type]
            default: Any = []
        elif param.kind is param.VAR_KEYWORD:
            annotation = dict[str, annotation]  # type: ignore[valid-type]
            default = {}
            config["extra"] = "forbid"  # flat keyword arguments would be dropped silently
        else:
            default = ... if param.default is param.empty else param.default
        fields[param.name] = (annotation, _field(annotation, default, description))

    try:
        model = create_model(f"{name}_args", __config__=config, **fields)
        json_schema = model.model_json_schema()
        if strict_json_schema:
            json_schema = ensure_strict_json_schema(json_schema)
    except (PydanticUserError, UserError, TypeError) as exc:  # TypeError: model_config=...
        raise signature_error(name, fields, strict_json_schema, exc) from exc
    return FuncSchema(
        name=name,
        description=description_override or (doc.description if doc else None),
        params_pydantic_model=model,
        params_json_schema=json_schema,
        signature=signature,
        takes_context=takes_context,
        strict_json_schema=strict_json_schema,
    )


def callable_target(func: Callable[..., Any]) -> Callable[..., Any]:
    """What to inspect for `func`'s signature: itself, or the bound `__call__` of an object."""
    if inspect.isroutine(func) or inspect.isclass(func) or not callable(func):
        return func
    if isinstance(func, functools.partial):
        return func
    call = type(func).__call__
    if not inspect.isfunction(call):
        raise UserError(
            f"Cannot make a tool of {func!r}: its __call__ is not a plain method. "
            "Wrap it in a function."
        )
    bound: Callable[..., Any] = call.__get__(func, type(func))
    return bound


def _doc_of(func: Callable[..., Any], target: Callable[..., Any]) -> str | None:
    if target is func:
        return func.__doc__
    return target.__doc__ or type(func).__doc__


def _field(annotation: Any, default: Any, doc_description: str | None) -> FieldInfo:
    """The pydantic field of one parameter. Its description is the docstring's, else the one in
    the annotation: a `Field(description=...)` (merged by pydantic) or a plain string."""
    metadata = getattr(annotation, "__metadata__", ())
    described_in_field = any(isinstance(meta, FieldInfo) and meta.description for meta in metadata)
    description = doc_description
    if description is None and not described_in_field:
        description = next((meta for meta in metadata if isinstance(meta, str)), None)
    if isinstance(default, FieldInfo):
        if description is None:
            return default
        return FieldInfo.merge_field_infos(default, description=description)
    if description is not None:
        return Field(default, description=description)  # type: ignore[no-any-return]
    return Field(default)  # type: ignore[no-any-return]


def _is_context_type(annotation: Any) -> bool:
    target = get_origin(annotation) or annotation
    if get_origin(annotation) is not None and not inspect.isclass(target):
        # Annotated[...] and friends: look at the first argument.
        args = get_args(annotation)
        return bool(args) and _is_context_type(args[0])
    return inspect.isclass(target) and issubclass(target, RunContextWrapper)
