"""Exporters and the export path: console, JSONL, OpenAI dashboard, OpenTelemetry; the
sensitive-data switch; exporters and processors that raise or hang never hurt a run.

Runs on the real clock (the batch worker is a real thread)."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from structagents import (
    Agent,
    GuardrailFunctionOutput,
    RunConfig,
    Runner,
    Span,
    Trace,
    TracingProcessor,
    function_tool,
    input_guardrail,
    set_trace_processors,
)
from structagents.testing import FakeOpenAIServer, ScriptedModel, assistant_message, function_call
from structagents.tracing import (
    BatchTraceProcessor,
    ConsoleSpanExporter,
    JSONLSpanExporter,
    TracingExporter,
)
from structagents.tracing.openai_exporter import BackendSpanExporter
from structagents.tracing.otel import OpenTelemetryTracingProcessor


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def no_processors() -> Iterator[None]:
    yield
    set_trace_processors([])


class Keep(TracingProcessor):
    def __init__(self) -> None:
        self.spans: list[Span[Any]] = []

    def on_trace_start(self, trace: Trace) -> None:
        pass

    def on_trace_end(self, trace: Trace) -> None:
        pass

    def on_span_start(self, span: Span[Any]) -> None:
        pass

    def on_span_end(self, span: Span[Any]) -> None:
        self.spans.append(span)

    def shutdown(self) -> None:
        pass

    def force_flush(self) -> None:
        pass


PLANTED = {
    "input": "PLANT-input-7f3a",
    "instructions": "PLANT-instructions-91bc",
    "argument": "PLANT-argument-44de",
    "result": "PLANT-result-0a1b",
    "output": "PLANT-output-c2d9",
}
API_KEY = "sk-PLANT-api-key-5e6f"


@function_tool
async def reveal(secret: str) -> str:
    """Echo a secret."""
    return PLANTED["result"]


@input_guardrail
async def looks(ctx: Any, agent: Any, input: Any) -> GuardrailFunctionOutput:
    return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)


def _planted_agent() -> Agent[Any]:
    return Agent(
        name="keeper",
        instructions=PLANTED["instructions"],
        model=ScriptedModel(
            [
                [function_call("reveal", {"secret": PLANTED["argument"]}, call_id="c1")],
                [assistant_message(PLANTED["output"])],
            ]
        ),
        tools=[reveal],
        input_guardrails=[looks],
    )


def _otel() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


@pytest.mark.parametrize("include", [False, True])
async def test_sensitive_data_switch(
    include: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    console = io.StringIO()
    console_processor = BatchTraceProcessor(ConsoleSpanExporter(console))
    jsonl = tmp_path / "spans.jsonl"
    jsonl_processor = BatchTraceProcessor(JSONLSpanExporter(jsonl))
    provider, otel_exporter = _otel()
    keep = Keep()
    set_trace_processors(
        [console_processor, jsonl_processor, OpenTelemetryTracingProcessor(provider), keep]
    )
    config = RunConfig(trace_include_sensitive_data=include, tracing={"api_key": API_KEY})
    result = await Runner.run(_planted_agent(), PLANTED["input"], run_config=config)
    assert result.final_output == PLANTED["output"]
    assert console_processor.flush(5)
    assert jsonl_processor.flush(5)

    otel_text = json.dumps(
        [
            {"name": s.name, "attributes": dict(s.attributes or {})}
            for s in otel_exporter.get_finished_spans()
        ]
    )
    in_memory = json.dumps(
        [[getattr(s.span_data, a, None) for a in _slots(s.span_data)] for s in keep.spans],
        default=str,
    )
    outputs = {
        "console": console.getvalue(),
        "jsonl": jsonl.read_text(),
        "otel": otel_text,
        "spans": in_memory,
        "log": caplog.text,
    }
    assert all(text for where, text in outputs.items() if where != "log")
    for where, text in outputs.items():
        assert API_KEY not in text, where
        if not include:
            for what, planted in PLANTED.items():
                assert planted not in text, (where, what)
    if include:  # the control: each planted string is recorded when allowed
        for what, planted in PLANTED.items():
            assert planted in outputs["spans"], what
            assert planted in outputs["otel"], what
        for what in ("argument", "result"):
            assert PLANTED[what] in outputs["jsonl"]
            assert PLANTED[what] in outputs["console"]


def _slots(data: Any) -> list[str]:
    return [name for cls in type(data).__mro__ for name in getattr(cls, "__slots__", ())]


async def test_console_and_jsonl_exporters_write_one_line_per_span(tmp_path: Path) -> None:
    console = io.StringIO()
    jsonl = tmp_path / "out.jsonl"
    processors = [
        BatchTraceProcessor(ConsoleSpanExporter(console)),
        BatchTraceProcessor(JSONLSpanExporter(jsonl)),
    ]
    keep = Keep()
    set_trace_processors([*processors, keep])
    await Runner.run(_planted_agent(), "hi")
    assert all(p.flush(5) for p in processors)

    lines = console.getvalue().splitlines()
    assert len(lines) == len(keep.spans) + 1
    assert lines[0].startswith("[trace] trace_")
    assert all(line.startswith("[span] ") for line in lines[1:])
    assert any(line.startswith("[span] function span_") and "reveal" in line for line in lines)

    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert records[0]["object"] == "trace"
    spans = records[1:]
    assert [r["id"] for r in spans] == [s.span_id for s in keep.spans]
    assert {r["span_data"]["type"] for r in spans} == {
        "custom", "agent", "response", "function", "guardrail"
    }  # fmt: skip


class Hang(TracingExporter):
    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def export(self, items: list[Any]) -> None:
        self.entered.set()
        self.release.wait()


async def test_an_exporter_that_hangs_never_stalls_a_run() -> None:
    hang = Hang()
    processor = BatchTraceProcessor(hang, max_queue_size=8, schedule_delay=0.001)
    set_trace_processors([processor])
    try:
        await Runner.run(_planted_agent(), "first")
        await anyio.to_thread.run_sync(hang.entered.wait, 5)
        assert hang.entered.is_set()
        for _ in range(3):  # the exporter is stuck; runs go on, surplus spans are dropped
            result = await Runner.run(_planted_agent(), "again")
            assert result.final_output == PLANTED["output"]
        assert processor.dropped > 0
        assert processor.flush(timeout=0.01) is False
        processor.shutdown(timeout=0.01)  # returns although the worker is still stuck
    finally:
        hang.release.set()
    assert processor._worker is not None
    processor._worker.join(5)
    assert not processor._worker.is_alive()


class Failing(TracingProcessor):
    def on_trace_start(self, trace: Trace) -> None:
        raise RuntimeError("on_trace_start")

    def on_trace_end(self, trace: Trace) -> None:
        raise RuntimeError("on_trace_end")

    def on_span_start(self, span: Span[Any]) -> None:
        raise RuntimeError("on_span_start")

    def on_span_end(self, span: Span[Any]) -> None:
        raise RuntimeError("on_span_end")

    def shutdown(self) -> None:
        raise RuntimeError("shutdown")

    def force_flush(self) -> None:
        raise RuntimeError("force_flush")


class FailOnce(TracingExporter):
    def __init__(self) -> None:
        self.batches: list[list[Any]] = []

    def export(self, items: list[Any]) -> None:
        self.batches.append(items)
        if len(self.batches) == 1:
            raise RuntimeError("exporter down")


async def test_processors_and_exporters_that_raise_never_fail_a_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from structagents import flush_traces

    exporter = FailOnce()
    batch = BatchTraceProcessor(exporter)
    set_trace_processors([Failing(), batch])
    assert (await Runner.run(_planted_agent(), "one")).final_output == PLANTED["output"]
    flush_traces()
    assert (await Runner.run(_planted_agent(), "two")).final_output == PLANTED["output"]
    flush_traces()
    assert len(exporter.batches) == 2  # the worker survived the first failure
    assert "Tracing processor Failing failed in on_span_end" in caplog.text
    assert "Tracing exporter FailOnce failed" in caplog.text
    batch.shutdown()


async def test_openai_exporter_posts_batches_to_the_ingest_endpoint() -> None:
    async with FakeOpenAIServer() as server:
        exporter = BackendSpanExporter(
            api_key="sk-default", endpoint=f"{server.base_url}/traces/ingest", max_retries=1
        )
        processor = BatchTraceProcessor(exporter)
        set_trace_processors([processor])
        config = RunConfig(workflow_name="Dashboard", tracing={"api_key": "sk-per-run"})
        result = await Runner.run(_planted_agent(), "hi", run_config=config)
        assert await anyio.to_thread.run_sync(processor.flush, 5)
        processor.shutdown()
        exporter.close()
    (request,) = server.requests
    assert request.path == "/v1/traces/ingest"
    assert request.headers["authorization"] == "Bearer sk-per-run"
    assert request.headers["openai-beta"] == "traces=v1"
    data = request.body["data"]
    assert data[0] == {
        "object": "trace",
        "id": result.trace.trace_id if result.trace else None,
        "workflow_name": "Dashboard",
        "group_id": None,
        "metadata": None,
    }
    assert {item["span_data"]["type"] for item in data[1:]} >= {"agent", "response", "function"}
    assert "sk-per-run" not in json.dumps(request.body)


EXIT_SCRIPT = """
import sys, threading, anyio
import structagents.tracing.setup as setup
from structagents import Agent, Runner, add_trace_processor
from structagents.testing import ScriptedModel
from structagents.tracing import BatchTraceProcessor, JSONLSpanExporter, TracingExporter

class Hang(TracingExporter):
    def export(self, items):
        threading.Event().wait()

setup.EXIT_FLUSH_TIMEOUT = 0.5
add_trace_processor(BatchTraceProcessor(JSONLSpanExporter(sys.argv[1]), schedule_delay=3600))
add_trace_processor(BatchTraceProcessor(Hang(), schedule_delay=0))
anyio.run(Runner.run, Agent(name="a", model=ScriptedModel(["bye"])), "hi")
"""


def test_process_exit_flushes_within_a_bound(tmp_path: Path) -> None:
    # One exporter works, one hangs forever: the first's spans are written, and the process
    # still exits (after at most EXIT_FLUSH_TIMEOUT).
    import subprocess
    import sys

    path = tmp_path / "exit.jsonl"
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, str(path)], timeout=60, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    kinds = [json.loads(line).get("object") for line in path.read_text().splitlines()]
    assert kinds[0] == "trace"
    assert kinds.count("trace.span") == 4  # task, agent, turn, response: exported at exit
