"""The reference SDK's `agents.function_schema` module path: a function's tool schema."""

from ._function_schema import FuncSchema as FuncSchema
from ._function_schema import function_schema as function_schema

__all__ = ["FuncSchema", "function_schema"]
