"""Tracing: two runs in one workflow, sent to OpenTelemetry and to a JSON-lines file.

Needs `pip install 'structagents[otel]'`. A real app would add an OTLP exporter to its tracer
provider (`OTLPSpanExporter` from opentelemetry-exporter-otlp) instead of the in-memory one.
"""

from __future__ import annotations

import sys
from typing import Any

import anyio
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from structagents import (
    Agent,
    RunConfig,
    Runner,
    custom_span,
    function_tool,
    set_trace_processors,
    trace,
)
from structagents.testing import ScriptedModel, function_call
from structagents.tracing import BatchTraceProcessor, JSONLSpanExporter
from structagents.tracing.otel import OpenTelemetryTracingProcessor


@function_tool
async def stock(item: str) -> int:
    """How many of `item` are in stock."""
    with custom_span("warehouse lookup", {"item": item}):  # nests under the tool call's span
        return 3


async def main(jsonl_path: str) -> dict[str, Any]:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    jsonl = BatchTraceProcessor(JSONLSpanExporter(jsonl_path))
    set_trace_processors([OpenTelemetryTracingProcessor(provider), jsonl])

    clerk = Agent(
        name="Clerk",
        model=ScriptedModel([[function_call("stock", {"item": "boots"}, call_id="c1")], "3 left."]),
        tools=[stock],
    )
    writer = Agent(name="Writer", model=ScriptedModel(["Only 3 boots left: order soon!"]))
    # No model input or output, instructions or tool data in any span or export:
    private = RunConfig(trace_include_sensitive_data=False)
    with trace("Restock check", group_id="thread-7") as workflow:
        count = await Runner.run(clerk, "How many boots?", run_config=private)
        note = await Runner.run(writer, count.final_output, run_config=private)

    jsonl.force_flush()
    set_trace_processors([])
    names = [span.name for span in spans.get_finished_spans()]
    print(f"trace {workflow.trace_id}: {note.final_output}")
    print("OpenTelemetry spans:", ", ".join(names))
    return {"trace_id": workflow.trace_id, "same_trace": note.trace is workflow, "spans": names}


if __name__ == "__main__":
    anyio.run(main, sys.argv[1] if len(sys.argv) > 1 else "spans.jsonl")
