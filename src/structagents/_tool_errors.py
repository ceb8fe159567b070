"""How the run words the tool errors it reports itself (`RunConfig.tool_error_formatter`), and
what a call to a tool the agent does not have does (`RunConfig.tool_not_found_behavior`)."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias

from ._run_context import RunContextWrapper, TContext

if TYPE_CHECKING:
    from ._config import RunConfig

__all__ = [
    "ToolErrorFormatter",
    "ToolErrorFormatterArgs",
    "ToolNotFoundBehavior",
    "format_tool_error",
    "tool_not_found_message",
]

ToolNotFoundBehavior: TypeAlias = Literal["raise_error", "return_error_to_model"]
"""A call to an unknown tool raises `ModelBehaviorError`, or is answered with an error message."""

logger = logging.getLogger("structagents")


@dataclass
class ToolErrorFormatterArgs(Generic[TContext]):
    """What `RunConfig.tool_error_formatter` is called with."""

    kind: Literal["approval_rejected", "tool_not_found"]
    tool_type: Literal["function", "computer", "shell", "apply_patch", "custom"]
    tool_name: str
    call_id: str
    default_message: str
    run_context: RunContextWrapper[TContext]


ToolErrorFormatter: TypeAlias = Callable[
    [ToolErrorFormatterArgs[Any]], "str | Awaitable[str | None] | None"
]
"""Returns the model-visible message for a tool error (`None`: the default message)."""


def tool_not_found_message(tool_name: str) -> str:
    """What the model is told by default when it calls a tool the agent does not have."""
    return f"Tool '{tool_name}' not found."


async def format_tool_error(
    config: RunConfig | None,
    args: ToolErrorFormatterArgs[Any],
) -> str:
    """The formatter's message for `args`, or its default message when there is no formatter,
    it returns `None` or a non-string, or it raises (logged)."""
    formatter = config.tool_error_formatter if config is not None else None
    if formatter is None:
        return args.default_message
    try:
        message: Any = formatter(args)
        if inspect.isawaitable(message):
            message = await message
    except Exception:
        logger.exception("RunConfig.tool_error_formatter raised; using the default message")
        return args.default_message
    if message is None:
        return args.default_message
    if not isinstance(message, str):
        logger.error(
            "RunConfig.tool_error_formatter returned %s, not a str; using the default message",
            type(message).__name__,
        )
        return args.default_message
    return message
