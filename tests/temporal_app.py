"""Workflows, activities and a worker for the Temporal tests (also run as a worker process:
`python -m tests.temporal_app ADDRESS TASK_QUEUE MODEL_BASE_URL LOG_FILE`).

Tools append a line to LOG_FILE each time they really execute, so a test can tell a replayed
call (no new line) from a call run twice.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.worker import Worker

from structagents import OpenAIProvider
from structagents.temporal import AgentsPlugin, ModelActivityParameters

with workflow.unsafe.imports_passed_through():
    from structagents import (
        Agent,
        GuardrailFunctionOutput,
        MaxTurnsExceeded,
        RunState,
        function_tool,
        input_guardrail,
    )
    from structagents.temporal import ActivitySession, TemporalRunner, activity_as_tool

LOG_ENV = "STRUCTAGENTS_TEMPORAL_TOOL_LOG"
slow_lookup_started: asyncio.Event | None = None
"""Set (when a test put one here) once `slow_lookup` runs in an in-process worker."""


def _log(line: str) -> None:
    with open(os.environ[LOG_ENV], "a", encoding="utf-8") as log:
        log.write(line + "\n")


@activity.defn
async def get_weather(city: str) -> str:
    """Today's weather in a city."""
    _log(f"get_weather {city}")
    return f"sunny in {city}"


@activity.defn
async def get_time(city: str) -> str:
    """The local time in a city."""
    _log(f"get_time {city}")
    return f"noon in {city}"


@activity.defn
async def slow_lookup(key: str) -> str:
    """A lookup that takes until it is cancelled; it heartbeats so it hears the cancel."""
    _log(f"slow_lookup started {key}")
    if slow_lookup_started is not None:
        slow_lookup_started.set()
    try:
        while True:
            activity.heartbeat()
            await asyncio.sleep(0.05)
    except asyncio.CancelledError:
        _log(f"slow_lookup cancelled {key} attempt {activity.info().attempt}")
        raise


FAST = timedelta(seconds=10)
weather = activity_as_tool(get_weather, start_to_close_timeout=FAST)
clock = activity_as_tool(get_time, start_to_close_timeout=FAST)
slow = activity_as_tool(
    slow_lookup, start_to_close_timeout=timedelta(minutes=5), heartbeat_timeout=timedelta(seconds=2)
)


def travel_agents() -> Agent[None]:
    specialist = Agent(name="specialist", model="gpt-4.1", tools=[weather, clock])
    return Agent(name="triage", model="gpt-4.1-mini", handoffs=[specialist])


@workflow.defn(sandboxed=True)
class TravelWorkflow:
    @workflow.run
    async def run(self, question: str) -> list[str]:
        result = await TemporalRunner.run(travel_agents(), question)
        kinds = [item.type for item in result.new_items]
        return [str(result.final_output), result.last_agent.name, *kinds]


@workflow.defn(sandboxed=True)
class SlowToolWorkflow:
    @workflow.run
    async def run(self, key: str) -> str:
        agent = Agent(name="a", model="gpt-4.1", tools=[slow])
        result = await TemporalRunner.run(agent, key)
        return str(result.final_output)


@input_guardrail
async def no_homework(ctx, agent, user_input):
    return GuardrailFunctionOutput(None, tripwire_triggered="homework" in str(user_input))


@workflow.defn(sandboxed=True)
class GuardedWorkflow:
    @workflow.run
    async def run(self, question: str) -> str:
        agent = Agent(name="a", model="gpt-4.1", input_guardrails=[no_homework])
        return str((await TemporalRunner.run(agent, question)).final_output)


@function_tool
def sync_lookup(key: str) -> str:
    return key


@workflow.defn(sandboxed=True)
class SyncToolWorkflow:
    @workflow.run
    async def run(self, question: str) -> str:
        agent = Agent(name="a", model="gpt-4.1", tools=[sync_lookup])
        return str((await TemporalRunner.run(agent, question)).final_output)


@workflow.defn(sandboxed=True)
class SessionWorkflow:
    @workflow.run
    async def run(self, question: str) -> int:
        session = ActivitySession("conversation-1")
        agent = Agent(name="a", model="gpt-4.1", tools=[weather])
        await TemporalRunner.run(agent, question, session=session)
        return len(await session.get_items())


@workflow.defn(sandboxed=True)
class LongRunWorkflow:
    """Continues as new every `turns` turns, carrying the run's state as JSON."""

    @workflow.run
    async def run(self, question: str, turns: int, state_json: str | None = None) -> list[str]:
        agent = Agent(name="a", model="gpt-4.1", tools=[weather])
        start = question if state_json is None else await RunState.from_string(agent, state_json)
        done = 0 if state_json is None else start.current_turn  # type: ignore[union-attr]
        try:
            result = await TemporalRunner.run(agent, start, max_turns=done + turns)
        except MaxTurnsExceeded as exc:
            if exc.run_state is None:
                raise
            workflow.continue_as_new(args=[question, turns, exc.run_state.to_string()])
        return [str(result.final_output), str(workflow.info().continued_run_id is not None)]


WORKFLOWS = [
    TravelWorkflow,
    SlowToolWorkflow,
    GuardedWorkflow,
    SyncToolWorkflow,
    SessionWorkflow,
    LongRunWorkflow,
]
ACTIVITIES = [get_weather, get_time, slow_lookup]


def model_provider(model_base_url: str) -> OpenAIProvider:
    """OpenAI models pointed at the fake server (Temporal does the retrying)."""
    return OpenAIProvider(base_url=model_base_url, api_key="test", max_retries=0)


def plugin(provider: OpenAIProvider, **kwargs: Any) -> AgentsPlugin:
    """The plugin with quick model-activity timeouts and retries."""
    params = ModelActivityParameters(
        start_to_close_timeout=timedelta(seconds=4),
        retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100)),
    )
    return AgentsPlugin(params, provider, **kwargs)


async def serve(address: str, task_queue: str, model_base_url: str) -> None:
    provider = model_provider(model_base_url)
    client = await Client.connect(address, plugins=[plugin(provider)])
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=ACTIVITIES,
        # A killed worker's cached workflows move to a new worker after 1 s, not 10 s.
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=1),
    )
    print("worker ready", flush=True)
    await worker.run()


if __name__ == "__main__":
    os.environ[LOG_ENV] = sys.argv[4]
    Path(sys.argv[4]).touch()
    asyncio.run(serve(sys.argv[1], sys.argv[2], sys.argv[3]))
