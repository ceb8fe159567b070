"""The reference SDK's `agents.strict_schema` module path: strict JSON schemas."""

from ._strict_schema import ensure_strict_json_schema as ensure_strict_json_schema

__all__ = ["ensure_strict_json_schema"]
