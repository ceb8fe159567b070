"""`TemporalRunner`: `Runner.run` inside a Temporal workflow, with models as activities and
what cannot run in workflow code refused before anything starts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from temporalio import workflow

from .._agent import Agent
from .._agent_graph import AgentGraph
from .._config import RunConfig
from .._items import TResponseInputItem
from .._result import RunResult
from .._runner import Runner
from .._state import RunState
from .._tool_invoker import FunctionInvoker
from .._tools import FunctionTool
from ..exceptions import UserError
from ..sessions._threads import WorkerThreadSession
from ..sessions.base import Session
from ._model import ModelActivityParameters, TemporalModelProvider

__all__ = ["TemporalRunner", "set_default_model_params"]

_defaults: dict[str, ModelActivityParameters] = {}
_MODEL_BY_NAME = (
    "{where} is a model object; in a Temporal workflow name the model by string "
    '(model="gpt-4.1"): its requests run as activities on the worker.'
)


def set_default_model_params(params: ModelActivityParameters) -> None:
    """The model activity options `TemporalRunner` uses when none are passed (the plugin
    sets them from its `model_params`)."""
    _defaults["model_params"] = params


class TemporalRunner:
    """Runs an agent from workflow code: `await TemporalRunner.run(agent, input, ...)` takes
    `Runner.run`'s keywords and returns its `RunResult`.

    Each model request is a `structagents.invoke_model` activity (so agents name their model
    by string), tools run in the workflow (async function tools) or as activities
    (`activity_as_tool`), and the turn loop itself is workflow code: deterministic, replayed
    after a crash from the recorded activity results. Tracing is off inside workflows.
    """

    @classmethod
    async def run(
        cls,
        starting_agent: Agent[Any],
        input: str | list[TResponseInputItem] | RunState,
        *,
        run_config: RunConfig | None = None,
        session: Session | None = None,
        model_params: ModelActivityParameters | None = None,
        **kwargs: Any,
    ) -> RunResult:
        if not workflow.in_workflow():
            raise UserError(
                "TemporalRunner.run runs inside a Temporal workflow; elsewhere use Runner.run."
            )
        config = run_config or RunConfig()
        if config.model is not None and not isinstance(config.model, str):
            raise UserError(_MODEL_BY_NAME.format(where="RunConfig.model"))
        check_runs_in_workflow(starting_agent, session)
        params = model_params or _defaults.get("model_params") or ModelActivityParameters()
        provider = TemporalModelProvider(params)
        config = replace(config, model_provider=provider, tracing_disabled=True)
        return await Runner.run(starting_agent, input, run_config=config, session=session, **kwargs)


def check_runs_in_workflow(starting_agent: Agent[Any], session: Session | None) -> None:
    """A `UserError` for anything reachable from `starting_agent` that workflow code cannot
    run: a model object (name it by string), a sync function tool (it needs a thread), a
    thread-based session."""
    if isinstance(session, WorkerThreadSession):
        raise UserError(
            f"{type(session).__name__} does its I/O in worker threads, which a Temporal "
            "workflow does not have: use structagents.temporal.ActivitySession (its calls are "
            "activities against your SQLAlchemySession on the worker)."
        )
    for agent in AgentGraph(starting_agent).agents().values():
        if agent.model is not None and not isinstance(agent.model, str):
            raise UserError(_MODEL_BY_NAME.format(where=f"Agent {agent.name!r}'s model"))
        for tool in agent.tools:
            invoker = tool.on_invoke_tool if isinstance(tool, FunctionTool) else None
            if isinstance(invoker, FunctionInvoker) and not invoker.is_async:
                raise UserError(
                    f"Tool {tool.name!r} of agent {agent.name!r} is a sync function, which runs "
                    "in a worker thread; a Temporal workflow has none. Make it an activity and "
                    "use structagents.temporal.activity_as_tool(fn), or make it async."
                )
