"""One model call and what its reply means: new items, tool calls to run, a final output."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from .._agent import Agent
from .._config import CallModelData, CallModelInputFilter, ModelInputData
from .._handoffs import Handoff
from .._items import (
    HandoffCallItem,
    ItemHelpers,
    MessageOutputItem,
    ReasoningItem,
    RunItem,
    ToolCallItem,
    ToolSearchCallItem,
    ToolSearchOutputItem,
    TResponseInputItem,
    TResponseOutputItem,
)
from .._output_schema import output_schema_for
from .._state import RunState
from .._tool_errors import ToolNotFoundBehavior
from .._tool_search import FunctionToolLookup, call_key, qualified
from .._tools import Tool
from .._typed import plain
from ..exceptions import ModelBehaviorError, UserError
from ..models.interface import Model, ModelResponse, keep_raw_usage
from ..tracing.span_data import ResponseSpanData
from ..tracing.spans import Span
from ..tracing.util import time_iso
from . import _lifecycle as lifecycle
from ._env import RunEnv
from ._model_retry import Attempt, call_with_retry
from ._sink import EventSink
from ._tool_calls import FunctionToolRun, MissingToolRun, ToolRun
from ._tool_kinds import HOSTED_ITEMS, RUN_KINDS

__all__ = [
    "HandoffRun",
    "ProcessedResponse",
    "ToolRun",
    "call_model",
    "final_output_from_message",
    "process_response",
]


@dataclass
class HandoffRun:
    """A handoff the model asked for, matched to its handoff."""

    handoff: Handoff[Any]
    call: TResponseOutputItem


@dataclass
class ProcessedResponse:
    """A model reply sorted into run items, tool calls to execute and handoffs to take."""

    new_items: list[RunItem] = field(default_factory=list)
    tool_runs: list[ToolRun] = field(default_factory=list)
    handoff_runs: list[HandoffRun] = field(default_factory=list)
    last_message: TResponseOutputItem | None = None
    used_hosted_tools: bool = False
    """Whether the service ran a tool (or a tool search) in this reply: without a message,
    the run asks the model again, as the reference does."""


async def call_model(
    env: RunEnv,
    state: RunState,
    agent: Agent[Any],
    tools: list[Tool],
    handoffs: list[Handoff[Any]],
) -> ModelResponse:
    """Call `agent`'s model with the history so far; add its usage to the run's."""
    ctx = state.context_wrapper
    model = env.model_for(agent)
    if state.server_manages_conversation and not model.keeps_server_state:
        raise UserError(
            f"{type(model).__name__} keeps no conversation on the server: run without "
            "previous_response_id / auto_previous_response_id / conversation_id, or use a model "
            "that does (OpenAIResponsesModel)."
        )
    settings = agent.model_settings.resolve(env.config.model_settings)
    if (
        settings.tool_choice is not None
        and agent.reset_tool_choice
        and agent.name in state.tool_use_agents
    ):  # already None (the default, auto) needs no copy: this runs every turn
        settings = dataclasses.replace(settings, tool_choice=None)
    system_prompt = await agent.get_system_prompt(ctx)
    prompt = await agent.get_prompt(ctx)
    input_filter = env.config.call_model_input_filter
    model_input = state.model_input(lend=_may_lend_input(env, agent, model))
    if input_filter is not None:
        model_input, system_prompt = await _filtered_input(
            input_filter, ModelInputData(model_input, system_prompt), agent, ctx.context
        )
    args: tuple[Any, ...] = (
        system_prompt,
        model_input,
        settings,
        tools,
        output_schema_for(agent.output_type),
        handoffs,
        lifecycle.model_tracing(env),
    )
    options: dict[str, Any] = {
        "previous_response_id": state.previous_response_id,
        "conversation_id": state.conversation_id,
        "prompt": prompt,
    }
    events = env.events

    with lifecycle.model_call_span(env, agent, model, system_prompt, model_input) as span:
        await lifecycle.llm_start(env, ctx, agent, system_prompt, model_input)

        async def request(attempt: Attempt) -> ModelResponse:
            for budget in env.budgets:
                budget.before_request()
            if events is None:
                return await model.get_response(*args, **options)
            stream = model.stream_response(*args, **options)
            return await _streamed_response(
                events, stream, attempt, settings.preserve_raw_usage, span
            )

        response = await call_with_retry(
            request,
            model,
            settings,
            stream=events is not None,
            previous_response_id=state.previous_response_id,
            conversation_id=state.conversation_id,
        )
        ctx.usage.add(response.usage)
        await lifecycle.llm_end(env, ctx, agent, response, span)
    return response


def _may_lend_input(env: RunEnv, agent: Agent[Any], model: Model) -> bool:
    """Whether the model call may receive the run's own history list: nothing but a model
    that declares `borrows_input` sees it (no input filter, no hooks, no span recording it)."""
    return (
        type(model).__dict__.get("borrows_input") is True
        and env.config.call_model_input_filter is None
        and env.hooks is None
        and agent.hooks is None
        and (env.tracing is None or not env.tracing.include_data)
    )


async def _filtered_input(
    input_filter: CallModelInputFilter,
    data: ModelInputData,
    agent: Agent[Any],
    context: Any,
) -> tuple[list[TResponseInputItem], str | None]:
    result = input_filter(CallModelData(model_data=data, agent=agent, context=context))
    if inspect.isawaitable(result):
        result = await result
    if not isinstance(result, ModelInputData):
        raise UserError(
            "RunConfig.call_model_input_filter must return a ModelInputData(input=..., "
            f"instructions=...), not {type(result).__name__}."
        )
    return list(result.input), result.instructions


async def _streamed_response(
    events: EventSink,
    stream: AsyncIterator[Any],
    attempt: Attempt,
    preserve_raw_usage: bool | None,
    span: Span[ResponseSpanData] | None,
) -> ModelResponse:
    """Forward a model's stream events; the `response.completed` one is the reply. The span
    (if any) records when the first delta arrived."""
    completed: dict[str, Any] | None = None
    try:
        async for event in stream:
            kind = event.get("type") if isinstance(event, dict) else getattr(event, "type", None)
            attempt.saw_event(kind)
            await events.raw(event)
            if kind == "response.completed":
                # (an SDK object from a model written for the reference SDK is dumped)
                completed = (
                    event.get("response") if isinstance(event, dict) else plain(event.response)
                )
            elif span is not None and _is_first_delta(kind, span):
                span.span_data.first_token_at = time_iso()
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            await aclose()
    if completed is None:
        raise ModelBehaviorError("The model's stream ended without a response.completed event.")
    response = ModelResponse.from_response_json(completed)
    keep_raw_usage(response, completed, preserve_raw_usage)
    return response


def _is_first_delta(kind: Any, span: Span[ResponseSpanData]) -> bool:
    return (
        span.span_data.first_token_at is None and isinstance(kind, str) and kind.endswith(".delta")
    )


def process_response(
    agent: Agent[Any],
    response: ModelResponse,
    tools: list[Tool],
    handoffs: list[Handoff[Any]],
    tool_not_found_behavior: ToolNotFoundBehavior = "raise_error",
) -> ProcessedResponse:
    """Sort the reply's output items; an unknown tool or item type is a `ModelBehaviorError`
    (a call to an unknown tool is answered with an error message instead when
    `tool_not_found_behavior` is "return_error_to_model").

    Function calls go to a handoff or a function tool by name (and `namespace`, for tools
    loaded by tool search); other client-side calls to their kind in `RUN_KINDS`; items of
    hosted tools (`HOSTED_ITEMS`) and tool searches only pass through.
    """
    processed = ProcessedResponse()
    function_tools: FunctionToolLookup | None = None
    handoffs_by_name = {h.tool_name: h for h in handoffs}
    for item in response.to_input_items():
        kind = item.get("type")
        if kind == "message":
            processed.new_items.append(MessageOutputItem(agent, item))
            processed.last_message = item
        elif kind == "function_call":
            name = item.get("name")
            target = (
                handoffs_by_name.get(name)
                if isinstance(name, str) and not item.get("namespace")  # never a handoff
                else None
            )
            if target is not None:
                processed.new_items.append(HandoffCallItem(agent, item))
                processed.handoff_runs.append(HandoffRun(target, item))
                continue
            if function_tools is None:
                function_tools = FunctionToolLookup(tools)
            tool = function_tools.find(item)
            if tool is None and tool_not_found_behavior == "return_error_to_model":
                call_item = ToolCallItem(agent, item)
                processed.new_items.append(call_item)
                processed.tool_runs.append(MissingToolRun(None, item, call_item))
                continue
            if tool is None:
                offered = [*function_tools.names(), *handoffs_by_name]
                raise ModelBehaviorError(
                    f"The model called tool {qualified(call_key(item))!r}, not found in agent "
                    f"{agent.name!r} (its tools: {sorted(offered)})."
                )
            call_item = ToolCallItem(agent, item)
            processed.new_items.append(call_item)
            processed.tool_runs.append(FunctionToolRun(tool, item, call_item))
        elif kind == "reasoning":
            processed.new_items.append(ReasoningItem(agent, item))
        elif isinstance(kind, str) and kind in RUN_KINDS:
            run = RUN_KINDS[kind].for_call(agent, item, tools)
            if isinstance(run, RunItem):  # nothing to run here
                processed.new_items.append(run)
                continue
            processed.new_items.append(run.call_item)
            processed.tool_runs.append(run)
        elif isinstance(kind, str) and kind in HOSTED_ITEMS:
            processed.new_items.append(HOSTED_ITEMS[kind](agent, item))
            processed.used_hosted_tools |= kind != "mcp_list_tools"
        elif kind == "tool_search_call" or kind == "tool_search_output":
            if kind == "tool_search_call" and item.get("execution") == "client":
                raise ModelBehaviorError(
                    "The model sent a client-executed tool_search_call: the run does not execute "
                    "tool searches itself. Handle the tool_search_call yourself and return a "
                    "matching tool_search_output item with the same call_id."
                )
            search_item = ToolSearchCallItem if kind == "tool_search_call" else ToolSearchOutputItem
            processed.new_items.append(search_item(agent, item))
            processed.used_hosted_tools = True
        else:
            raise ModelBehaviorError(f"The model returned an unsupported output item: {kind!r}.")
    return processed


def final_output_from_message(agent: Agent[Any], processed: ProcessedResponse) -> tuple[bool, Any]:
    """Whether a tool-free reply ends the run, and with which output.

    The last message is the answer: plain text as is, or validated against `output_type`
    (invalid is a `ModelBehaviorError`). A reply with no message sends the run back to the
    model when the agent has a structured output type or the service ran a hosted tool or a
    tool search in that reply (as the reference does); otherwise it ends the run with "".
    """
    schema = output_schema_for(agent.output_type)
    if processed.last_message is None:
        return (True, "") if schema is None and not processed.used_hosted_tools else (False, None)
    text = ItemHelpers.extract_text(processed.last_message) or ""
    return True, text if schema is None else schema.validate_json(text)
