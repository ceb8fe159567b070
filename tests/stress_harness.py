"""The randomized cancellation harness behind tests/test_stress.py and `nox -s stress`.

A `Scenario` is one run: agents, a scripted model, 0-20 tool calls per turn (sync and async
tools), racing and blocking input guardrails, an output guardrail, hooks, a handoff, a
session, streamed or not, and one way of stopping it (caller cancel, deadlines,
`run_timeout`, tool timeouts, leaving the stream, `cancel()` in both modes) at a random time
or at the k-th probe point. Every tool, guardrail, hook, model call and session call goes
through a `Probe`, which counts the points the run passes, fires the stop, and records what
started and what finished. `exercise()` runs one scenario in a fresh event loop and raises
`AssertionError` naming the guarantee that broke.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio
import anyio.lowlevel
import trio.testing
from hypothesis import strategies as st

from structagents import (
    Agent,
    GuardrailFunctionOutput,
    InputGuardrail,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    MemorySession,
    Model,
    ModelResponse,
    OutputGuardrail,
    OutputGuardrailTripwireTriggered,
    RunConfig,
    RunHooks,
    Runner,
    RunTimeoutError,
    SQLiteSession,
    ToolContext,
    function_tool,
    handoff,
)
from structagents._tools import default_tool_error_function
from structagents.testing import assistant_message, function_call, handoff_call

if sys.version_info < (3, 11):  # pragma: no cover
    from exceptiongroup import BaseExceptionGroup

Stop = Literal[
    "cancel_scope",
    "move_on_after",
    "fail_after",
    "run_timeout",
    "tool_timeout",
    "stream_exit",
    "cancel_immediate",
    "cancel_after_turn",
    "cancel_before_enter",
    "none",
]
STREAM_ONLY: frozenset[str] = frozenset(
    {"stream_exit", "cancel_immediate", "cancel_after_turn", "cancel_before_enter"}
)
AT_A_POINT: frozenset[str] = frozenset(
    {"cancel_scope", "stream_exit", "cancel_immediate", "cancel_after_turn"}
)
TIMED: frozenset[str] = frozenset({"move_on_after", "fail_after", "run_timeout", "tool_timeout"})
FINAL_TEXT = "all done"


class ToolFailure(Exception):
    """Raised by a scripted tool whose errors fail the run."""


class GuardrailFailure(Exception):
    """Raised by a scripted guardrail."""


@dataclass(frozen=True)
class CallSpec:
    is_sync: bool
    behavior: Literal["ok", "slow", "fail_run", "fail_message"]
    steps: int  # probe points an async tool passes (or time units it sleeps when slow)


@dataclass(frozen=True)
class GuardSpec:
    is_racing: bool
    trips: bool
    fails: bool
    steps: int


@dataclass(frozen=True)
class Scenario:
    streamed: bool
    turns: tuple[tuple[CallSpec, ...], ...]  # tool calls of each turn before the final message
    handoff_at: int | None  # the turn whose reply is a handoff instead of its tool calls
    input_guardrails: tuple[GuardSpec, ...]
    output_guardrail: GuardSpec | None
    session: Literal["none", "memory", "sqlite"]
    hooks: bool
    max_turns: int
    stop: Stop
    stop_at: int  # the probe point that fires the stop, or time units for timed stops
    model_steps: int  # time units the model takes per call
    max_concurrent_tools: int | None = None
    gate_stream: bool = False  # RunConfig.gate_stream_on_guardrails
    traced: bool = True  # False: RunConfig.tracing_disabled (the tool phase's bare path)


_BEHAVIORS: tuple[Any, ...] = ("ok",) * 12 + ("slow",) * 4 + ("fail_message",) * 2 + ("fail_run",)


def _call(code: int) -> CallSpec:
    """A tool call's spec from one drawn integer (one draw per call keeps generation cheap)."""
    code, steps = divmod(code, 5)
    code, behavior = divmod(code, len(_BEHAVIORS))
    return CallSpec(is_sync=bool(code % 2), behavior=_BEHAVIORS[behavior], steps=steps)


def _guard(code: int) -> GuardSpec:
    code, steps = divmod(code, 5)
    return GuardSpec(
        is_racing=bool(code % 2), trips=code // 2 % 8 == 0, fails=code // 16 % 16 == 0, steps=steps
    )


_CALL_CODES = 5 * len(_BEHAVIORS) * 2
_STOP_AT_TIMED = st.integers(0, 20)  # time units
_STOP_AT_POINT = st.integers(1, 40) | st.integers(1, 200)  # probe points
_GUARD_CODES = 5 * 256


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    calls = st.lists(st.integers(0, _CALL_CODES - 1), max_size=20)
    turns = tuple(
        tuple(_call(code) for code in codes)
        for codes in draw(st.lists(calls, min_size=1, max_size=3))
    )
    guard = st.integers(0, _GUARD_CODES - 1).map(_guard)
    streamed = draw(st.booleans())
    stops = [s for s in Stop.__args__ if streamed or s not in STREAM_ONLY]  # type: ignore[attr-defined]
    return Scenario(
        streamed=streamed,
        turns=turns,
        handoff_at=draw(st.none() | st.integers(0, max(len(turns) - 1, 0))),
        input_guardrails=tuple(draw(st.lists(guard, max_size=2))),
        output_guardrail=draw(st.none() | guard),
        session=draw(st.sampled_from(["none", "memory", "memory", "sqlite"])),
        hooks=draw(st.booleans()),
        max_turns=draw(st.sampled_from([1, 2, 3, 4, 6, 6, 10, 10])),
        stop=(stop := draw(st.sampled_from(stops))),
        stop_at=draw(
            st.integers(0, 20) if stop in TIMED else st.integers(1, 40) | st.integers(1, 200)
        ),
        model_steps=draw(st.integers(0, 3)),
        max_concurrent_tools=draw(st.sampled_from([None, None, 1, 3])),
        gate_stream=streamed and draw(st.booleans()),
        traced=draw(st.booleans()),
    )


class Violation(AssertionError):
    """A guarantee did not hold."""


@dataclass
class Probe:
    """Counts the points a run passes, fires its stop at one of them, and records what ran."""

    scenario: Scenario
    unit: float  # seconds per time unit: real ms on asyncio, virtual seconds on trio
    points: int = 0
    fired: bool = False
    scope: anyio.CancelScope | None = None
    stream: Any = None
    started: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)
    raised: list[BaseException] = field(default_factory=list)
    tripped: list[str] = field(default_factory=list)
    guards_passed: int = 0
    violations: list[str] = field(default_factory=list)
    model_calls: int = 0
    tools_started: int = 0
    specs: dict[str, CallSpec] = field(default_factory=dict)
    guard_specs: dict[str, GuardSpec] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_thread: int = 0
    _ids: Iterator[int] = field(default_factory=itertools.count)

    async def point(self) -> None:
        """One internal moment of the run: a checkpoint, and perhaps the stop."""
        self.points += 1
        if self.points == self.scenario.stop_at and self.scenario.stop in AT_A_POINT:
            self.fire()
        await anyio.lowlevel.checkpoint()

    def fire(self) -> None:
        if self.fired:
            return
        self.fired = True
        stop = self.scenario.stop
        if stop == "cancel_scope":
            assert self.scope is not None
            self.scope.cancel()
        elif stop == "cancel_immediate":
            self.stream.cancel()
        elif stop == "cancel_after_turn":
            self.stream.cancel("after_turn")

    async def sleep(self, units: int) -> None:
        await anyio.sleep(units * self.unit)

    @asynccontextmanager
    async def track(self, kind: str) -> AsyncIterator[None]:
        """Record that `kind` started, and that its `finally` ran."""
        label = f"{kind}#{next(self._ids)}"
        self.started.append(label)
        try:
            await self.point()
            yield
        finally:
            self.finished.append(label)

    @contextmanager
    def track_thread(self, kind: str) -> Iterator[None]:
        label = f"{kind}#{next(self._ids)}"
        with self.lock:
            self.started.append(label)
            self.in_thread += 1
        try:
            yield
        finally:
            with self.lock:
                self.in_thread -= 1
                self.finished.append(label)

    def tool_started(self) -> None:
        self.tools_started += 1
        expected = len(self.scenario.input_guardrails)
        if self.guards_passed < expected and not self.violations:
            self.violations.append(
                f"a tool started when {self.guards_passed} of {expected} input guardrails "
                "had passed"
            )


class ProbeModel(Model):
    """Replays the scenario's turns; every call passes probe points and may take time."""

    def __init__(self, probe: Probe, second: str) -> None:
        self.probe = probe
        self.second = second
        self.turn = 0
        self.specs = probe.specs

    def _reply(self) -> list[dict[str, Any]]:
        scenario = self.probe.scenario
        turn, self.turn = self.turn, self.turn + 1
        if turn >= len(scenario.turns):
            return [assistant_message(FINAL_TEXT)]
        if scenario.handoff_at == turn:
            return [handoff_call(self.second, call_id=f"h{turn}")]
        calls = []
        for index, spec in enumerate(scenario.turns[turn]):
            call_id = f"t{turn}c{index}"
            self.specs[call_id] = spec
            name = ("sync" if spec.is_sync else "async") + (
                "_strict" if spec.behavior == "fail_run" else ""
            )
            calls.append(function_call(name, {"n": index}, call_id=call_id))
        return calls or [assistant_message(FINAL_TEXT)]

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        async with self.probe.track("model"):
            self.probe.model_calls += 1
            await self.probe.sleep(self.probe.scenario.model_steps)
            await self.probe.point()
            return ModelResponse(output=self._reply())

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        async with self.probe.track("model_stream"):
            self.probe.model_calls += 1
            yield {"type": "response.created", "response": {"id": "r", "output": []}}
            await self.probe.sleep(self.probe.scenario.model_steps)
            await self.probe.point()
            output = self._reply()
            for item in output:
                yield {"type": "response.output_item.done", "item": item}
                await self.probe.point()
            yield {"type": "response.completed", "response": {"id": "r", "output": output}}


class ProbeHooks(RunHooks[Any]):
    def __init__(self, probe: Probe) -> None:
        self.probe = probe

    async def _hook(self, name: str) -> None:
        async with self.probe.track(f"hook:{name}"):
            await self.probe.point()

    async def on_agent_start(self, context: Any, agent: Any) -> None:
        await self._hook("agent_start")

    async def on_agent_end(self, context: Any, agent: Any, output: Any) -> None:
        await self._hook("agent_end")

    async def on_handoff(self, context: Any, from_agent: Any, to_agent: Any) -> None:
        await self._hook("handoff")

    async def on_llm_start(self, context: Any, agent: Any, *args: Any) -> None:
        await self._hook("llm_start")

    async def on_llm_end(self, context: Any, agent: Any, response: Any) -> None:
        await self._hook("llm_end")

    async def on_tool_start(self, context: Any, agent: Any, tool: Any) -> None:
        await self._hook("tool_start")

    async def on_tool_end(self, context: Any, agent: Any, tool: Any, result: Any) -> None:
        await self._hook("tool_end")


class ProbeSession(MemorySession):
    """A session whose reads and writes take time and pass probe points."""

    def __init__(self, probe: Probe) -> None:
        super().__init__("stress")
        self.probe = probe

    async def get_items(self, limit: int | None = None) -> list[dict[str, Any]]:
        async with self.probe.track("session_read"):
            return await super().get_items(limit)

    async def add_items(self, items: list[dict[str, Any]]) -> None:
        async with self.probe.track("session_write"):
            await self.probe.sleep(1)
            await super().add_items(items)


def _probe(ctx: Any) -> Probe:
    probe = ctx.context
    assert isinstance(probe, Probe)
    return probe


async def _async_tool(ctx: ToolContext[Any], n: int) -> str:
    probe = _probe(ctx)
    spec = probe.specs[ctx.tool_call_id]
    probe.tool_started()
    async with probe.track("tool"):
        for _ in range(spec.steps):
            await probe.point()
        if spec.behavior == "slow":
            await probe.sleep(spec.steps + 1)
        if spec.behavior in ("fail_run", "fail_message"):
            error = ToolFailure(ctx.tool_call_id)
            probe.raised.append(error)
            raise error
        return f"async {n}"


def _sync_body(probe: Probe, call_id: str, n: int) -> str:
    with probe.track_thread("sync_tool"):
        if probe.specs[call_id].behavior in ("fail_run", "fail_message"):
            error = ToolFailure(call_id)
            probe.raised.append(error)
            raise error
        return f"sync {n}"


async def _sync_tool(ctx: ToolContext[Any], n: int) -> str:
    probe = _probe(ctx)
    probe.tool_started()
    return await anyio.to_thread.run_sync(_sync_body, probe, ctx.tool_call_id, n)


TOOLS = [
    function_tool(body, name_override=name, failure_error_function=on_failure)
    for body, kind in ((_async_tool, "async"), (_sync_tool, "sync"))
    for name, on_failure in ((kind, default_tool_error_function), (f"{kind}_strict", None))
]
"""Built once: building a tool's schema costs more than a whole scenario run."""


async def _guardrail(probe: Probe, name: str, is_input: bool) -> GuardrailFunctionOutput:
    spec = probe.guard_specs[name]
    async with probe.track(f"guardrail:{name}"):
        for _ in range(spec.steps):
            await probe.point()
        await probe.sleep(spec.steps)
        if spec.fails:
            error = GuardrailFailure(name)
            probe.raised.append(error)
            raise error
        if spec.trips:
            probe.tripped.append(name)
        elif is_input:
            probe.guards_passed += 1
        return GuardrailFunctionOutput(output_info=name, tripwire_triggered=spec.trips)


def _input_guardrail(name: str, racing: bool) -> InputGuardrail[Any]:
    async def check(ctx: Any, agent: Any, value: Any) -> GuardrailFunctionOutput:
        return await _guardrail(_probe(ctx), name, True)

    return InputGuardrail(check, name=name, run_in_parallel=racing)


async def _output_check(ctx: Any, agent: Any, value: Any) -> GuardrailFunctionOutput:
    return await _guardrail(_probe(ctx), "out", False)


INPUT_GUARDRAILS = {
    (index, racing): _input_guardrail(f"in{index}", racing)
    for index in range(2)
    for racing in (False, True)
}
OUTPUT_GUARDRAIL = OutputGuardrail(_output_check, name="out")


@dataclass
class Outcome:
    result: Any = None
    error: BaseException | None = None
    cancelled: bool = False


async def _run(probe: Probe, agent: Agent[Any], config: RunConfig, session: Any) -> Outcome:
    scenario = probe.scenario
    outcome = Outcome()
    hooks = ProbeHooks(probe) if scenario.hooks else None
    kwargs: dict[str, Any] = {
        "context": probe,
        "max_turns": scenario.max_turns,
        "hooks": hooks,
        "run_config": config,
        "session": session,
    }
    timed = scenario.stop_at * probe.unit
    with anyio.CancelScope() as scope:
        probe.scope = scope
        try:
            if scenario.stop == "fail_after":
                with anyio.fail_after(timed):
                    outcome.result = await _drive(probe, agent, kwargs)
            elif scenario.stop == "move_on_after":
                with anyio.move_on_after(timed) as deadline:
                    outcome.result = await _drive(probe, agent, kwargs)
                outcome.cancelled = deadline.cancelled_caught
            else:
                outcome.result = await _drive(probe, agent, kwargs)
        except anyio.get_cancelled_exc_class():
            raise
        except BaseException as exc:
            outcome.error = exc
    outcome.cancelled = outcome.cancelled or scope.cancelled_caught
    return outcome


async def _drive(probe: Probe, agent: Agent[Any], kwargs: dict[str, Any]) -> Any:
    scenario = probe.scenario
    if not scenario.streamed:
        return await Runner.run(agent, "go", **kwargs)
    stream = probe.stream = Runner.run_streamed(agent, "go", **kwargs)
    if scenario.stop == "cancel_before_enter":
        probe.fired = True
        stream.cancel("immediate" if scenario.stop_at % 2 else "after_turn")
    async with stream:
        async for _ in stream.stream_events():
            await probe.point()
            if probe.fired and scenario.stop == "stream_exit":
                break
    if not stream.is_complete:
        raise Violation("the stream's block was left but the run is not complete")
    return stream.result


async def exercise_async(scenario: Scenario, unit: float) -> str:
    """Run `scenario` once and check every guarantee (raises `Violation`); say how it ended."""
    probe = Probe(scenario, unit)
    model = ProbeModel(probe, "second")
    inputs = []
    for index, spec in enumerate(scenario.input_guardrails):
        probe.guard_specs[f"in{index}"] = spec
        inputs.append(INPUT_GUARDRAILS[index, spec.is_racing])
    outputs = []
    if scenario.output_guardrail is not None:
        probe.guard_specs["out"] = scenario.output_guardrail
        outputs.append(OUTPUT_GUARDRAIL)
    second = Agent(name="second", model=model, tools=list(TOOLS), output_guardrails=outputs)
    first = Agent(
        name="first",
        model=model,
        tools=list(TOOLS),
        handoffs=[handoff(second)],
        input_guardrails=inputs,
        output_guardrails=outputs,
    )
    config = RunConfig(
        run_timeout=scenario.stop_at * unit or unit if scenario.stop == "run_timeout" else None,
        tool_timeout=(scenario.stop_at % 5 + 1) * unit if scenario.stop == "tool_timeout" else None,
        max_concurrent_tools=scenario.max_concurrent_tools,
        gate_stream_on_guardrails=scenario.gate_stream,
        tracing_disabled=not scenario.traced,
    )
    session: Any = None
    if scenario.session == "memory":
        session = ProbeSession(probe)
    elif scenario.session == "sqlite":
        session = SQLiteSession("stress")

    before = {task.id for task in anyio.get_running_tasks()}
    outcome = await _run(probe, first, config, session)
    leftover = [str(t.name) for t in anyio.get_running_tasks() if t.id not in before]
    _check(probe, outcome, leftover)
    if session is not None:
        await _check_session(session, outcome)
        if isinstance(session, SQLiteSession):
            session.close()
    return _summary(probe, outcome)


def _summary(probe: Probe, outcome: Outcome) -> str:
    """How the run ended, for hypothesis's statistics (`--hypothesis-show-statistics`)."""
    if outcome.error is not None:
        end = type(outcome.error).__name__
    elif outcome.cancelled:
        end = "cancelled"
    elif outcome.result is not None and outcome.result.final_output is not None:
        end = "completed"
    else:
        end = "stopped"
    fired = "fired" if probe.fired else "not fired"
    return f"{probe.scenario.stop} ({fired}) -> {end}, tools started: {probe.tools_started > 0}"


def _check(probe: Probe, outcome: Outcome, leftover: list[str]) -> None:
    scenario = probe.scenario
    problems = list(probe.violations)
    unfinished = sorted(set(probe.started) - set(probe.finished))
    if unfinished:
        problems.append(f"started but never ran its finally: {unfinished}")
    if probe.in_thread:
        problems.append(f"{probe.in_thread} worker thread(s) still in tool code")
    if leftover:
        problems.append(f"tasks still alive after the run: {leftover}")
    error = outcome.error
    if isinstance(error, BaseExceptionGroup):
        problems.append(f"raised an exception group: {error!r}")
    elif error is not None and not _is_documented(probe, error):
        problems.append(f"raised an error the scenario cannot explain: {error!r}")
    if outcome.cancelled and scenario.stop not in ("cancel_scope", "move_on_after"):
        problems.append("the caller's scope caught a cancellation nobody asked for")
    if outcome.result is not None and error is None and not outcome.cancelled:
        final = outcome.result.final_output
        if final not in (FINAL_TEXT, None):
            problems.append(f"unexpected final output {final!r}")
        if final is None and not probe.fired and scenario.stop != "cancel_before_enter":
            problems.append("the run ended without a final output though nothing stopped it")
    if problems:
        raise Violation("; ".join(problems) + f"\n{scenario}")


def _is_documented(probe: Probe, error: BaseException) -> bool:
    """Whether `error` is one the scenario itself produced (never a converted cancellation)."""
    stop = probe.scenario.stop
    if isinstance(error, ToolFailure | GuardrailFailure):
        return any(error is raised for raised in probe.raised)
    if isinstance(error, InputGuardrailTripwireTriggered):
        return error.guardrail_result.guardrail.get_name() in probe.tripped
    if isinstance(error, OutputGuardrailTripwireTriggered):
        return "out" in probe.tripped
    if isinstance(error, MaxTurnsExceeded):
        return probe.model_calls == probe.scenario.max_turns
    if isinstance(error, RunTimeoutError):
        return stop == "run_timeout"
    if type(error) is TimeoutError:
        return stop == "fail_after"
    return False


async def _check_session(session: Any, outcome: Outcome) -> None:
    items = await session.get_items()
    calls = [i["call_id"] for i in items if i.get("type") == "function_call"]
    answers = [i["call_id"] for i in items if i.get("type") == "function_call_output"]
    if sorted(calls) != sorted(answers) or len(set(calls)) != len(calls):
        raise Violation(f"the session holds an incomplete turn: calls {calls}, outputs {answers}")
    inputs = [i for i in items if i.get("role") == "user"]
    if len(inputs) > 1 or (items and items[0].get("role") != "user"):
        raise Violation(f"the session's input is missing or repeated: {items[:2]}")
    result = outcome.result
    is_complete = result is not None and result.final_output == FINAL_TEXT
    if is_complete and outcome.error is None and items != result.to_input_list():
        raise Violation("a completed run's session differs from its to_input_list()")


def exercise(scenario: Scenario, backend: str) -> str:
    """`exercise_async` in a fresh event loop (trio with an autojumping mock clock)."""
    if backend == "trio":
        clock = trio.testing.MockClock(autojump_threshold=0)
        options = {"clock": clock}
        return anyio.run(exercise_async, scenario, 1.0, backend="trio", backend_options=options)
    return anyio.run(exercise_async, scenario, 0.001, backend="asyncio")
