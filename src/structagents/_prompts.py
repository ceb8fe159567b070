"""`Agent.prompt`: a Responses-API prompt template (id, version, variables), or a function
that returns one for each model call."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from typing_extensions import NotRequired, TypedDict

from ._run_context import RunContextWrapper
from .exceptions import UserError

if TYPE_CHECKING:
    from ._agent import Agent

__all__ = ["DynamicPromptFunction", "GenerateDynamicPromptData", "Prompt", "resolve_prompt"]


class Prompt(TypedDict):
    """A prompt stored on the OpenAI platform, sent as the request's `prompt`."""

    id: str
    version: NotRequired[str]
    variables: NotRequired[dict[str, Any]]


@dataclass
class GenerateDynamicPromptData:
    """What a `DynamicPromptFunction` is called with."""

    context: RunContextWrapper[Any]
    agent: Agent[Any]


DynamicPromptFunction: TypeAlias = Callable[
    [GenerateDynamicPromptData], "Prompt | Awaitable[Prompt]"
]
"""Builds the prompt for one model call (sync or async)."""


async def resolve_prompt(
    prompt: Prompt | DynamicPromptFunction | None,
    context: RunContextWrapper[Any],
    agent: Agent[Any],
) -> dict[str, Any] | None:
    """The `prompt` request field for this call (`None`: send none)."""
    if prompt is None:
        return None
    resolved: Any = prompt
    if not isinstance(prompt, dict):
        resolved = prompt(GenerateDynamicPromptData(context=context, agent=agent))
        if inspect.isawaitable(resolved):
            resolved = await resolved
    if not isinstance(resolved, dict) or not isinstance(resolved.get("id"), str):
        raise UserError(
            f"Agent {agent.name!r}: prompt must be a Prompt dict with an 'id' (or a function "
            f"returning one), not {resolved!r}."
        )
    return {key: value for key, value in resolved.items() if value is not None}
