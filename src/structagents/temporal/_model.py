"""Model calls as Temporal activities.

In the workflow, `TemporalModelProvider` hands the run a `TemporalModel` for each model name;
its `get_response` sends the request as plain JSON data (instructions, input items, settings,
tool, handoff and output schemas) to the `structagents.invoke_model` activity, which builds
the real model by name on the worker (`ModelActivity`, with any `ModelProvider`) and returns
the reply as JSON. Nothing of the model, its client or its tools lives in workflow code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from temporalio import activity
from temporalio.common import RetryPolicy
from temporalio.workflow import ActivityCancellationType

from .._handoffs import Handoff
from .._hosted_tools import HostedMCPTool
from .._tool_search import ToolSearchTool
from .._tools import FunctionTool, Tool
from .._usage import usage_from_json, usage_to_json
from ..exceptions import UserError
from ..models.interface import Model, ModelProvider, ModelResponse, ModelTracing
from ..models.provider import MultiProvider
from ..models.settings import ModelSettings, coerce_model_settings
from ._activities import execute_activity

__all__ = ["ModelActivity", "ModelActivityParameters", "TemporalModel", "TemporalModelProvider"]

INVOKE_MODEL = "structagents.invoke_model"


@dataclass(frozen=True)
class ModelActivityParameters:
    """How the model activity is scheduled: Temporal's activity options."""

    start_to_close_timeout: timedelta = timedelta(seconds=120)
    retry_policy: RetryPolicy | None = None
    heartbeat_timeout: timedelta | None = None
    task_queue: str | None = None
    cancellation_type: ActivityCancellationType = ActivityCancellationType.TRY_CANCEL
    extra: dict[str, Any] = field(default_factory=dict)
    """Any other `workflow.start_activity` keyword."""


class TemporalModel(Model):
    """A model that runs each request as a `structagents.invoke_model` activity."""

    def __init__(self, model_name: str | None, params: ModelActivityParameters) -> None:
        self.model_name = model_name
        self.params = params

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[dict[str, Any]],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: Any,
        handoffs: list[Any],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> ModelResponse:
        request = {
            "model": self.model_name,
            "instructions": system_instructions,
            "input": input,
            "model_settings": {
                k: v for k, v in model_settings.to_json_dict().items() if k != "retry"
            },
            "tools": [_tool_to_json(tool) for tool in tools],
            "handoffs": [_handoff_to_json(h) for h in handoffs],
            "output_schema": _output_schema_to_json(output_schema),
            "previous_response_id": previous_response_id,
            "conversation_id": conversation_id,
            "prompt": prompt,
        }
        params = self.params
        reply: dict[str, Any] = await execute_activity(
            INVOKE_MODEL,
            request,
            start_to_close_timeout=params.start_to_close_timeout,
            retry_policy=params.retry_policy,
            heartbeat_timeout=params.heartbeat_timeout,
            task_queue=params.task_queue,
            cancellation_type=params.cancellation_type,
            **params.extra,
        )
        return ModelResponse(
            output=list(reply["output"]),
            usage=usage_from_json(reply.get("usage")),
            response_id=reply.get("response_id"),
            request_id=reply.get("request_id"),
        )


class TemporalModelProvider(ModelProvider):
    """Gives a run in a workflow `TemporalModel`s: models named by string, run as activities."""

    def __init__(self, params: ModelActivityParameters | None = None) -> None:
        self.params = params or ModelActivityParameters()

    def get_model(self, model_name: str | None) -> Model:
        return TemporalModel(model_name, self.params)


class ModelActivity:
    """The worker side: `invoke_model` builds the named model with `model_provider`
    (default: `MultiProvider()`, the OpenAI models) and makes the request."""

    def __init__(self, model_provider: ModelProvider | None = None) -> None:
        self._provider = model_provider or MultiProvider()

    @activity.defn(name=INVOKE_MODEL)
    async def invoke_model(self, request: dict[str, Any]) -> dict[str, Any]:
        model = self._provider.get_model(request["model"])
        response = await model.get_response(
            request["instructions"],
            request["input"],
            coerce_model_settings(request["model_settings"], "the model activity"),
            [_tool_from_json(spec) for spec in request["tools"]],
            _output_schema_from_json(request["output_schema"]),
            [_handoff_from_json(spec) for spec in request["handoffs"]],
            ModelTracing.DISABLED,
            previous_response_id=request["previous_response_id"],
            conversation_id=request["conversation_id"],
            prompt=request["prompt"],
        )
        return {
            "output": response.output,
            "usage": usage_to_json(response.usage),
            "response_id": response.response_id,
            "request_id": response.request_id,
        }


# What crosses the activity boundary: schemas only (tools run in the workflow or as activities)


def _tool_to_json(tool: Tool) -> dict[str, Any]:
    if isinstance(tool, FunctionTool):
        return {
            "kind": "function",
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.params_json_schema,
            "strict": tool.strict_json_schema,
            "defer_loading": tool.defer_loading,
            "namespace": tool._tool_namespace,
            "namespace_description": tool._tool_namespace_description,
        }
    spec = getattr(tool, "tool_spec", None)
    if not callable(spec):
        raise UserError(
            f"Tool {tool.name!r} ({type(tool).__name__}) cannot be sent to a model activity."
        )
    return {"kind": "spec", "name": tool.name, "spec": spec()}


def _tool_from_json(data: dict[str, Any]) -> Tool:
    if data["kind"] == "function":
        return FunctionTool(
            name=data["name"],
            description=data["description"],
            params_json_schema=data["parameters"],
            on_invoke_tool=_never_called,
            strict_json_schema=data["strict"],
            defer_loading=data.get("defer_loading", False),
            _tool_namespace=data.get("namespace"),
            _tool_namespace_description=data.get("namespace_description"),
        )
    spec = data["spec"]
    # the kinds the Responses model's tool-search rules look at come back as themselves
    if spec.get("type") == "tool_search":
        return ToolSearchTool(**{k: v for k, v in spec.items() if k != "type"})
    if spec.get("type") == "mcp":
        return HostedMCPTool(tool_config=spec)
    return cast(Tool, _SpecTool(data["name"], spec))


def _handoff_to_json(handoff: Handoff[Any]) -> dict[str, Any]:
    return {
        "tool_name": handoff.tool_name,
        "tool_description": handoff.tool_description,
        "input_json_schema": handoff.input_json_schema,
        "agent_name": handoff.agent_name,
        "strict_json_schema": handoff.strict_json_schema,
    }


def _handoff_from_json(data: dict[str, Any]) -> Handoff[Any]:
    return Handoff(
        tool_name=data["tool_name"],
        tool_description=data["tool_description"],
        input_json_schema=data["input_json_schema"],
        on_invoke_handoff=_never_called,
        agent_name=data["agent_name"],
        strict_json_schema=data["strict_json_schema"],
    )


def _output_schema_to_json(schema: Any) -> dict[str, Any] | None:
    if schema is None or schema.is_plain_text():
        return None
    return {"schema": schema.json_schema(), "strict": schema.is_strict_json_schema()}


def _output_schema_from_json(data: dict[str, Any] | None) -> Any:
    return None if data is None else _OutputSchemaStandIn(data["schema"], data["strict"])


class _SpecTool:
    """A hosted tool's Responses spec, as the model sends it (it never runs here)."""

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        self.name = name
        self._spec = spec

    def tool_spec(self) -> dict[str, Any]:
        return self._spec


class _OutputSchemaStandIn:
    """The parts of an `AgentOutputSchema` a model reads to ask for structured output."""

    def __init__(self, schema: dict[str, Any], strict: bool) -> None:
        self._schema = schema
        self._strict = strict

    def is_plain_text(self) -> bool:
        return False

    def is_strict_json_schema(self) -> bool:
        return self._strict

    def json_schema(self) -> dict[str, Any]:
        return self._schema


async def _never_called(*args: Any) -> Any:
    raise AssertionError("the model activity only sends schemas; nothing is invoked here")
