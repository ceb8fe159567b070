"""Durable runs on Temporal (the `structagents[temporal]` extra).

The turn loop runs in workflow code (Temporal's deterministic asyncio loop, where AnyIO's
task groups and cancel scopes work); model requests and tools that do I/O run as activities
on workers. After a worker crash, a new worker replays the workflow from its history: every
completed model call and tool activity is read back, never run again.

    @workflow.defn
    class Assistant:
        @workflow.run
        async def run(self, question: str) -> str:
            agent = Agent(name="assistant", model="gpt-4.1", tools=[activity_as_tool(search)])
            result = await TemporalRunner.run(agent, question)
            return str(result.final_output)

    client = await Client.connect("localhost:7233", plugins=[AgentsPlugin()])
"""

from ._activities import execute_activity as execute_activity
from ._model import ModelActivity as ModelActivity
from ._model import ModelActivityParameters as ModelActivityParameters
from ._model import TemporalModel as TemporalModel
from ._model import TemporalModelProvider as TemporalModelProvider
from ._plugin import PASSTHROUGH_MODULES as PASSTHROUGH_MODULES
from ._plugin import AgentsPlugin as AgentsPlugin
from ._runner import TemporalRunner as TemporalRunner
from ._runner import set_default_model_params as set_default_model_params
from ._sessions import ActivitySession as ActivitySession
from ._sessions import SessionActivities as SessionActivities
from ._tools import activity_as_tool as activity_as_tool

__all__ = [
    "PASSTHROUGH_MODULES",
    "ActivitySession",
    "AgentsPlugin",
    "ModelActivity",
    "ModelActivityParameters",
    "SessionActivities",
    "TemporalModel",
    "TemporalModelProvider",
    "TemporalRunner",
    "activity_as_tool",
    "execute_activity",
    "set_default_model_params",
]
