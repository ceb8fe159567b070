"""The reference SDK's `agents.run_state` module path: a run's resumable state."""

from ._state import ContextDeserializer as ContextDeserializer
from ._state import ContextSerializer as ContextSerializer
from ._state import RunState as RunState

__all__ = [
    "ContextDeserializer",
    "ContextSerializer",
    "RunState",
]
