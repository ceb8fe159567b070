"""`Trace`: one workflow (one or more runs), the root that spans belong to."""

from __future__ import annotations

import abc
import contextlib
import contextvars
from types import TracebackType
from typing import Any

from .processor_interface import TracingProcessor
from .scope import Scope
from .util import gen_trace_id

__all__ = ["NoOpTrace", "Trace", "TraceImpl"]


class Trace(abc.ABC):
    """A workflow: `with trace("Order processing"):` makes every run inside it part of it."""

    __slots__ = ()
    _is_noop = False

    @abc.abstractmethod
    def start(self, mark_as_current: bool = False) -> None: ...

    @abc.abstractmethod
    def finish(self, reset_current: bool = False) -> None: ...

    @property
    @abc.abstractmethod
    def trace_id(self) -> str: ...

    @property
    @abc.abstractmethod
    def name(self) -> str: ...

    @abc.abstractmethod
    def export(self) -> dict[str, Any] | None: ...

    @property
    @abc.abstractmethod
    def tracing_api_key(self) -> str | None: ...

    def __enter__(self) -> Trace:
        self.start(mark_as_current=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.finish(reset_current=True)

    def to_json(self, *, include_tracing_api_key: bool = False) -> dict[str, Any] | None:
        """The trace's fields as JSON (its export key only if asked for)."""
        exported = self.export()
        if exported is None:
            return None
        if include_tracing_api_key and self.tracing_api_key:
            exported["tracing_api_key"] = self.tracing_api_key
        return exported


class _ContextTrace(Trace):
    __slots__ = ("_finished", "_prev_token", "_started")

    def __init__(self) -> None:
        self._started = False
        self._finished = False
        self._prev_token: contextvars.Token[Trace | None] | None = None

    def _mark_current(self) -> None:
        self._prev_token = Scope.set_current_trace(self)

    def _reset_current(self) -> None:
        token, self._prev_token = self._prev_token, None
        if token is not None:
            with contextlib.suppress(ValueError):  # finished from another context
                Scope.reset_current_trace(token)


class NoOpTrace(_ContextTrace):
    """A trace that records nothing; runs inside it record nothing either."""

    __slots__ = ()
    _is_noop = True

    def start(self, mark_as_current: bool = False) -> None:
        self._started = True
        if mark_as_current:
            self._mark_current()

    def finish(self, reset_current: bool = False) -> None:
        if reset_current:
            self._reset_current()

    @property
    def trace_id(self) -> str:
        return "no-op"

    @property
    def name(self) -> str:
        return "no-op"

    def export(self) -> dict[str, Any] | None:
        return None

    @property
    def tracing_api_key(self) -> str | None:
        return None


class TraceImpl(_ContextTrace):
    """A recorded trace: tells the processor when it starts and ends."""

    __slots__ = ("_name", "_processor", "_trace_id", "_tracing_api_key", "group_id", "metadata")

    def __init__(
        self,
        name: str,
        trace_id: str | None,
        group_id: str | None,
        metadata: dict[str, Any] | None,
        processor: TracingProcessor,
        tracing_api_key: str | None = None,
    ) -> None:
        super().__init__()
        self._name = name
        self._trace_id = trace_id or gen_trace_id()
        self.group_id = group_id
        self.metadata = metadata
        self._processor = processor
        self._tracing_api_key = tracing_api_key

    @property
    def trace_id(self) -> str:
        return self._trace_id

    @property
    def name(self) -> str:
        return self._name

    @property
    def tracing_api_key(self) -> str | None:
        return self._tracing_api_key

    def start(self, mark_as_current: bool = False) -> None:
        if self._started:
            return
        self._started = True
        self._processor.on_trace_start(self)
        if mark_as_current:
            self._mark_current()

    def finish(self, reset_current: bool = False) -> None:
        if not self._started or self._finished:
            return
        self._finished = True
        self._processor.on_trace_end(self)
        if reset_current:
            self._reset_current()

    def export(self) -> dict[str, Any] | None:
        return {
            "object": "trace",
            "id": self._trace_id,
            "workflow_name": self._name,
            "group_id": self.group_id,
            "metadata": self.metadata,
        }

    def __repr__(self) -> str:
        return f"<Trace {self._name!r} {self._trace_id}>"
