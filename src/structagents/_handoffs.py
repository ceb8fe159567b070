"""Handoffs: an agent hands the conversation to another agent by calling a tool."""

from __future__ import annotations

import inspect
import json
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeAlias

from pydantic import TypeAdapter, ValidationError

from ._naming import handoff_tool_name
from ._run_context import RunContextWrapper, TContext
from ._strict_schema import ensure_strict_json_schema
from ._tools import IsEnabled, resolve_is_enabled
from .exceptions import ModelBehaviorError, UserError

if TYPE_CHECKING:
    from ._agent import Agent
    from ._items import RunItem, TResponseInputItem

__all__ = [
    "Handoff",
    "HandoffHistoryMapper",
    "HandoffInputData",
    "HandoffInputFilter",
    "handoff",
]


@dataclass(frozen=True)
class HandoffInputData:
    """What the next agent would see, for an input filter to change.

    - `input_history`: the input the run's history started from (after an earlier filtered
      handoff: what that filter produced).
    - `pre_handoff_items`: items generated since then, before the turn with the handoff.
    - `new_items`: the items of the handoff's turn, ending with the handoff call and output.
    - `input_items`: when set, used instead of `new_items` for the next agent's input.

    The next agent's input is `input_history + pre_handoff_items + (input_items or new_items)`.
    The run's own `new_items` are not changed by filters.
    """

    input_history: str | tuple[TResponseInputItem, ...]
    pre_handoff_items: tuple[RunItem, ...]
    new_items: tuple[RunItem, ...]
    run_context: RunContextWrapper[Any] | None = None
    input_items: tuple[RunItem, ...] | None = None

    def clone(self, **changes: Any) -> HandoffInputData:
        """A copy with `changes` applied."""
        return replace(self, **changes)

    def to_input_list(self) -> list[TResponseInputItem]:
        """The next agent's input items."""
        history = self.input_history
        items: list[TResponseInputItem] = (
            [{"role": "user", "content": history}] if isinstance(history, str) else list(history)
        )
        items.extend(item.to_input_item() for item in self.pre_handoff_items)
        chosen = self.input_items if self.input_items is not None else self.new_items
        items.extend(item.to_input_item() for item in chosen)
        return items


HandoffInputFilter: TypeAlias = Callable[
    [HandoffInputData], "HandoffInputData | Awaitable[HandoffInputData]"
]
HandoffHistoryMapper: TypeAlias = Callable[[list["TResponseInputItem"]], list["TResponseInputItem"]]
"""Maps the transcript so far to the next agent's input (`RunConfig.handoff_history_mapper`)."""


@dataclass(eq=False)
class Handoff(Generic[TContext]):
    """A handoff offered to the model as the tool `tool_name`. Usually made with `handoff()`.

    `on_invoke_handoff(ctx, arguments_json)` returns the agent to hand to; it raises
    `ModelBehaviorError` for arguments the model should correct.
    """

    tool_name: str
    tool_description: str
    input_json_schema: dict[str, Any]
    on_invoke_handoff: Callable[[RunContextWrapper[Any], str], Awaitable[Agent[Any]]]
    agent_name: str
    input_filter: HandoffInputFilter | None = None
    nest_handoff_history: bool | None = None
    strict_json_schema: bool = True
    is_enabled: IsEnabled = True
    _agent_ref: weakref.ReferenceType[Agent[Any]] | None = field(
        default=None, init=False, repr=False
    )
    """The target agent when made by `handoff()` (lets a saved `RunState` find it by name)."""

    async def enabled_for(self, ctx: RunContextWrapper[Any], agent: Agent[Any]) -> bool:
        """Whether the model is offered this handoff in the current turn."""
        return await resolve_is_enabled(self.is_enabled, ctx, agent)

    def get_transfer_message(self, agent: Agent[Any]) -> str:
        """The handoff's output as the model sees it: `{"assistant": "<agent name>"}`."""
        return json.dumps({"assistant": agent.name})

    @classmethod
    def default_tool_name(cls, agent: Agent[Any]) -> str:
        return handoff_tool_name(agent.name)

    @classmethod
    def default_tool_description(cls, agent: Agent[Any]) -> str:
        extra = f" {agent.handoff_description}" if agent.handoff_description else ""
        return f"Handoff to the {agent.name} agent to handle the request.{extra}"


def handoff(
    agent: Agent[TContext],
    *,
    tool_name_override: str | None = None,
    tool_description_override: str | None = None,
    on_handoff: Callable[..., Any] | None = None,
    input_type: Any = None,
    input_filter: HandoffInputFilter | None = None,
    nest_handoff_history: bool | None = None,
    is_enabled: IsEnabled = True,
) -> Handoff[TContext]:
    """A handoff to `agent`.

    `on_handoff(ctx)` runs when the handoff happens; with `input_type`, the model must send
    arguments of that type (validated by pydantic; invalid ones go back to the model as an
    error) and `on_handoff(ctx, data)` receives them. `input_filter` rewrites what the next agent
    sees (see `HandoffInputData`); `nest_handoff_history` overrides the RunConfig setting.
    """
    adapter: TypeAdapter[Any] | None = None
    schema: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    expected_params = 1
    if input_type is not None:
        if on_handoff is None:
            raise UserError(
                "You must provide on_handoff when input_type is provided: handoff(..., "
                "on_handoff=fn), where fn(ctx, data) receives the parsed input."
            )
        adapter = TypeAdapter(input_type)
        schema = ensure_strict_json_schema(adapter.json_schema())
        expected_params = 2
    if on_handoff is not None and len(inspect.signature(on_handoff).parameters) != expected_params:
        shape = "on_handoff(ctx, data)" if input_type is not None else "on_handoff(ctx)"
        raise UserError(f"handoff() to {agent.name!r}: on_handoff must look like {shape}.")
    tool_name = tool_name_override or Handoff.default_tool_name(agent)

    async def on_invoke_handoff(ctx: RunContextWrapper[Any], arguments: str) -> Agent[Any]:
        args: tuple[Any, ...] = (ctx,)
        if adapter is not None:
            try:
                args = (ctx, adapter.validate_json(arguments or "{}"))
            except ValidationError as exc:
                raise ModelBehaviorError(
                    f"Invalid arguments for handoff {tool_name}: {exc}"
                ) from exc
        if on_handoff is not None:
            result = on_handoff(*args)
            if inspect.isawaitable(result):
                await result
        return agent

    made: Handoff[TContext] = Handoff(
        tool_name=tool_name,
        tool_description=tool_description_override or Handoff.default_tool_description(agent),
        input_json_schema=schema,
        on_invoke_handoff=on_invoke_handoff,
        agent_name=agent.name,
        input_filter=input_filter,
        nest_handoff_history=nest_handoff_history,
        is_enabled=is_enabled,
    )
    made._agent_ref = weakref.ref(agent)
    return made
