"""The reference SDK's `agents.extensions.handoff_filters` module path."""

from ..handoff_filters import default_handoff_history_mapper as default_handoff_history_mapper
from ..handoff_filters import nest_handoff_history as nest_handoff_history
from ..handoff_filters import remove_all_tools as remove_all_tools

__all__ = ["default_handoff_history_mapper", "nest_handoff_history", "remove_all_tools"]
