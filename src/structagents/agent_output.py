"""The reference SDK's `agents.agent_output` module path: output schemas."""

from ._output_schema import AgentOutputSchema as AgentOutputSchema
from ._output_schema import AgentOutputSchemaBase as AgentOutputSchemaBase
from .exceptions import ModelBehaviorError as ModelBehaviorError
from .exceptions import UserError as UserError
from .tracing import SpanError as SpanError

__all__ = [
    "AgentOutputSchema",
    "AgentOutputSchemaBase",
    "ModelBehaviorError",
    "SpanError",
    "UserError",
]
