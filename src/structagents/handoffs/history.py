"""The reference SDK's `agents.handoffs.history` module path: nesting the history at a handoff."""

from ..handoff_filters import default_handoff_history_mapper as default_handoff_history_mapper
from ..handoff_filters import get_conversation_history_wrappers as get_conversation_history_wrappers
from ..handoff_filters import nest_handoff_history as nest_handoff_history
from ..handoff_filters import (
    reset_conversation_history_wrappers as reset_conversation_history_wrappers,
)
from ..handoff_filters import set_conversation_history_wrappers as set_conversation_history_wrappers

__all__ = [
    "default_handoff_history_mapper",
    "get_conversation_history_wrappers",
    "nest_handoff_history",
    "reset_conversation_history_wrappers",
    "set_conversation_history_wrappers",
]
