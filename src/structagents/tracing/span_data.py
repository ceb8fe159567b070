"""What each kind of span records. `export()` is the JSON shape the OpenAI traces API takes."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openai.types.responses import Response

__all__ = [
    "AgentSpanData",
    "CustomSpanData",
    "FunctionSpanData",
    "GenerationSpanData",
    "GuardrailSpanData",
    "HandoffSpanData",
    "MCPListToolsSpanData",
    "ResponseSpanData",
    "SpanData",
    "SpeechGroupSpanData",
    "SpeechSpanData",
    "TaskSpanData",
    "TranscriptionSpanData",
    "TurnSpanData",
]


class SpanData(abc.ABC):
    """The data of one span; `type` names its kind."""

    __slots__ = ()

    @abc.abstractmethod
    def export(self) -> dict[str, Any]:
        """This data as a JSON-ready dict."""

    @property
    @abc.abstractmethod
    def type(self) -> str:
        """The span kind: "agent", "function", "response", ..."""


class AgentSpanData(SpanData):
    """One agent's part of a run: its name, tools, handoffs and output type."""

    __slots__ = ("handoffs", "metadata", "name", "output_type", "tools")

    def __init__(
        self,
        name: str,
        handoffs: list[str] | None = None,
        tools: list[str] | None = None,
        output_type: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.handoffs = handoffs
        self.tools = tools
        self.output_type = output_type
        self.metadata = metadata

    @property
    def type(self) -> str:
        return "agent"

    def export(self) -> dict[str, Any]:
        return {
            "type": "agent",
            "name": self.name,
            "handoffs": self.handoffs,
            "tools": self.tools,
            "output_type": self.output_type,
        }


class _RunPartSpanData(SpanData):
    """Task and turn spans: exported as custom spans (the traces API has no kind for them)."""

    __slots__ = ("metadata", "usage")

    def __init__(self, usage: dict[str, Any] | None, metadata: dict[str, Any] | None) -> None:
        self.usage = usage
        self.metadata = metadata

    def _custom(self, fields: dict[str, Any]) -> dict[str, Any]:
        data = {"sdk_span_type": self.type, **fields}
        if self.usage is not None:
            data["usage"] = self.usage
        return {"type": "custom", "name": self.type, "data": data}


class TaskSpanData(_RunPartSpanData):
    """One top-level run (`Runner.run`, a streamed run)."""

    __slots__ = ("name",)

    def __init__(
        self,
        name: str,
        usage: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(usage, metadata)
        self.name = name

    @property
    def type(self) -> str:
        return "task"

    def export(self) -> dict[str, Any]:
        return self._custom({"name": self.name})


class TurnSpanData(_RunPartSpanData):
    """One turn of the loop: a model call and the tools it asked for."""

    __slots__ = ("agent_name", "turn")

    def __init__(
        self,
        turn: int,
        agent_name: str,
        usage: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(usage, metadata)
        self.turn = turn
        self.agent_name = agent_name

    @property
    def type(self) -> str:
        return "turn"

    def export(self) -> dict[str, Any]:
        return self._custom({"turn": self.turn, "agent_name": self.agent_name})


class FunctionSpanData(SpanData):
    """One tool call: the tool's name, its arguments and its output.

    `call_id` is the model's id for the call (not exported to the OpenAI traces API).
    """

    __slots__ = ("call_id", "input", "mcp_data", "name", "output")

    def __init__(
        self,
        name: str,
        input: str | None,
        output: Any | None,
        mcp_data: dict[str, Any] | None = None,
        call_id: str | None = None,
    ) -> None:
        self.name = name
        self.input = input
        self.output = output
        self.mcp_data = mcp_data
        self.call_id = call_id

    @property
    def type(self) -> str:
        return "function"

    def export(self) -> dict[str, Any]:
        return {
            "type": "function",
            "name": self.name,
            "input": self.input,
            "output": str(self.output) if self.output is not None else None,
            "mcp_data": self.mcp_data,
        }


class GenerationSpanData(SpanData):
    """A model generation with its messages, model, settings and usage."""

    __slots__ = ("input", "model", "model_config", "output", "usage")

    def __init__(
        self,
        input: Sequence[Mapping[str, Any]] | None = None,
        output: Sequence[Mapping[str, Any]] | None = None,
        model: str | None = None,
        model_config: Mapping[str, Any] | None = None,
        usage: dict[str, Any] | None = None,
    ) -> None:
        self.input = input
        self.output = output
        self.model = model
        self.model_config = model_config
        self.usage = usage

    @property
    def type(self) -> str:
        return "generation"

    def export(self) -> dict[str, Any]:
        return {
            "type": "generation",
            "input": self.input,
            "output": self.output,
            "model": self.model,
            "model_config": self.model_config,
            "usage": self.usage,
        }


class ResponseSpanData(SpanData):
    """One model call (a Responses-API response).

    Beyond the reference's fields (`response`, `input`, `usage`), a run records `response_id`,
    `model`, `output` (the output item dicts), `instructions` and `first_token_at` (ISO time
    of the first streamed delta). `input`, `output` and `instructions` stay None when the
    run excludes sensitive data. `response` is the openai SDK's typed object, built on first
    access from what the run recorded.
    """

    __slots__ = (
        "_response",
        "first_token_at",
        "input",
        "instructions",
        "model",
        "output",
        "response_id",
        "usage",
    )

    def __init__(
        self,
        response: Response | None = None,
        input: str | list[Any] | None = None,
        usage: dict[str, Any] | None = None,
    ) -> None:
        self._response = response
        self.input = input
        self.usage = usage
        self.response_id: str | None = response.id if response is not None else None
        self.model: str | None = None
        self.output: list[Any] | None = None
        self.instructions: str | None = None
        self.first_token_at: str | None = None

    @property
    def response(self) -> Response | None:
        """The typed response, if the call returned one."""
        if self._response is None and self.response_id is not None:
            from openai.types.responses import Response

            self._response = Response.model_construct(
                id=self.response_id, model=self.model, output=self.output or [], object="response"
            )
        return self._response

    @response.setter
    def response(self, value: Response | None) -> None:
        self._response = value
        if value is not None:
            self.response_id = value.id

    @property
    def type(self) -> str:
        return "response"

    def export(self) -> dict[str, Any]:
        return {"type": "response", "response_id": self.response_id, "usage": self.usage}


class HandoffSpanData(SpanData):
    """A handoff from one agent to another."""

    __slots__ = ("from_agent", "to_agent")

    def __init__(self, from_agent: str | None, to_agent: str | None) -> None:
        self.from_agent = from_agent
        self.to_agent = to_agent

    @property
    def type(self) -> str:
        return "handoff"

    def export(self) -> dict[str, Any]:
        return {"type": "handoff", "from_agent": self.from_agent, "to_agent": self.to_agent}


class CustomSpanData(SpanData):
    """A span of your own: a name and a dict of data."""

    __slots__ = ("data", "name")

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        self.name = name
        self.data = data

    @property
    def type(self) -> str:
        return "custom"

    def export(self) -> dict[str, Any]:
        return {"type": "custom", "name": self.name, "data": self.data}


class GuardrailSpanData(SpanData):
    """One guardrail check: its name and whether its tripwire triggered."""

    __slots__ = ("name", "triggered")

    def __init__(self, name: str, triggered: bool = False) -> None:
        self.name = name
        self.triggered = triggered

    @property
    def type(self) -> str:
        return "guardrail"

    def export(self) -> dict[str, Any]:
        return {"type": "guardrail", "name": self.name, "triggered": self.triggered}


class TranscriptionSpanData(SpanData):
    """Speech to text (kept for code written against the reference SDK)."""

    __slots__ = ("input", "input_format", "model", "model_config", "output")

    def __init__(
        self,
        input: str | None = None,
        input_format: str | None = "pcm",
        output: str | None = None,
        model: str | None = None,
        model_config: Mapping[str, Any] | None = None,
    ) -> None:
        self.input = input
        self.input_format = input_format
        self.output = output
        self.model = model
        self.model_config = model_config

    @property
    def type(self) -> str:
        return "transcription"

    def export(self) -> dict[str, Any]:
        return {
            "type": "transcription",
            "input": {"data": self.input or "", "format": self.input_format},
            "output": self.output,
            "model": self.model,
            "model_config": self.model_config,
        }


class SpeechSpanData(SpanData):
    """Text to speech (kept for code written against the reference SDK)."""

    __slots__ = ("first_content_at", "input", "model", "model_config", "output", "output_format")

    def __init__(
        self,
        input: str | None = None,
        output: str | None = None,
        output_format: str | None = "pcm",
        model: str | None = None,
        model_config: Mapping[str, Any] | None = None,
        first_content_at: str | None = None,
    ) -> None:
        self.input = input
        self.output = output
        self.output_format = output_format
        self.model = model
        self.model_config = model_config
        self.first_content_at = first_content_at

    @property
    def type(self) -> str:
        return "speech"

    def export(self) -> dict[str, Any]:
        return {
            "type": "speech",
            "input": self.input,
            "output": {"data": self.output or "", "format": self.output_format},
            "model": self.model,
            "model_config": self.model_config,
            "first_content_at": self.first_content_at,
        }


class SpeechGroupSpanData(SpanData):
    """A group of speech spans (kept for code written against the reference SDK)."""

    __slots__ = ("input",)

    def __init__(self, input: str | None = None) -> None:
        self.input = input

    @property
    def type(self) -> str:
        return "speech_group"

    def export(self) -> dict[str, Any]:
        return {"type": "speech_group", "input": self.input}


class MCPListToolsSpanData(SpanData):
    """Listing an MCP server's tools."""

    __slots__ = ("result", "server")

    def __init__(self, server: str | None = None, result: list[str] | None = None) -> None:
        self.server = server
        self.result = result

    @property
    def type(self) -> str:
        return "mcp_tools"

    def export(self) -> dict[str, Any]:
        return {"type": "mcp_tools", "server": self.server, "result": self.result}
