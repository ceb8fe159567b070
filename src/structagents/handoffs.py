"""The reference SDK's `agents.handoffs` module path: handoffs."""

from ._handoffs import Handoff as Handoff
from ._handoffs import HandoffHistoryMapper as HandoffHistoryMapper
from ._handoffs import HandoffInputData as HandoffInputData
from ._handoffs import handoff as handoff
from .handoff_filters import default_handoff_history_mapper as default_handoff_history_mapper
from .handoff_filters import nest_handoff_history as nest_handoff_history

__all__ = [
    "HandoffHistoryMapper",
    "default_handoff_history_mapper",
    "nest_handoff_history",
    "Handoff",
    "HandoffInputData",
    "handoff",
]
