"""Reading a run's history from its session, and writing each completed turn back."""

from __future__ import annotations

import inspect
import logging
from typing import Any

import anyio

from .._agent import Agent
from .._items import ItemHelpers, TResponseInputItem
from .._state import RunState
from ..exceptions import SessionWriteTimeoutError, UserError
from ..sessions.base import coerce_session_settings, newest_turns
from ..sessions.openai_compaction import (
    OpenAIResponsesCompactionArgs,
    OpenAIResponsesCompactionSession,
    is_openai_responses_compaction_aware_session,
)
from ._env import RunEnv

__all__ = ["compact_session", "load_session_history", "save_turn"]

logger = logging.getLogger("structagents")


async def load_session_history(env: RunEnv, state: RunState) -> None:
    """Put the session's history in front of the run's input (or combine them as
    `RunConfig.session_input_callback` says). The new input is written with the first turn."""
    session = env.session
    if session is None:
        return
    if state.server_manages_conversation:
        raise UserError(
            "A run takes a session or server-side conversation state (previous_response_id, "
            "auto_previous_response_id, conversation_id), not both."
        )
    own_settings = getattr(session, "session_settings", None)
    settings = coerce_session_settings(own_settings).resolve(env.config.session_settings)
    history = await session.get_items(limit=settings.limit)
    if settings.limit is not None:
        history = _without_cut_turns(history)
    if settings.keep_turns is not None:
        history = newest_turns(history, settings.keep_turns)
    new_input = ItemHelpers.input_to_new_input_list(state.original_input)
    callback = env.config.session_input_callback
    combined: list[TResponseInputItem]
    if callback is None:
        repeated = 0 if isinstance(state.original_input, str) else _repeated(new_input, history)
        if repeated:
            logger.warning(
                "The input of this run repeats %d of the %d items session %r already holds, so "
                "the model sees them twice. Pass only the new items (the session adds its "
                "history), or set RunConfig.session_input_callback to combine them yourself.",
                repeated,
                len(history),
                str(session.session_id),
            )
        combined = [*history, *new_input]
    else:
        result = callback(history, new_input)
        combined = list(await result if inspect.isawaitable(result) else result)
    state.session_input = new_input
    state.original_input = combined
    state.rebase_history(list(combined))


async def save_turn(env: RunEnv, state: RunState) -> None:
    """Write the items of the turn(s) completed since the last write, as one transaction.

    The write is shielded from cancellation (a completed turn is never half written) and
    bounded by `RunConfig.session_write_timeout`.
    """
    session = env.session
    if session is None:
        return
    items = list(state.session_input)
    items.extend(item.to_input_item() for item in state.generated_items[state.saved_items :])
    if not items:
        return
    seconds = env.config.session_write_timeout
    with anyio.CancelScope(shield=True):
        with anyio.move_on_after(seconds) as deadline:
            await session.add_items(items)
    if deadline.cancelled_caught:
        await anyio.lowlevel.checkpoint()  # a pending cancellation stays a cancellation
        raise SessionWriteTimeoutError(str(session.session_id), seconds)
    state.session_input = []
    state.saved_items = len(state.generated_items)


async def compact_session(env: RunEnv, state: RunState, agent: Agent[Any]) -> None:
    """After the run's final turn is stored, let a compaction-aware session compact itself
    (`OpenAIResponsesCompactionSession`), passing the last response and whether it was stored.
    The compaction's own request adds to the run's usage."""
    session = env.session
    if session is None or not is_openai_responses_compaction_aware_session(session):
        return
    args: OpenAIResponsesCompactionArgs = {}
    if state.model_responses and state.model_responses[-1].response_id:
        args["response_id"] = state.model_responses[-1].response_id
    store = agent.model_settings.resolve(env.config.model_settings).store
    if store is not None:
        args["store"] = store
    if isinstance(session, OpenAIResponsesCompactionSession):
        await session.run_compaction(args, usage=state.context_wrapper.usage)
    else:
        await session.run_compaction(args)  # type: ignore[attr-defined]


_ANSWERS = frozenset({"function_call_output", "custom_tool_call_output", "computer_call_output"})


def _without_cut_turns(history: list[TResponseInputItem]) -> list[TResponseInputItem]:
    """Drop tool outputs whose call a limit left outside the window (the API rejects them)."""
    calls = {item.get("call_id") for item in history if item.get("type") not in _ANSWERS}
    return [
        item for item in history if item.get("type") not in _ANSWERS or item.get("call_id") in calls
    ]


def _repeated(new_input: list[TResponseInputItem], history: list[TResponseInputItem]) -> int:
    """How many of the session's items `new_input` repeats: the length of the copy of the
    history's start found in it (counted when at least two items, or all of a one-item
    history, match), else 0. The sign of passing `result.to_input_list()` to a run that also
    has the session. Checked once per run; items are compared only after a first match."""
    if not history:
        return 0
    first, needed = history[0], min(2, len(history))
    for start, item in enumerate(new_input):
        if item != first:
            continue
        count = 1
        for old, new in zip(history[1:], new_input[start + 1 :], strict=False):
            if old != new:
                break
            count += 1
        if count >= needed:
            return count
    return 0
