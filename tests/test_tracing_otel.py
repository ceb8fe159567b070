"""OpenTelemetry export with the real SDK: GenAI semantic-convention names and attributes,
the application's own tracer provider, errors, and the GenAI client metrics.

Model calls go over loopback HTTP (FakeOpenAIServer), so this module runs on the real clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
import openai
import pytest
from opentelemetry import trace as otel_trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from structagents import (
    Agent,
    OpenAIResponsesModel,
    RunConfig,
    Runner,
    Usage,
    function_tool,
    handoff,
    set_trace_processors,
)
from structagents.testing import (
    FakeOpenAIServer,
    ModelStep,
    assistant_message,
    function_call,
    handoff_call,
)
from structagents.tracing.otel import OpenTelemetryTracingProcessor


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app_spans() -> Iterator[InMemorySpanExporter]:
    """The application's own (global) tracer provider, set up as an app would."""
    provider = otel_trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        otel_trace.set_tracer_provider(TracerProvider())
        provider = otel_trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()
    set_trace_processors([])


@function_tool
async def forecast(city: str) -> str:
    """Tomorrow's weather."""
    return f"{city}: rain"


@function_tool(failure_error_function=None)
async def explode() -> str:
    """Always fails."""
    raise ValueError("boom")


def _by_name(spans: tuple[ReadableSpan, ...], prefix: str) -> list[ReadableSpan]:
    return [s for s in spans if s.name.startswith(prefix)]


async def test_a_run_becomes_genai_spans_under_the_apps_current_span(
    app_spans: InMemorySpanExporter,
) -> None:
    set_trace_processors([OpenTelemetryTracingProcessor()])  # the global provider
    usage = Usage(requests=1, input_tokens=11, output_tokens=3, total_tokens=14)
    async with FakeOpenAIServer(
        [
            ModelStep(
                output=[
                    function_call("forecast", {"city": "Oslo"}, call_id="call_a"),
                    function_call("forecast", {"city": "Rome"}, call_id="call_b"),
                ],
                usage=usage,
                response_id="resp_1",
            ),
            ModelStep(output=[handoff_call("writer", call_id="call_h")], response_id="resp_2"),
            ModelStep(output=[assistant_message("Rain in both.")], response_id="resp_3"),
        ]
    ) as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        model = OpenAIResponsesModel("gpt-4.1-mini", openai_client=client)
        writer = Agent(name="writer", model=model)
        triage = Agent(name="triage", model=model, tools=[forecast], handoffs=[handoff(writer)])
        app = otel_trace.get_tracer("my-app")
        with app.start_as_current_span("handle request") as request_span:
            result = await Runner.run(
                triage, "Weather?", run_config=RunConfig(group_id="conversation-42")
            )
        await client.close()
    assert result.final_output == "Rain in both."

    spans = app_spans.get_finished_spans()
    (root,) = [s for s in spans if s.name == "Agent workflow"]
    assert root.parent is not None
    assert root.parent.span_id == request_span.get_span_context().span_id
    assert {s.context.trace_id for s in spans} == {request_span.get_span_context().trace_id}

    agents = _by_name(spans, "invoke_agent ")
    assert [s.name for s in agents] == ["invoke_agent triage", "invoke_agent writer"]
    for agent_span in agents:
        assert agent_span.parent is not None
        assert agent_span.parent.span_id == root.context.span_id
        assert agent_span.attributes is not None
        assert agent_span.attributes["gen_ai.operation.name"] == "invoke_agent"
        assert agent_span.attributes["gen_ai.conversation.id"] == "conversation-42"

    chats = sorted(_by_name(spans, "chat "), key=lambda s: s.start_time or 0)
    assert [s.name for s in chats] == ["chat gpt-4.1-mini"] * 3
    first = chats[0]
    assert first.kind is SpanKind.CLIENT
    assert first.parent is not None
    assert first.parent.span_id == agents[0].context.span_id
    attributes = dict(first.attributes or {})
    assert attributes["gen_ai.operation.name"] == "chat"
    assert attributes["gen_ai.provider.name"] == "openai"
    assert attributes["gen_ai.request.model"] == "gpt-4.1-mini"
    assert attributes["gen_ai.response.id"] == "resp_1"
    assert attributes["gen_ai.usage.input_tokens"] == 11
    assert attributes["gen_ai.usage.output_tokens"] == 3
    messages = json.loads(str(attributes["gen_ai.input.messages"]))
    assert messages == [{"role": "user", "parts": [{"type": "text", "content": "Weather?"}]}]
    output = json.loads(str(attributes["gen_ai.output.messages"]))
    assert output[0]["parts"][0]["type"] == "tool_call"
    assert output[0]["parts"][0]["name"] == "forecast"

    tools = _by_name(spans, "execute_tool ")
    assert sorted(str((s.attributes or {})["gen_ai.tool.call.id"]) for s in tools) == [
        "call_a",
        "call_b",
    ]
    for tool in tools:
        tool_attributes = dict(tool.attributes or {})
        assert tool.name == "execute_tool forecast"
        assert tool_attributes["gen_ai.operation.name"] == "execute_tool"
        assert tool_attributes["gen_ai.tool.name"] == "forecast"
        assert str(tool_attributes["gen_ai.tool.call.result"]).endswith(": rain")
        assert tool.parent is not None
        assert tool.parent.span_id == agents[0].context.span_id
    assert not _by_name(spans, "task")
    assert not _by_name(spans, "turn")
    assert [s.name for s in _by_name(spans, "handoff")] == ["handoff writer"]


async def test_errors_and_cancellation_set_error_type() -> None:
    provider = TracerProvider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    set_trace_processors([OpenTelemetryTracingProcessor(provider)])
    try:
        async with FakeOpenAIServer([[function_call("explode", {}, call_id="c1")]]) as server:
            client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk", max_retries=0)
            agent = Agent(name="a", model=OpenAIResponsesModel("m", client), tools=[explode])
            with pytest.raises(ValueError, match="boom"):
                await Runner.run(agent, "go")

            started = anyio.Event()

            @function_tool
            async def hang() -> str:
                """Never returns."""
                started.set()
                await anyio.sleep_forever()
                return ""

            server.enqueue([function_call("hang", {}, call_id="c2")])
            agent = Agent(name="b", model=OpenAIResponsesModel("m", client), tools=[hang])
            with anyio.CancelScope() as scope:
                async with anyio.create_task_group() as tg:
                    tg.start_soon(Runner.run, agent, "go")
                    await started.wait()
                    scope.cancel()
            await client.close()
    finally:
        set_trace_processors([])
    spans = exporter.get_finished_spans()
    (failed,) = _by_name(spans, "execute_tool explode")
    assert failed.status.status_code is StatusCode.ERROR
    assert (failed.attributes or {})["error.type"] == "ValueError"
    (cancelled,) = _by_name(spans, "execute_tool hang")
    assert cancelled.status.status_code is StatusCode.ERROR
    assert (cancelled.attributes or {})["error.type"] == "cancelled"
    (agent_b,) = _by_name(spans, "invoke_agent b")
    assert (agent_b.attributes or {})["error.type"] == "cancelled"


async def test_model_calls_record_the_genai_client_metrics() -> None:
    reader = InMemoryMetricReader()
    provider = TracerProvider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    processor = OpenTelemetryTracingProcessor(
        provider, meter_provider=MeterProvider(metric_readers=[reader])
    )
    set_trace_processors([processor])
    usage = Usage(requests=1, input_tokens=7, output_tokens=2, total_tokens=9)
    try:
        async with FakeOpenAIServer(
            [ModelStep(output=[assistant_message("hi")], usage=usage)]
        ) as server:
            client = openai.AsyncOpenAI(base_url=server.base_url, api_key="sk", max_retries=0)
            agent = Agent(name="a", model=OpenAIResponsesModel("m1", client))
            await Runner.run(agent, "x", conversation_id="conv_9")
            await client.close()
    finally:
        set_trace_processors([])
    data = reader.get_metrics_data()
    assert data is not None
    metrics: dict[str, Any] = {
        metric.name: metric
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
    }
    tokens = {
        point.attributes["gen_ai.token.type"]: point.sum
        for point in metrics["gen_ai.client.token.usage"].data.data_points
    }
    assert tokens == {"input": 7, "output": 2}
    (duration,) = metrics["gen_ai.client.operation.duration"].data.data_points
    assert duration.attributes["gen_ai.request.model"] == "m1"
    assert duration.count == 1
    # The run's server-side conversation is the spans' conversation id.
    for span in exporter.get_finished_spans():
        if span.name != "Agent workflow":
            assert (span.attributes or {})["gen_ai.conversation.id"] == "conv_9", span.name
