"""Typed at the surface, plain inside: the `openai` SDK's objects, built only when read.

The runtime carries Responses-API JSON dicts (history, sessions, request bodies). Where the
reference SDK hands users typed objects (`RunItem.raw_item`, `ModelResponse.output`, stream
event `data`), `TypedView` builds them on first access from the dict and caches them, so runs
that nobody inspects pay nothing and `import structagents` never imports `openai`.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["TypedView", "plain", "typed_output_item", "typed_output_items", "typed_stream_event"]

_Kind = Literal["output_item", "stream_event"]
_builders: dict[_Kind, dict[str, _Builder]] = {}
_set = object.__setattr__


def plain(value: Any) -> dict[str, Any]:
    """`value` as a JSON dict: dicts as they are, the SDK's pydantic objects dumped as the
    reference SDK dumps them (fields that were set, JSON-ready)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        data: dict[str, Any] = dump(exclude_unset=True, mode="json")
        return data
    raise TypeError(
        f"Expected a Responses-API item or event (a dict or an openai SDK object), "
        f"not {type(value).__name__}."
    )


def _builders_for(kind: _Kind) -> dict[str, _Builder]:
    """A builder per SDK class of one discriminated union, by its `type` value (made once)."""
    builders = _builders.get(kind)
    if builders is None:
        from openai.types.responses import ResponseOutputItem, ResponseStreamEvent

        union = ResponseOutputItem if kind == "output_item" else ResponseStreamEvent
        builders = {}
        for cls in typing.get_args(typing.get_args(union)[0]):
            builder = _Builder.for_class(cls)
            for name in typing.get_args(cls.model_fields["type"].annotation):
                builders[name] = builder
        _builders[kind] = builders
    return builders


def _typed(kind: _Kind, data: dict[str, Any]) -> Any:
    builder = _builders_for(kind).get(data.get("type"))  # type: ignore[arg-type]
    if builder is None:
        return data  # a kind this openai release does not know: stays a dict
    return builder.build(data)


def _holds_model(annotation: Any) -> bool:
    """Whether a field's annotation may contain a pydantic model (its value needs building)."""
    from pydantic import BaseModel

    if typing.get_origin(annotation) is Literal:
        return False
    if isinstance(annotation, str | typing.ForwardRef):
        return True  # unresolved: assume it does
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in typing.get_args(annotation))


@dataclass(frozen=True)
class _Builder:
    """Builds one SDK class from dicts.

    Validation costs ~5-10 µs per object (the SDK's lenient `construct`, for incomplete data,
    ~50 µs), paid on every streamed delta read as typed. Most stream events and many items
    have only scalar fields (`ResponseTextDeltaEvent`, `ResponseFunctionToolCall`): for those
    the object is made shallowly, as pydantic's `model_construct` does (the dict's fields plus
    the class's defaults), which is what validation of such JSON would give. Dicts holding
    nested objects (`.item`, `.response`, `.part`, non-empty `logprobs`) or keys the class
    does not declare are validated.
    """

    cls: Any
    names: frozenset[str]
    """Fields that may be set shallowly: declared, without an alias."""
    nested: tuple[str, ...]
    """Fields whose values are models (or lists of them): shallow only when None or empty."""
    defaults: dict[str, Any]
    factories: tuple[tuple[str, Callable[[], Any]], ...]

    @classmethod
    def for_class(cls, model: Any) -> _Builder:
        from pydantic_core import PydanticUndefined

        names: set[str] = set()
        nested: list[str] = []
        defaults: dict[str, Any] = {}
        factories: list[tuple[str, Callable[[], Any]]] = []
        always_validate = bool(model.__private_attributes__)
        for name, field in model.model_fields.items():
            if getattr(field, "default_factory_takes_data", False):
                always_validate = True  # a factory reading the other fields: always validate
            elif field.default_factory is not None:
                factories.append((name, field.default_factory))
            elif field.default is not PydanticUndefined:
                defaults[name] = field.default
            if field.alias not in (None, name) or field.validation_alias not in (None, name):
                continue  # set under its alias: validate (the key is not in `names`)
            names.add(name)
            if _holds_model(field.annotation):
                nested.append(name)
        if always_validate or model.model_config.get("extra") != "allow":
            names.clear()  # not the shape made below: always validate
        return cls(model, frozenset(names), tuple(nested), defaults, tuple(factories))

    def build(self, data: dict[str, Any]) -> Any:
        if self.names.issuperset(data) and self._nested_empty(data):
            return self._shallow(data)
        from pydantic import ValidationError

        try:
            return self.cls.model_validate(data)
        except ValidationError:
            # Incomplete data (e.g. a hand-written item without an id) still reads as the type.
            return self.cls.construct(**data)

    def _nested_empty(self, data: dict[str, Any]) -> bool:
        for name in self.nested:
            value = data.get(name)
            if value is not None and value != []:
                return False
        return True

    def _shallow(self, data: dict[str, Any]) -> Any:
        values = {**self.defaults, **data} if self.defaults else dict(data)
        for name, factory in self.factories:
            if name not in data:
                values[name] = factory()
        obj = self.cls.__new__(self.cls)
        _set(obj, "__dict__", values)
        _set(obj, "__pydantic_fields_set__", set(data))
        _set(obj, "__pydantic_extra__", {})
        _set(obj, "__pydantic_private__", None)
        return obj


def typed_output_item(data: dict[str, Any]) -> Any:
    """A Responses-API output item dict as the SDK's object (`ResponseOutputMessage`, ...)."""
    return _typed("output_item", data)


def typed_output_items(items: list[dict[str, Any]]) -> list[Any]:
    return [_typed("output_item", item) for item in items]


def typed_stream_event(data: dict[str, Any]) -> Any:
    """A Responses-API stream event dict as the SDK's object (`ResponseTextDeltaEvent`, ...)."""
    return _typed("stream_event", data)


class TypedView:
    """A dataclass field that stores a plain dict (or list of dicts) and reads as typed.

    Assigning a dict keeps it as is; assigning an SDK object keeps it as the typed view and
    stores its dump. Reading builds the typed view once (`build(obj, plain_value)`) and
    caches it. The plain value is `obj.__dict__[view.plain_attr]`.
    """

    def __init__(self, build: typing.Callable[[Any, Any], Any], *, many: bool = False) -> None:
        self._build = build
        self._many = many
        self.plain_attr = ""
        self._typed_attr = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.plain_attr = f"_{name}_plain"
        self._typed_attr = f"_{name}_typed"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            raise AttributeError  # no default: the dataclass field is required
        state = obj.__dict__
        typed = state.get(self._typed_attr)
        if typed is None:
            typed = state[self._typed_attr] = self._build(obj, state[self.plain_attr])
        return typed

    def __set__(self, obj: Any, value: Any) -> None:
        state = obj.__dict__
        if self._many:
            items = list(value)
            if all(isinstance(item, dict) for item in items):
                state[self.plain_attr], state[self._typed_attr] = items, None
            else:
                state[self.plain_attr] = [plain(item) for item in items]
                state[self._typed_attr] = items
        elif isinstance(value, dict):
            state[self.plain_attr], state[self._typed_attr] = value, None
        else:
            state[self.plain_attr], state[self._typed_attr] = plain(value), value
