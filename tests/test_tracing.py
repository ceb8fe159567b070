"""Tracing: the span tree of a run, contextvars, trace(), disabling, and errors on spans."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from structagents import (
    Agent,
    GuardrailFunctionOutput,
    RunConfig,
    Runner,
    Span,
    Trace,
    TracingProcessor,
    custom_span,
    function_tool,
    gen_span_id,
    gen_trace_id,
    get_current_span,
    get_current_trace,
    handoff,
    input_guardrail,
    set_trace_processors,
    set_trace_provider,
    set_tracing_disabled,
    trace,
)
from structagents.testing import ScriptedModel, function_call, handoff_call
from structagents.tracing import DefaultTraceProvider, get_trace_provider


class Recorder(TracingProcessor):
    """Keeps every trace and span it is told about, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def on_trace_start(self, trace: Trace) -> None:
        self.events.append(("trace_start", trace))

    def on_trace_end(self, trace: Trace) -> None:
        self.events.append(("trace_end", trace))

    def on_span_start(self, span: Span[Any]) -> None:
        self.events.append(("span_start", span))

    def on_span_end(self, span: Span[Any]) -> None:
        self.events.append(("span_end", span))

    def shutdown(self) -> None:
        pass

    def force_flush(self) -> None:
        pass

    @property
    def traces(self) -> list[Trace]:
        return [t for kind, t in self.events if kind == "trace_start"]

    @property
    def spans(self) -> list[Span[Any]]:
        return [s for kind, s in self.events if kind == "span_end"]

    def of_type(self, kind: str) -> list[Span[Any]]:
        return [s for s in self.spans if s.span_data.type == kind]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recorder = Recorder()
    set_trace_processors([recorder])
    yield recorder
    set_trace_processors([])
    set_tracing_disabled(False)


@function_tool
async def lookup(city: str) -> str:
    """Look a city up."""
    with custom_span("inside lookup", {"city": city}):
        pass
    return f"{city}: sunny"


@input_guardrail
async def polite(ctx: Any, agent: Any, input: Any) -> GuardrailFunctionOutput:
    return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)


@function_tool(name_override="lookup")
async def plain_lookup(city: str) -> str:
    """Look a city up (opening no span of its own)."""
    return f"{city}: sunny"


def _agents(tool: Any = lookup) -> tuple[Agent[Any], Agent[Any]]:
    helper = Agent(name="helper", model=ScriptedModel(["all done"]))
    triage = Agent(
        name="triage",
        model=ScriptedModel(
            [
                [
                    function_call("lookup", {"city": "Oslo"}, call_id="c1"),
                    function_call("lookup", {"city": "Rome"}, call_id="c2"),
                ],
                [handoff_call(helper, call_id="h1")],
            ]
        ),
        tools=[tool],
        handoffs=[handoff(helper)],
        input_guardrails=[polite],
    )
    return triage, helper


async def test_span_tree_of_a_run_with_parallel_tools_a_handoff_and_a_guardrail(
    recorder: Recorder,
) -> None:
    triage, _ = _agents()
    result = await Runner.run(triage, "weather?")
    assert result.final_output == "all done"

    (run_trace,) = recorder.traces
    assert result.trace is run_trace
    assert run_trace.name == "Agent workflow"
    assert {s.trace_id for s in recorder.spans} == {run_trace.trace_id}
    by_id: dict[str | None, Span[Any]] = {s.span_id: s for s in recorder.spans}

    (task,) = recorder.of_type("task")
    assert task.parent_id is None
    assert task.span_data.usage["requests"] == 3
    agent_spans = recorder.of_type("agent")
    assert [s.span_data.name for s in agent_spans] == ["triage", "helper"]
    assert all(s.parent_id == task.span_id for s in agent_spans)
    assert agent_spans[0].span_data.tools == ["lookup"]
    assert agent_spans[0].span_data.handoffs == ["helper"]

    turns = recorder.of_type("turn")
    assert [(t.span_data.turn, t.span_data.agent_name) for t in turns] == [
        (1, "triage"),
        (2, "triage"),
        (3, "helper"),
    ]
    assert [by_id[t.parent_id].span_data.name for t in turns] == ["triage", "triage", "helper"]

    responses = recorder.of_type("response")
    assert [r.parent_id for r in responses] == [t.span_id for t in turns]
    assert all(r.span_data.usage is not None for r in responses)

    functions = recorder.of_type("function")
    assert sorted(f.span_data.input for f in functions) == ['{"city":"Oslo"}', '{"city":"Rome"}']
    assert {f.parent_id for f in functions} == {turns[0].span_id}  # siblings
    assert {f.span_data.call_id for f in functions} == {"c1", "c2"}
    assert sorted(f.span_data.output for f in functions) == ["Oslo: sunny", "Rome: sunny"]

    # A span opened inside a tool nests under that tool call's span.
    customs = recorder.of_type("custom")
    assert len(customs) == 2
    for custom in customs:
        parent = by_id[custom.parent_id]
        assert parent.span_data.type == "function"
        assert custom.span_data.data["city"] in parent.span_data.input

    (guardrail,) = recorder.of_type("guardrail")
    assert guardrail.span_data.name == "polite"
    assert guardrail.span_data.triggered is False
    assert guardrail.parent_id == turns[0].span_id

    (handoff_span,) = recorder.of_type("handoff")
    assert (handoff_span.span_data.from_agent, handoff_span.span_data.to_agent) == (
        "triage",
        "helper",
    )
    assert handoff_span.parent_id == turns[1].span_id

    # Every span ended, none with an error; the trace ended last; nothing is current after.
    assert all(s.ended_at is not None and s.error is None for s in recorder.spans)
    assert recorder.events[-1] == ("trace_end", run_trace)
    assert get_current_trace() is None
    assert get_current_span() is None


async def test_hooks_and_spans_come_from_the_same_points(recorder: Recorder) -> None:
    from structagents import RunHooks

    seen: list[tuple[str, str | None]] = []

    class Hooks(RunHooks[Any]):
        async def on_agent_start(self, context: Any, agent: Any) -> None:
            current = get_current_span()
            seen.append(("agent_start", current.span_data.type if current else None))

        async def on_tool_start(self, context: Any, agent: Any, tool: Any) -> None:
            current = get_current_span()
            seen.append(("tool_start", current.span_data.type if current else None))

    triage, _ = _agents()
    await Runner.run(triage, "weather?", hooks=Hooks())
    assert seen.count(("agent_start", "agent")) == 2
    assert seen.count(("tool_start", "function")) == 2


async def test_concurrent_runs_keep_separate_traces(recorder: Recorder) -> None:
    seen: dict[str, set[str]] = {"a": set(), "b": set()}

    @function_tool
    async def note(run: str) -> str:
        """Note which trace this call is in."""
        current = get_current_trace()
        assert current is not None
        seen[run].add(current.trace_id)
        await anyio.lowlevel.checkpoint()
        return run

    results: dict[str, Any] = {}

    async def one(run: str) -> None:
        calls = [function_call("note", {"run": run}, call_id=f"{run}{i}") for i in range(3)]
        agent = Agent(name=run, model=ScriptedModel([calls, "ok"]), tools=[note])
        results[run] = await Runner.run(agent, "go")

    async with anyio.create_task_group() as tg:
        tg.start_soon(one, "a")
        tg.start_soon(one, "b")

    trace_a, trace_b = results["a"].trace.trace_id, results["b"].trace.trace_id
    assert trace_a != trace_b
    assert seen == {"a": {trace_a}, "b": {trace_b}}
    for run, trace_id in (("a", trace_a), ("b", trace_b)):
        names = {s.span_data.name for s in recorder.of_type("agent") if s.trace_id == trace_id}
        assert names == {run}


async def test_runs_inside_one_trace_share_it(recorder: Recorder) -> None:
    with trace("Order processing", group_id="chat-1", metadata={"user": "u1"}) as workflow:
        with custom_span("step"):
            first = await Runner.run(Agent(name="one", model=ScriptedModel(["1"])), "a")
        second = await Runner.run(Agent(name="two", model=ScriptedModel(["2"])), "b")
    assert first.trace is workflow
    assert second.trace is workflow
    assert recorder.traces == [workflow]
    assert [e for e, _ in recorder.events].count("trace_end") == 1
    assert {s.trace_id for s in recorder.spans} == {workflow.trace_id}
    tasks = recorder.of_type("task")
    (step,) = recorder.of_type("custom")
    assert tasks[0].parent_id == step.span_id  # the first run nested in the current span
    assert tasks[1].parent_id is None
    assert workflow.export() == {
        "object": "trace",
        "id": workflow.trace_id,
        "workflow_name": "Order processing",
        "group_id": "chat-1",
        "metadata": {"user": "u1"},
    }


async def test_run_config_names_the_trace(recorder: Recorder) -> None:
    trace_id = gen_trace_id()
    config = RunConfig(
        workflow_name="Support",
        trace_id=trace_id,
        group_id="thread-9",
        trace_metadata={"tier": "gold"},
        tracing={"include_task_and_turn_spans": False},
    )
    result = await Runner.run(Agent(name="a", model=ScriptedModel(["hi"])), "x", run_config=config)
    assert result.trace is not None
    assert result.trace.export() == {
        "object": "trace",
        "id": trace_id,
        "workflow_name": "Support",
        "group_id": "thread-9",
        "metadata": {"tier": "gold"},
    }
    assert [s.span_data.type for s in recorder.spans] == ["response", "agent"]
    assert recorder.of_type("agent")[0].parent_id is None


class CountingProvider(DefaultTraceProvider):
    def __init__(self) -> None:
        super().__init__()
        self.created = 0

    def create_trace(self, *args: Any, **kwargs: Any) -> Trace:
        self.created += 1
        return super().create_trace(*args, **kwargs)

    def create_span(self, *args: Any, **kwargs: Any) -> Any:
        self.created += 1
        return super().create_span(*args, **kwargs)


@pytest.fixture
def counting() -> Iterator[CountingProvider]:
    previous = get_trace_provider()
    provider = CountingProvider()
    set_trace_provider(provider)
    yield provider
    set_trace_provider(previous)


async def test_tracing_disabled_creates_no_span_object(counting: CountingProvider) -> None:
    triage, _ = _agents(plain_lookup)
    config = RunConfig(tracing_disabled=True)
    result = await Runner.run(triage, "weather?", run_config=config)
    assert result.final_output == "all done"
    assert result.trace is None
    assert counting.created == 0

    counting.set_disabled(True)
    triage, _ = _agents(plain_lookup)
    assert (await Runner.run(triage, "weather?")).trace is None
    assert counting.created == 0

    counting.set_disabled(False)  # the control: the same run, traced, does create spans
    triage, _ = _agents(plain_lookup)
    await Runner.run(triage, "weather?")
    assert counting.created > 10


async def test_reference_style_code_runs_unchanged(recorder: Recorder) -> None:
    agent = Agent(name="a", model=ScriptedModel(["one", "two"]))
    with trace("wf"):
        with custom_span("prep", {"k": 1}) as span:
            assert get_current_span() is span
        await Runner.run(agent, "hi")
    assert len(recorder.traces) == 1

    set_tracing_disabled(True)
    before = len(recorder.events)
    with trace("wf") as off:
        assert off.trace_id == "no-op"
        with custom_span("prep"):
            pass
        result = await Runner.run(agent, "again")
    assert result.trace is None
    assert len(recorder.events) == before


async def test_a_cancelled_tool_span_ends_with_an_error(recorder: Recorder) -> None:
    started = anyio.Event()

    @function_tool
    async def wait_forever() -> str:
        """Never returns."""
        started.set()
        await anyio.sleep_forever()
        return "never"

    agent = Agent(
        name="a",
        model=ScriptedModel([[function_call("wait_forever", {}, call_id="c1")]]),
        tools=[wait_forever],
    )
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(Runner.run, agent, "go")
            await started.wait()
            scope.cancel()
    (tool_span,) = recorder.of_type("function")
    assert tool_span.error is not None
    assert tool_span.error["message"] == "Cancelled"
    assert tool_span.ended_at is not None
    for kind in ("turn", "agent", "task"):
        (span,) = recorder.of_type(kind)
        assert span.error is not None
        assert span.error["data"] == {"type": "cancelled"}
    assert recorder.events[-1][0] == "trace_end"


async def test_a_failing_tool_and_a_timed_out_tool_record_errors(recorder: Recorder) -> None:
    @function_tool(failure_error_function=None)
    def broken() -> str:
        """Always fails."""
        raise ValueError("disk on fire")

    @function_tool(timeout=0.01)
    async def slow() -> str:
        """Too slow."""
        await anyio.sleep(10)
        return "late"

    agent = Agent(
        name="a",
        model=ScriptedModel([[function_call("slow", {}, call_id="c1")], "ok"]),
        tools=[slow],
    )
    assert (await Runner.run(agent, "go")).final_output == "ok"
    (timed_out,) = recorder.of_type("function")
    assert timed_out.error == {"message": "Tool timed out", "data": {"timeout_seconds": 0.01}}

    @function_tool
    def handled() -> str:
        """Fails; the default failure_error_function tells the model."""
        raise KeyError("missing")

    agent = Agent(
        name="h",
        model=ScriptedModel([[function_call("handled", {}, call_id="c1")], "ok"]),
        tools=[handled],
    )
    assert (await Runner.run(agent, "go")).final_output == "ok"
    handled_span = recorder.of_type("function")[-1]
    assert handled_span.error == {"message": "KeyError: 'missing'", "data": {"type": "KeyError"}}
    assert handled_span.span_data.output.startswith("An error occurred")
    assert recorder.of_type("task")[-1].error is None  # the run itself went on

    agent = Agent(
        name="b",
        model=ScriptedModel([[function_call("broken", {}, call_id="c1")]]),
        tools=[broken],
    )
    with pytest.raises(ValueError, match="disk on fire"):
        await Runner.run(agent, "go")
    failed = recorder.of_type("function")[-1]
    assert failed.error == {"message": "ValueError: disk on fire", "data": {"type": "ValueError"}}
    assert recorder.of_type("task")[-1].error is not None


async def test_streamed_run_knows_its_trace_and_the_first_token_time(recorder: Recorder) -> None:
    agent = Agent(name="a", model=ScriptedModel(["a streamed answer"]))
    async with Runner.run_streamed(agent, "hi") as result:
        assert result.trace is not None
        known_before = result.trace.trace_id
        async for _ in result.stream_events():
            pass
    assert result.result.trace is result.trace
    (response,) = recorder.of_type("response")
    assert response.trace_id == known_before
    assert response.span_data.first_token_at is not None
    assert response.span_data.first_token_at >= response.started_at


def test_ids_have_the_reference_format() -> None:
    assert gen_trace_id().startswith("trace_")
    assert len(gen_trace_id()) == len("trace_") + 32
    assert gen_span_id().startswith("span_")
    assert len(gen_span_id()) == len("span_") + 24


def test_sensitive_data_default_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert RunConfig().trace_include_sensitive_data is True
    monkeypatch.setenv("OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA", "false")
    assert RunConfig().trace_include_sensitive_data is False
