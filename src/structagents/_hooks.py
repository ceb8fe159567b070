"""Lifecycle hooks: subclass `RunHooks` (whole run) or `AgentHooks` (one agent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic

from ._run_context import RunContextWrapper, TContext

if TYPE_CHECKING:
    from ._agent import Agent
    from ._items import TResponseInputItem
    from ._tools import Tool
    from .models.interface import ModelResponse

__all__ = ["AgentHooks", "RunHooks"]


class RunHooks(Generic[TContext]):
    """Callbacks for a whole run. Override the ones you need; all are awaited in the run.

    Hooks run inside the run's task group: cancelling the run cancels them, and an exception
    they raise fails the run.
    """

    async def on_agent_start(self, context: RunContextWrapper[TContext], agent: Agent[Any]) -> None:
        """An agent is about to take its first turn."""

    async def on_agent_end(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], output: Any
    ) -> None:
        """An agent produced the final output."""

    async def on_handoff(
        self, context: RunContextWrapper[TContext], from_agent: Agent[Any], to_agent: Agent[Any]
    ) -> None:
        """`from_agent` handed the conversation to `to_agent`."""

    async def on_llm_start(
        self,
        context: RunContextWrapper[TContext],
        agent: Agent[Any],
        system_prompt: str | None,
        input_items: list[TResponseInputItem],
    ) -> None:
        """A model call is about to be made."""

    async def on_llm_end(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], response: ModelResponse
    ) -> None:
        """A model call returned."""

    async def on_tool_start(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], tool: Tool
    ) -> None:
        """A tool call is about to run."""

    async def on_tool_end(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], tool: Tool, result: Any
    ) -> None:
        """A tool call returned `result`."""


class AgentHooks(Generic[TContext]):
    """Callbacks for one agent (set as `Agent.hooks`). Override the ones you need."""

    async def on_start(self, context: RunContextWrapper[TContext], agent: Agent[Any]) -> None:
        """This agent is about to take its first turn."""

    async def on_end(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], output: Any
    ) -> None:
        """This agent produced the final output."""

    async def on_handoff(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], source: Agent[Any]
    ) -> None:
        """`source` (the agent these hooks belong to) handed the conversation to `agent`.

        As in the reference SDK, this fires on the hooks of the agent handing off.
        """

    async def on_llm_start(
        self,
        context: RunContextWrapper[TContext],
        agent: Agent[Any],
        system_prompt: str | None,
        input_items: list[TResponseInputItem],
    ) -> None:
        """This agent is about to call its model."""

    async def on_llm_end(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], response: ModelResponse
    ) -> None:
        """This agent's model call returned."""

    async def on_tool_start(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], tool: Tool
    ) -> None:
        """This agent is about to run a tool."""

    async def on_tool_end(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], tool: Tool, result: Any
    ) -> None:
        """One of this agent's tools returned `result`."""
