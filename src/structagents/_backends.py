"""Which AnyIO backends the command line can run on in this environment."""

from __future__ import annotations

import importlib

__all__ = ["missing_backend"]


def missing_backend(backend: str) -> str | None:
    """Why `backend` cannot run here (one line saying how to fix it), or None if it can."""
    if backend == "asyncio":
        return None
    try:
        importlib.import_module(backend)
    except ImportError:
        return f"{backend} is not installed (pip install 'structagents[{backend}]')"
    return None
