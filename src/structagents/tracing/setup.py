"""The process-wide trace provider, created on first use; shut down (bounded) at exit."""

from __future__ import annotations

import atexit
import threading

from .provider import DefaultTraceProvider, TraceProvider

__all__ = ["EXIT_FLUSH_TIMEOUT", "get_trace_provider", "set_trace_provider"]

EXIT_FLUSH_TIMEOUT = 5.0
"""At most this many seconds are spent exporting queued spans when the process exits."""

_provider: TraceProvider | None = None
_lock = threading.Lock()
_exit_hook_registered = False


def _shutdown_at_exit() -> None:
    provider = _provider
    if provider is not None:
        provider.shutdown(timeout=EXIT_FLUSH_TIMEOUT)


def _register_exit_hook() -> None:
    global _exit_hook_registered
    if not _exit_hook_registered:
        atexit.register(_shutdown_at_exit)
        _exit_hook_registered = True


def set_trace_provider(provider: TraceProvider) -> None:
    """Use `provider` for every trace and span from now on."""
    global _provider
    with _lock:
        _provider = provider
        _register_exit_hook()


def get_trace_provider() -> TraceProvider:
    """The provider in use (a `DefaultTraceProvider` with no processors, unless set)."""
    global _provider
    provider = _provider
    if provider is None:
        with _lock:
            if _provider is None:
                _provider = DefaultTraceProvider()
                _register_exit_hook()
            provider = _provider
    return provider
