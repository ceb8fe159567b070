"""The JSON form of a `RunState`: plain, versioned data (a public contract, see the README).

Agents are written by name and found again through the starting agent's graph; tools by name
on their agent; the context only through the caller's serializer. Nothing is pickled or
evaluated: reading a state validates plain JSON with pydantic and looks names up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import pydantic_core
from pydantic import TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict

from ._agent_graph import AgentGraph
from ._guardrails import GuardrailFunctionOutput, InputGuardrailResult, OutputGuardrailResult
from ._items import HandoffOutputItem, RunItem, ToolApprovalItem, ToolCallOutputItem
from ._run._approvals import restore_pending_turn
from ._run_context import ApprovalRecord, RunContextWrapper
from ._tool_guardrails import (
    ToolGuardrailFunctionOutput,
    ToolInputGuardrailResult,
    ToolOutputGuardrailResult,
)
from ._usage import Usage
from .exceptions import UserError
from .models.interface import ModelResponse

if TYPE_CHECKING:
    from ._agent import Agent
    from ._state import ContextDeserializer, ContextSerializer, PendingTurn, RunState

__all__ = ["CURRENT_SCHEMA_VERSION", "SUPPORTED_SCHEMA_VERSIONS", "dumps", "loads"]

FORMAT = "structagents.RunState"
CURRENT_SCHEMA_VERSION = 1
SUPPORTED_SCHEMA_VERSIONS = frozenset({1})
"""Every version this reader accepts: every version we ever wrote."""


def _item_types() -> dict[str, type[RunItem]]:
    """Every kind of run item a state can hold, by its `type` (approvals live elsewhere)."""
    found: dict[str, type[RunItem]] = {}
    pending = list(RunItem.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls is not ToolApprovalItem:
            found[cls.type] = cls
    return found


class ItemJSON(TypedDict):
    type: str
    agent: str
    raw_item: dict[str, Any]
    output: NotRequired[Any]
    source_agent: NotRequired[str | None]
    target_agent: NotRequired[str | None]


class ResponseJSON(TypedDict):
    output: list[dict[str, Any]]
    usage: Usage
    response_id: str | None
    request_id: str | None


class GuardrailJSON(TypedDict):
    name: str
    output_info: Any
    tripwire_triggered: bool
    agent: NotRequired[str]
    agent_output: NotRequired[Any]


class ToolGuardrailJSON(TypedDict):
    name: str
    output_info: Any
    behavior: dict[str, Any]


class ApprovalJSON(TypedDict):
    approved: bool | list[str]
    rejected: bool | list[str]
    rejection_messages: dict[str, str]
    sticky_rejection_message: str | None


class InterruptionJSON(TypedDict):
    turn_start: int
    tool_calls: list[str]
    handoff_calls: list[str]


class ContextJSON(TypedDict):
    data: NotRequired[Any]
    omitted: NotRequired[str]


class StateJSON(TypedDict):
    format: Literal["structagents.RunState"]
    status: Literal["interrupted", "between_turns", "in_turn", "finished"]
    current_agent: str
    current_turn: int
    max_turns: int | None
    agent_started: bool
    original_input: str | list[dict[str, Any]]
    generated_items: list[ItemJSON]
    model_responses: list[ResponseJSON]
    usage: Usage
    input_guardrail_results: list[GuardrailJSON]
    output_guardrail_results: list[GuardrailJSON]
    tool_input_guardrail_results: list[ToolGuardrailJSON]
    tool_output_guardrail_results: list[ToolGuardrailJSON]
    tool_use_agents: list[str]
    previous_response_id: str | None
    auto_previous_response_id: bool
    conversation_id: str | None
    server_known: int
    session_input: list[dict[str, Any]]
    saved_items: int
    model_input_base: list[dict[str, Any]] | None
    items_base: int
    interruption: InterruptionJSON | None
    approvals: dict[str, ApprovalJSON]
    pending_input: list[dict[str, Any]]
    final_output: NotRequired[Any]
    context: ContextJSON | None


_STATE_V1: TypeAdapter[StateJSON] = TypeAdapter(StateJSON)
_USAGE: TypeAdapter[Usage] = TypeAdapter(Usage)


def dumps(data: Mapping[str, Any]) -> str:
    """JSON text for `data` (fast; non-ASCII kept as is)."""
    return pydantic_core.to_json(data).decode()


def loads(text: str | bytes) -> Any:
    """Parse JSON text; corrupt or truncated text is a `UserError`."""
    if not isinstance(text, str | bytes):
        raise UserError(f"RunState.from_string takes a str or bytes, not {type(text).__name__}.")
    try:
        return pydantic_core.from_json(text)
    except ValueError as exc:
        raise UserError(f"This is not a saved RunState: its JSON is invalid ({exc}).") from exc


def jsonable(value: Any) -> Any:
    """`value` as plain JSON data (pydantic models, dataclasses...; anything else as str)."""
    return pydantic_core.to_jsonable_python(value, fallback=str)


# -- writing ----------------------------------------------------------------------------------


def state_to_json(state: RunState, context_serializer: ContextSerializer | None) -> dict[str, Any]:
    """`RunState.to_json`."""
    if state._running:
        raise UserError(
            "This RunState belongs to a run in progress; save it once the run has returned "
            "(result.to_state()) or raised (e.run_state)."
        )
    base = None if state.items_base == 0 else state.history[: state.history_base]
    data: dict[str, Any] = {
        "$schemaVersion": CURRENT_SCHEMA_VERSION,
        "format": FORMAT,
        "status": _status(state),
        "current_agent": state.current_agent.name,
        "current_turn": state.current_turn,
        "max_turns": state.max_turns,
        "agent_started": state.agent_started,
        "original_input": state.original_input,
        "generated_items": [_item_to_json(item) for item in state.generated_items],
        "model_responses": [_response_to_json(r) for r in state.model_responses],
        "usage": _USAGE.dump_python(state.context_wrapper.usage, mode="json"),
        "input_guardrail_results": [
            _guardrail_to_json(r.guardrail.get_name(), r.output)
            for r in state.input_guardrail_results
        ],
        "output_guardrail_results": [
            {
                **_guardrail_to_json(r.guardrail.get_name(), r.output),
                "agent": r.agent.name,
                "agent_output": jsonable(r.agent_output),
            }
            for r in state.output_guardrail_results
        ],
        "tool_input_guardrail_results": [
            _tool_guardrail_to_json(r) for r in state.tool_input_guardrail_results
        ],
        "tool_output_guardrail_results": [
            _tool_guardrail_to_json(r) for r in state.tool_output_guardrail_results
        ],
        "tool_use_agents": sorted(state.tool_use_agents),
        "previous_response_id": state.previous_response_id,
        "auto_previous_response_id": state.auto_previous_response_id,
        "conversation_id": state.conversation_id,
        "server_known": state.server_known,
        "session_input": state.session_input,
        "saved_items": state.saved_items,
        "model_input_base": base,
        "items_base": state.items_base,
        "interruption": _interruption_to_json(state.interruption),
        "approvals": {
            name: {
                "approved": record.approved,
                "rejected": record.rejected,
                "rejection_messages": record.rejection_messages,
                "sticky_rejection_message": record.sticky_rejection_message,
            }
            for name, record in state.context_wrapper._approvals.items()
        },
        "pending_input": state.pending_input,
        "context": _context_to_json(state.context_wrapper.context, context_serializer),
    }
    if state.finished:
        data["final_output"] = jsonable(state.final_output)
    return data


def _status(state: RunState) -> str:
    if state.finished:
        return "finished"
    if state.interruption is not None:
        return "interrupted"
    return "in_turn" if state.in_turn else "between_turns"


def _item_to_json(item: RunItem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": item.type,
        "agent": item.agent.name,
        "raw_item": item.raw_item_dict,
    }
    if isinstance(item, ToolCallOutputItem):
        data["output"] = jsonable(item.output)
    elif isinstance(item, HandoffOutputItem):
        data["source_agent"] = item.source_agent.name if item.source_agent else None
        data["target_agent"] = item.target_agent.name if item.target_agent else None
    return data


def _response_to_json(response: ModelResponse) -> dict[str, Any]:
    return {
        "output": response.to_input_items(),
        "usage": _USAGE.dump_python(response.usage, mode="json"),
        "response_id": response.response_id,
        "request_id": response.request_id,
    }


def _guardrail_to_json(name: str, output: GuardrailFunctionOutput) -> dict[str, Any]:
    return {
        "name": name,
        "output_info": jsonable(output.output_info),
        "tripwire_triggered": output.tripwire_triggered,
    }


def _tool_guardrail_to_json(
    result: ToolInputGuardrailResult | ToolOutputGuardrailResult,
) -> dict[str, Any]:
    return {
        "name": result.guardrail.get_name(),
        "output_info": jsonable(result.output.output_info),
        "behavior": jsonable(result.output.behavior),
    }


def _interruption_to_json(turn: PendingTurn | None) -> dict[str, Any] | None:
    if turn is None:
        return None
    return {
        "turn_start": turn.turn_start,
        "tool_calls": [run.call["call_id"] for run in turn.tool_runs],
        "handoff_calls": [run.call["call_id"] for run in turn.handoff_runs],
    }


def _context_to_json(context: Any, serializer: ContextSerializer | None) -> dict[str, Any] | None:
    if serializer is not None:
        try:
            return {"data": pydantic_core.to_jsonable_python(serializer(context))}
        except pydantic_core.PydanticSerializationError as exc:
            raise UserError(f"context_serializer must return JSON data: {exc}") from exc
    if context is None:
        return None
    kind = type(context)
    return {"omitted": f"{kind.__module__}.{kind.__qualname__}"}


# -- reading ----------------------------------------------------------------------------------


def state_from_json(
    cls: type[RunState],
    starting_agent: Agent[Any],
    raw: Any,
    context_override: Any,
    context_deserializer: ContextDeserializer | None,
) -> RunState:
    """`RunState.from_json`: validate, look every name up, check the interrupted turn."""
    data = _validated(raw)
    graph = AgentGraph(starting_agent)
    item_types = _item_types()
    items = [_item_from_json(entry, graph, item_types) for entry in data["generated_items"]]
    responses = [
        ModelResponse(r["output"], r["usage"], r["response_id"], r["request_id"])
        for r in data["model_responses"]
    ]
    wrapper = RunContextWrapper(
        _context_from_json(data["context"], context_override, context_deserializer),
        data["usage"],
    )
    for name, record in data["approvals"].items():
        wrapper._approvals[name] = ApprovalRecord(**record)
    agent = graph.agent(data["current_agent"])
    state = cls(
        current_agent=agent,
        original_input=data["original_input"],
        context_wrapper=wrapper,
        max_turns=data["max_turns"],
        current_turn=data["current_turn"],
        agent_started=data["agent_started"],
        generated_items=items,
        model_responses=responses,
        previous_response_id=data["previous_response_id"],
        auto_previous_response_id=data["auto_previous_response_id"],
        conversation_id=data["conversation_id"],
        server_known=data["server_known"],
        session_input=data["session_input"],
        saved_items=data["saved_items"],
        items_base=data["items_base"],
        pending_input=data["pending_input"],
        in_turn=data["status"] in ("in_turn", "interrupted"),
        finished=data["status"] == "finished",
        final_output=data.get("final_output"),
    )
    state.history, state.history_base = _history(data, items)
    state.input_guardrail_results = [
        InputGuardrailResult(graph.input_guardrail(g["name"]), _guardrail_output(g))
        for g in data["input_guardrail_results"]
    ]
    state.output_guardrail_results = [
        OutputGuardrailResult(
            graph.output_guardrail(g["name"]),
            g.get("agent_output"),
            graph.agent(g.get("agent", agent.name)),
            _guardrail_output(g),
        )
        for g in data["output_guardrail_results"]
    ]
    state.tool_input_guardrail_results = [
        ToolInputGuardrailResult(graph.tool_input_guardrail(g["name"]), _tool_guardrail_output(g))
        for g in data["tool_input_guardrail_results"]
    ]
    state.tool_output_guardrail_results = [
        ToolOutputGuardrailResult(graph.tool_output_guardrail(g["name"]), _tool_guardrail_output(g))
        for g in data["tool_output_guardrail_results"]
    ]
    state.tool_use_agents = set(data["tool_use_agents"])
    interruption = data["interruption"]
    if data["status"] == "interrupted":
        if interruption is None:
            raise UserError("This saved RunState says it is interrupted but has no interruption.")
        state.pause(restore_pending_turn(state, interruption))
    return state


def _validated(raw: Any) -> StateJSON:
    if not isinstance(raw, Mapping):
        raise UserError(f"A saved RunState is a JSON object, not {type(raw).__name__}.")
    version = raw.get("$schemaVersion")
    if raw.get("format") != FORMAT:
        raise UserError(
            "This is not a structagents RunState (it has no 'format': 'structagents.RunState'); "
            "states saved by another SDK cannot be read."
        )
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        raise UserError(
            f"RunState schema version {version!r} is not supported by this structagents (it "
            f"reads versions {sorted(SUPPORTED_SCHEMA_VERSIONS)}); upgrade structagents."
        )
    try:
        return _STATE_V1.validate_python(raw)
    except ValidationError as exc:
        raise UserError(f"This saved RunState is corrupt or incomplete: {exc}") from exc


def _item_from_json(
    entry: ItemJSON, graph: AgentGraph, item_types: Mapping[str, type[RunItem]]
) -> RunItem:
    agent = graph.agent(entry["agent"])
    kind = item_types.get(entry["type"])
    if kind is None:
        raise UserError(f"This saved RunState holds an unknown kind of item: {entry['type']!r}.")
    raw = entry["raw_item"]
    if kind is ToolCallOutputItem:
        return ToolCallOutputItem(agent, raw, entry.get("output"))
    if kind is HandoffOutputItem:
        source, target = entry.get("source_agent"), entry.get("target_agent")
        return HandoffOutputItem(
            agent,
            raw,
            source_agent=graph.agent(source) if source else None,
            target_agent=graph.agent(target) if target else None,
        )
    return kind(agent, raw)


def _history(data: StateJSON, items: list[RunItem]) -> tuple[list[dict[str, Any]], int]:
    base = data["model_input_base"]
    if base is None:
        if data["items_base"] != 0:
            raise UserError("This saved RunState is corrupt: items_base without model_input_base.")
        original = data["original_input"]
        base = [{"role": "user", "content": original}] if isinstance(original, str) else original
    if not 0 <= data["items_base"] <= len(items):
        raise UserError("This saved RunState is corrupt: items_base is out of range.")
    history = list(base)
    history.extend(item.to_input_item() for item in items[data["items_base"] :])
    return history, len(base)


def _guardrail_output(entry: GuardrailJSON) -> GuardrailFunctionOutput:
    return GuardrailFunctionOutput(entry["output_info"], entry["tripwire_triggered"])


def _tool_guardrail_output(entry: ToolGuardrailJSON) -> ToolGuardrailFunctionOutput:
    return ToolGuardrailFunctionOutput(entry["output_info"], entry["behavior"])  # type: ignore[arg-type]


def _context_from_json(
    entry: ContextJSON | None, override: Any, deserializer: ContextDeserializer | None
) -> Any:
    if override is not None:
        return override.context if isinstance(override, RunContextWrapper) else override
    if entry is None:
        return None
    if "data" in entry:
        if deserializer is None:
            raise UserError(
                "This RunState was saved with a context_serializer: pass "
                "context_deserializer=... (or context_override=...) to rebuild the context."
            )
        return deserializer(entry["data"])
    return ContextNotSaved(entry.get("omitted", "the context"))


class ContextNotSaved:
    """Stands in for a context that `to_json` was not asked to save; using it says so."""

    def __init__(self, kind: str) -> None:
        self._kind = kind

    def __getattr__(self, name: str) -> Any:
        raise UserError(
            f"The run's context ({self._kind}) was not saved with its RunState, so "
            f"context.{name} is not available: save it with to_json(context_serializer=...) "
            "and load it with from_json(..., context_deserializer=...), or pass "
            "context_override=... to from_json."
        )

    def __getitem__(self, key: Any) -> Any:
        return self.__getattr__(f"[{key!r}]")

    def __repr__(self) -> str:
        return f"<context {self._kind} not saved with the RunState>"
