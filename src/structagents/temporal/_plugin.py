"""`AgentsPlugin`: what a Temporal client and worker need to run agents in workflows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import anyio._backends._asyncio  # noqa: F401  (imported here, outside the sandbox, to pass through)
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.plugin import SimplePlugin
from temporalio.worker import WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from ..exceptions import AgentsException
from ..models.interface import ModelProvider
from ..sessions.base import Session
from ._model import ModelActivity, ModelActivityParameters
from ._runner import set_default_model_params
from ._sessions import SessionActivities

__all__ = ["PASSTHROUGH_MODULES", "AgentsPlugin"]

PASSTHROUGH_MODULES = (
    "structagents",
    "anyio",
    "sniffio",
    "pydantic",
    "pydantic_core",
    "typing_extensions",
    "openai",
    "httpx",
)
"""Modules workflow code uses as they are (they keep no state a replay could see), so the
sandbox does not re-import them per workflow."""


class AgentsPlugin(SimplePlugin):
    """Pass to `Client.connect(..., plugins=[AgentsPlugin()])` (or a `Worker`):

    - registers the model activity (`model_provider` builds models by name on the worker,
      default `MultiProvider()`), and, with `session_factory(session_id) -> Session`, the
      activities behind `ActivitySession`;
    - lets the workflow sandbox pass structagents, anyio and pydantic through;
    - uses the pydantic data converter (tool arguments may be pydantic models);
    - makes `failure_exception_types` (default: every `AgentsException`, e.g. `MaxTurnsExceeded`,
      tripwires, `UserError`) fail the workflow instead of retrying its task forever.
    """

    def __init__(
        self,
        model_params: ModelActivityParameters | None = None,
        model_provider: ModelProvider | None = None,
        *,
        session_factory: Callable[[str], Session] | None = None,
        failure_exception_types: Sequence[type[BaseException]] = (AgentsException,),
    ) -> None:
        set_default_model_params(model_params or ModelActivityParameters())
        model_activity = ModelActivity(model_provider)
        own: list[Callable[..., Any]] = [model_activity.invoke_model]
        if session_factory is not None:
            own.extend(SessionActivities(session_factory).activities())

        def activities(given: Sequence[Callable[..., Any]] | None) -> Sequence[Callable[..., Any]]:
            return [*(given or ()), *own]

        def workflow_runner(runner: WorkflowRunner | None) -> WorkflowRunner:
            if isinstance(runner, SandboxedWorkflowRunner):
                restrictions = runner.restrictions.with_passthrough_modules(*PASSTHROUGH_MODULES)
                return dataclasses.replace(runner, restrictions=restrictions)
            if runner is None:
                raise ValueError("AgentsPlugin needs the worker's workflow runner.")
            return runner

        def failure_types(
            given: Sequence[type[BaseException]] | None,
        ) -> Sequence[type[BaseException]]:
            return [*(given or ()), *failure_exception_types]

        def data_converter(given: DataConverter | None) -> DataConverter:
            if (
                given is None
                or given.payload_converter_class is DataConverter.default.payload_converter_class
            ):
                return pydantic_data_converter
            return given

        super().__init__(
            "structagents.AgentsPlugin",
            data_converter=data_converter,
            activities=activities,
            workflow_runner=workflow_runner,
            workflow_failure_exception_types=failure_types,
        )
