"""`RunErrorHandlers` at work: a refusal, an invalid final output or the turn limit can be
turned into a final output by the caller's handler instead of raising."""

from __future__ import annotations

import inspect
from typing import Any, Literal

from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from .._agent import Agent
from .._error_handlers import RunErrorData, RunErrorHandlerInput, RunErrorHandlerResult
from .._items import ItemHelpers, MessageOutputItem, TResponseOutputItem
from .._output_schema import dump_output_json, output_schema_for
from .._state import RunState
from ..exceptions import MaxTurnsExceeded, ModelBehaviorError, ModelRefusalError, UserError
from ._env import RunEnv
from ._turn import ProcessedResponse, final_output_from_message

__all__ = ["final_output_from_message_or_handler", "handled_error"]

ErrorKind = Literal["max_turns", "model_refusal", "invalid_final_output"]


async def final_output_from_message_or_handler(
    env: RunEnv, state: RunState, agent: Agent[Any], processed: ProcessedResponse
) -> tuple[bool, Any]:
    """`final_output_from_message`, with a refusal raising `ModelRefusalError` and invalid or
    missing structured output going to the matching error handler when there is one."""
    refusal = _refusal(processed.last_message)
    if refusal is not None:
        refused = ModelRefusalError(refusal)
        handled = await handled_error(env, state, agent, "model_refusal", refused)
        if handled is None:
            raise refused
        return True, handled[0]
    try:
        is_final, output = final_output_from_message(agent, processed)
    except ModelBehaviorError as error:
        handled = await handled_error(env, state, agent, "invalid_final_output", error)
        if handled is None:
            raise
        return True, handled[0]
    if is_final:
        return True, output
    missing = ModelBehaviorError("Model returned no final output for the structured output type.")
    handled = await handled_error(env, state, agent, "invalid_final_output", missing)
    return (False, None) if handled is None else (True, handled[0])


async def handled_error(
    env: RunEnv,
    state: RunState,
    agent: Agent[Any],
    kind: ErrorKind,
    error: MaxTurnsExceeded | ModelRefusalError | ModelBehaviorError,
) -> tuple[Any] | None:
    """The final output the `kind` handler makes of `error` (in a 1-tuple), or None when there
    is no handler or it returned None. With `include_in_history` the output is also added to
    the run as an assistant message."""
    handler = env.error_handlers.get(kind) if env.error_handlers else None
    if handler is None:
        return None
    history = state.to_input_list()
    inputs = len(ItemHelpers.input_to_new_input_list(state.original_input))
    data = RunErrorData(
        input=state.original_input,
        new_items=list(state.generated_items),
        history=history,
        output=history[inputs:],
        raw_responses=list(state.model_responses),
        last_agent=agent,
    )
    answer = handler(RunErrorHandlerInput(error, state.context_wrapper, data))
    if inspect.isawaitable(answer):
        answer = await answer
    if answer is None:
        return None
    result = _as_result(answer)
    output, text = _checked_output(agent, result.final_output)
    if result.include_in_history:
        item = MessageOutputItem(agent, _assistant_message(text))
        state.add_items([item])
        if env.events is not None:
            await env.events.items([item])
    return (output,)


def _as_result(answer: Any) -> RunErrorHandlerResult:
    if isinstance(answer, RunErrorHandlerResult):
        return answer
    if isinstance(answer, dict) and "final_output" in answer:
        extra = set(answer) - {"final_output", "include_in_history"}
        if extra:
            raise UserError(
                f"An error handler's dict result may only hold final_output and "
                f"include_in_history, not {sorted(extra)}."
            )
        return RunErrorHandlerResult(**answer)
    return RunErrorHandlerResult(final_output=answer)


def _checked_output(agent: Agent[Any], value: Any) -> tuple[Any, str]:
    """The handler's output validated against `agent.output_type`, and its text form."""
    schema = output_schema_for(agent.output_type)
    if schema is None:
        return value, str(value)
    try:
        text = dump_output_json(schema, value)
        return schema.validate_json(text), text
    except (ModelBehaviorError, ValidationError, PydanticSerializationError) as exc:
        raise UserError(
            f"An error handler returned a final_output that is not a valid "
            f"{schema.name()} (agent {agent.name!r}'s output_type): {exc}"
        ) from exc


def _refusal(message: TResponseOutputItem | None) -> str | None:
    if message is None or isinstance(message.get("content"), str):
        return None
    parts = [
        str(part.get("refusal", ""))
        for part in message.get("content") or ()
        if part.get("type") == "refusal"
    ]
    return "".join(parts) or None


def _assistant_message(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }
