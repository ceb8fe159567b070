"""`enable_verbose_stdout_logging`: structagents' debug log on stdout."""

from __future__ import annotations

import logging
import sys

__all__ = ["enable_verbose_stdout_logging"]

_handler: logging.Handler | None = None


def enable_verbose_stdout_logging() -> None:
    """Print structagents' log (debug level and up) to stdout. Calling it again is harmless."""
    global _handler
    logger = logging.getLogger("structagents")
    logger.setLevel(logging.DEBUG)
    if _handler is None:
        _handler = logging.StreamHandler(sys.stdout)
        logger.addHandler(_handler)
