"""Randomized cancellation (hypothesis), on asyncio and trio: whatever stops a run and
whenever, every started tool, guardrail and hook ran its `finally`, no task or worker thread
is left, the error is a documented one (never a group, never a converted cancellation), and
the session holds only complete turns. See tests/stress_harness.py and RELIABILITY.md.

The default run is a fast subset; `nox -s stress` (STRUCTAGENTS_STRESS_EXAMPLES=10000) runs
the full one, collecting every failure instead of stopping at the first.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from structagents import Agent, Runner, SQLiteSession, function_tool
from structagents.testing import ScriptedModel, function_call

from .stress_harness import Scenario, Violation, exercise, scenarios

EXAMPLES = int(os.environ.get("STRUCTAGENTS_STRESS_EXAMPLES", "200"))
IS_FULL = "STRUCTAGENTS_STRESS_EXAMPLES" in os.environ
CONCURRENT_RUNS = int(os.environ.get("STRUCTAGENTS_STRESS_RUNS", "50"))
endings: Counter[str] = Counter()
"""How the examples of the last `run_examples` ended (stop, whether it fired, outcome)."""


def run_examples(
    backend: str, examples: int, *, collect: bool, stop_early: bool = False
) -> tuple[int, list[str]]:
    """Run `examples` random scenarios; return how many ran and the failures collected
    (without `collect`, the first failure is raised, after hypothesis shrank it; with
    `stop_early`, the examples after the first failure are skipped)."""
    count = 0
    failures: list[str] = []
    endings.clear()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=(Phase.generate,) if stop_early else tuple(Phase),
        suppress_health_check=list(HealthCheck),
    )
    @given(scenarios())
    def one(scenario: Scenario) -> None:
        nonlocal count
        count += 1
        try:
            endings[exercise(scenario, backend)] += 1
        except Violation as exc:
            if not collect:
                raise
            failures.append(str(exc))
            if stop_early:
                raise _Found from exc

    with contextlib.suppress(_Found):
        one()
    return count, failures


class _Found(BaseException):
    """Ends a search at its first failure (hypothesis lets a BaseException through at once)."""


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_random_stops_keep_every_guarantee(backend: str) -> None:
    started = time.perf_counter()
    count, failures = run_examples(backend, EXAMPLES, collect=IS_FULL)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nstress[{backend}]: {count} examples, {len(failures)} failures, "
        f"{seconds:.1f} s, peak RSS {peak:.0f} MiB",
        file=sys.stderr,
    )
    if IS_FULL:
        for ending, times in sorted(endings.items()):
            print(f"  {times:6d}  {ending}", file=sys.stderr)
    for failure in failures[:20]:
        print(f"  FAILURE: {failure}", file=sys.stderr)
    assert failures == []
    assert count >= min(EXAMPLES, 200)


def _first_turn_without_waiting(original: Callable[..., Any]) -> Callable[..., Any]:
    """A broken copy: the first turn returns as soon as the model answers, cancelling the
    racing input guardrails that are still running, so turn-1 tools start unchecked."""
    from structagents._run import _guardrail_exec

    async def broken(env: Any, state: Any, agent: Any, call_model: Any) -> Any:
        guardrails = [*agent.input_guardrails, *env.config.input_guardrails]
        blocking = [g for g in guardrails if not g.run_in_parallel]
        racing = [g for g in guardrails if g.run_in_parallel]
        if blocking:
            await _guardrail_exec._check_input(env, state, blocking)
        async with anyio.create_task_group() as tg:
            tg.start_soon(_guardrail_exec._check_input, env, state, racing)
            response = await call_model()
            tg.cancel_scope.cancel()
        return response

    return broken


def _stream_errors_escape_their_task(original: Callable[..., Any]) -> Callable[..., Any]:
    """A broken copy: a streamed run's error escapes the task that drives it, so it comes
    out of the stream's task group wrapped in an exception group."""
    return lambda exc: True


def _cancellation_becomes_a_timeout(original: Callable[..., Any]) -> Callable[..., Any]:
    """A broken copy: a cancelled run raises RunTimeoutError instead of the cancellation."""
    from structagents import RunTimeoutError

    async def broken(seconds: float | None, body: Callable[[], Any]) -> Any:
        try:
            return await original(seconds, body)
        except anyio.get_cancelled_exc_class():
            raise RunTimeoutError(seconds or 0.0) from None

    return broken


MUTANTS = {
    "a tool starts before the guardrails pass": (
        "structagents._run._loop.first_turn_response",
        _first_turn_without_waiting,
    ),
    "a streamed run's errors come out in exception groups": (
        "structagents._run._stream.is_cancellation",
        _stream_errors_escape_their_task,
    ),
    "cancellation is converted into an error": (
        "structagents._run._start.within",
        _cancellation_becomes_a_timeout,
    ),
}


@pytest.mark.parametrize("mutant", list(MUTANTS))
def test_the_stress_check_catches_a_broken_runtime(
    mutant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, make = MUTANTS[mutant]
    module_name, _, attribute = target.rpartition(".")
    module = sys.modules[module_name]
    monkeypatch.setattr(module, attribute, make(getattr(module, attribute)))
    for backend in ("asyncio", "trio"):
        count, failures = run_examples(backend, 500, collect=True, stop_early=True)
        assert failures, f"{mutant}: {count} examples on {backend} found nothing"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Real clocks: SQLite's writers wait on each other in threads, which a mock clock
    would see as idle time and jump over (firing `session_write_timeout`)."""
    return str(request.param)


@function_tool
async def remember(text: str) -> str:
    await anyio.lowlevel.checkpoint()
    return f"noted {text}"


async def test_concurrent_runs_on_one_sqlite_file_lose_nothing(tmp_path: Any) -> None:
    path = tmp_path / "shared.db"

    async def one(index: int) -> None:
        steps = [[function_call("remember", {"text": f"r{index}"}, call_id=f"c{index}")], "ok"]
        agent = Agent(name="a", model=ScriptedModel(steps), tools=[remember])
        # Writers queue on the file's lock; under a loaded machine 500 of them can wait past
        # the default 5 s busy_timeout (a clear error, nothing half-written), so allow more.
        session = SQLiteSession(f"s{index}", path, busy_timeout=60.0)
        try:
            await Runner.run(agent, f"run {index}", session=session)
        finally:
            session.close()

    async with anyio.create_task_group() as tg:
        for index in range(CONCURRENT_RUNS):
            tg.start_soon(one, index)

    for index in range(CONCURRENT_RUNS):
        session = SQLiteSession(f"s{index}", path)
        items = await session.get_items()
        session.close()
        assert [item.get("type") or item.get("role") for item in items] == [
            "user",
            "function_call",
            "function_call_output",
            "message",
        ], index
        assert items[0]["content"] == f"run {index}"
