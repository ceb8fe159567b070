"""The logger tracing writes its (non-fatal) warnings to."""

from __future__ import annotations

import logging

__all__ = ["logger"]

logger = logging.getLogger("structagents.tracing")
