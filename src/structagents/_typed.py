"""Typed at the surface, plain inside: the `openai` SDK's objects, built only when read.

The runtime carries Responses-API JSON dicts (history, sessions, request bodies). Where the
reference SDK hands users typed objects (`RunItem.raw_item`, `ModelResponse.output`, stream
event `data`), `TypedView` builds them on first access from the dict and caches them, so runs
that nobody inspects pay nothing and `import structagents` never imports `openai`.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any, Literal

__all__ = ["TypedView", "plain", "typed_output_item", "typed_output_items", "typed_stream_event"]

_Kind = Literal["output_item", "stream_event"]
_classes: dict[_Kind, dict[str, Any]] = {}


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


def _classes_for(kind: _Kind) -> dict[str, Any]:
    """The SDK classes of one discriminated union, by their `type` value (built once)."""
    classes = _classes.get(kind)
    if classes is None:
        from openai.types.responses import ResponseOutputItem, ResponseStreamEvent

        union = ResponseOutputItem if kind == "output_item" else ResponseStreamEvent
        classes = {}
        for cls in typing.get_args(typing.get_args(union)[0]):
            for name in typing.get_args(cls.model_fields["type"].annotation):
                classes[name] = cls
        _classes[kind] = classes
    return classes


def _typed(kind: _Kind, data: dict[str, Any]) -> Any:
    cls = _classes_for(kind).get(data.get("type"))  # type: ignore[arg-type]
    if cls is None:
        return data  # a kind this openai release does not know: stays a dict
    from pydantic import ValidationError

    try:
        return cls.model_validate(data)
    except ValidationError:
        # Incomplete data (e.g. a hand-written item without an id) still reads as the type.
        return cls.construct(**data)


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
