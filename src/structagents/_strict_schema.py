"""Make a pydantic JSON schema acceptable to OpenAI's strict mode.

Strict mode wants every object closed (`additionalProperties: false`) and every property listed
in `required`; optional values are expressed as nullable types instead.
"""

from __future__ import annotations

from typing import Any

from .exceptions import UserError, UserTypeError, UserValueError

__all__ = ["ensure_strict_json_schema"]


def ensure_strict_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Return `schema` rewritten in place for strict mode (raises `UserError` if it cannot be)."""
    return _strict(schema, root=schema)


def _strict(node: dict[str, Any], *, root: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise UserTypeError(f"A JSON schema (or a part of one) must be a dict, not {node!r}.")
    for key in ("$defs", "definitions"):
        for sub in node.get(key, {}).values():
            _strict(sub, root=root)
    if node.get("type") == "object":
        if node.get("additionalProperties") not in (None, False):
            raise UserError(
                "Strict tool and output schemas cannot have additional properties (for example a "
                "dict[str, X]). Use a pydantic model with named fields, or turn strict mode off: "
                "@function_tool(strict_mode=False) for a tool, "
                "output_type=AgentOutputSchema(T, strict_json_schema=False) for an output."
            )
        node["additionalProperties"] = False
        properties: dict[str, Any] = node.get("properties", {})
        node["required"] = list(properties)
        for prop in properties.values():
            _strict(prop, root=root)
    items = node.get("items")
    if isinstance(items, dict):
        _strict(items, root=root)
    for key in ("anyOf", "oneOf"):
        for sub in node.get(key, ()):
            _strict(sub, root=root)
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1:
        node.pop("allOf")
        node.update(_strict(all_of[0], root=root))
    elif isinstance(all_of, list):
        for sub in all_of:
            _strict(sub, root=root)
    if "default" in node and node["default"] is None:
        node.pop("default")
    ref = node.get("$ref")
    if isinstance(ref, str) and len(node) > 1:
        node.pop("$ref")
        resolved = _resolve_ref(root, ref)
        node.update({**resolved, **node})
    return node


def _resolve_ref(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise UserValueError(f"Cannot resolve non-local $ref {ref!r} in a strict schema.")
    target: Any = root
    for part in ref[2:].split("/"):
        target = target.get(part) if isinstance(target, dict) else None
    if not isinstance(target, dict):
        raise UserValueError(f"$ref {ref!r} does not point to a schema (a dict) in this schema.")
    return dict(target)
