"""`output_type` handling: the JSON schema sent to the model and validation of its answer."""

from __future__ import annotations

import abc
import functools
import inspect
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_json

from ._strict_schema import ensure_strict_json_schema
from .exceptions import ModelBehaviorError, UserError, UserTypeError

__all__ = [
    "AgentOutputSchema",
    "AgentOutputSchemaBase",
    "check_output_type",
    "dump_output_json",
    "output_schema_for",
]

_WRAPPER_KEY = "response"
_WRAPPER_ADAPTER: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])


class AgentOutputSchemaBase(abc.ABC):
    """What the run needs of an output type: its JSON schema and how to validate an answer.
    Subclass it (and pass an instance as `Agent.output_type`) for a custom schema."""

    @abc.abstractmethod
    def is_plain_text(self) -> bool:
        """Whether the output is plain text (no schema)."""

    @abc.abstractmethod
    def name(self) -> str:
        """A readable name for the output type."""

    @abc.abstractmethod
    def json_schema(self) -> dict[str, Any]:
        """The JSON schema the model's answer must follow (only asked when not plain text)."""

    @abc.abstractmethod
    def is_strict_json_schema(self) -> bool:
        """Whether the schema is sent in strict mode (structured outputs)."""

    @abc.abstractmethod
    def validate_json(self, json_str: str) -> Any:
        """The answer parsed and validated; invalid is a `ModelBehaviorError`."""


class AgentOutputSchema(AgentOutputSchemaBase):
    """The schema of an agent's `output_type`.

    Pydantic models, TypedDicts and dict types are sent as they are; any other type (a
    dataclass, `list[int]`, `str | None`...) is wrapped as `{"response": <type>}`, and unwrapped
    after validation.
    """

    def __init__(self, output_type: Any, strict_json_schema: bool = True) -> None:
        self.output_type = output_type
        self.strict_json_schema = strict_json_schema
        if self.is_plain_text():
            self._adapter: TypeAdapter[Any] | None = None
            self._is_wrapped = False
            self._json_schema: dict[str, Any] = {}
            return
        self._is_wrapped = not _is_object_type(output_type)
        try:
            self._adapter = TypeAdapter(output_type)
            schema = self._adapter.json_schema()
        except Exception as exc:
            raise UserError(
                f"output_type {output_type!r} cannot be described as JSON by pydantic: {exc}"
            ) from exc
        if self._is_wrapped:
            schema = _wrapped_schema(schema)
        self._json_schema = ensure_strict_json_schema(schema) if strict_json_schema else schema

    def is_plain_text(self) -> bool:
        """Whether the output is plain text (no `output_type`, or `str`)."""
        return self.output_type is None or self.output_type is str

    def is_wrapped(self) -> bool:
        """Whether the model answers `{"response": ...}` rather than the object itself."""
        return self._is_wrapped

    def name(self) -> str:
        """A readable name for the output type, as the reference writes it (`list[int]`,
        `Literal['a', 'b']`)."""
        return _type_name(self.output_type)

    def is_strict_json_schema(self) -> bool:
        """Whether the schema is sent in strict mode (`strict_json_schema`)."""
        return self.strict_json_schema

    def json_schema(self) -> dict[str, Any]:
        """The JSON schema the model's answer must follow (strict unless disabled)."""
        if self.is_plain_text():
            raise UserError("A plain text output type has no JSON schema.")
        return self._json_schema

    def dump_json(self, value: Any) -> str:
        """`value`, validated as the output type, as the JSON text a model would answer with
        (wrapped if need be); raises pydantic's `ValidationError` for a value that is not one."""
        if self._adapter is None:
            return str(value)
        value = self._adapter.validate_python(value)
        if self._is_wrapped:
            inner = self._adapter.dump_python(value, mode="json")
            return _WRAPPER_ADAPTER.dump_json({_WRAPPER_KEY: inner}).decode()
        return self._adapter.dump_json(value).decode()

    def validate_json(self, text: str) -> Any:
        """Parse and validate the model's answer; raise `ModelBehaviorError` when it is invalid."""
        if self._adapter is None:
            return text
        try:
            if self._is_wrapped:
                wrapper = _WRAPPER_ADAPTER.validate_json(text)
                if _WRAPPER_KEY not in wrapper:
                    raise ModelBehaviorError(
                        f"Final output for {self.name()} must be an object with a "
                        f"{_WRAPPER_KEY!r} key, got: {text!r}"
                    )
                return self._adapter.validate_python(wrapper[_WRAPPER_KEY])
            return self._adapter.validate_json(text)
        except ValidationError as exc:
            raise ModelBehaviorError(
                f"Final output does not match output_type {self.name()}: {exc}"
            ) from exc


def output_schema_for(output_type: Any) -> AgentOutputSchemaBase | None:
    """The (cached) schema for an agent's `output_type`; `None` for plain text.

    `output_type` may itself be an `AgentOutputSchemaBase` instance: an `AgentOutputSchema`
    (e.g. to turn strict mode off) or your own subclass, used as it is.
    """
    try:
        hash(output_type)
    except TypeError:  # e.g. Annotated[...] with unhashable metadata: not cached
        return _schema_for(output_type)
    return _cached_schema_for(output_type)


def dump_output_json(schema: AgentOutputSchemaBase, value: Any) -> str:
    """`value` as the JSON text a model would answer with for `schema` (an `AgentOutputSchema`
    validates and wraps it; a custom schema gets plain JSON of the value)."""
    if isinstance(schema, AgentOutputSchema):
        return schema.dump_json(value)
    return to_json(value).decode()


def check_output_type(output_type: Any) -> None:
    """Raise `UserError` unless `output_type` is None, a type (`list[int]`, `int | None`,
    a pydantic model...) or an `AgentOutputSchemaBase` instance."""
    if output_type is None or isinstance(output_type, type | AgentOutputSchemaBase):
        return
    if get_origin(output_type) is not None:
        return
    raise UserTypeError(
        f"output_type must be a type (str, int, list[int], a pydantic model, a TypedDict, "
        f"a dataclass, X | None...), an AgentOutputSchemaBase instance or None, not "
        f"{output_type!r} ({type(output_type).__name__}). "
        "For a list of ints write list[int], not [int]."
    )


@functools.lru_cache(maxsize=512)
def _cached_schema_for(output_type: Any) -> AgentOutputSchemaBase | None:
    return _schema_for(output_type)


def _schema_for(output_type: Any) -> AgentOutputSchemaBase | None:
    schema = (
        output_type
        if isinstance(output_type, AgentOutputSchemaBase)
        else AgentOutputSchema(output_type)
    )
    return None if schema.is_plain_text() else schema


def _is_object_type(output_type: Any) -> bool:
    """Whether the answer is the JSON object itself (a model, a TypedDict, any dict type)."""
    target = get_origin(output_type) or output_type
    return inspect.isclass(target) and issubclass(target, BaseModel | dict)


def _type_name(t: Any) -> str:
    origin, args = get_origin(t), get_args(t)
    if origin is None:
        return getattr(t, "__name__", None) or repr(t)
    if args:
        inner = ", ".join(_type_name(arg) for arg in args)
        return f"{getattr(origin, '__name__', None) or origin}[{inner}]"
    return str(t)


def _wrapped_schema(inner: dict[str, Any]) -> dict[str, Any]:
    defs = inner.pop("$defs", None)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {_WRAPPER_KEY: inner},
        "required": [_WRAPPER_KEY],
        "additionalProperties": False,
    }
    if defs:
        schema["$defs"] = defs
    return schema
