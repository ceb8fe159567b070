"""The agents a starting agent can reach (handoffs, agents-as-tools), found by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ._agent import Agent
from ._guardrails import InputGuardrail, OutputGuardrail
from ._tool_guardrails import ToolInputGuardrail, ToolOutputGuardrail
from .exceptions import UserError

__all__ = ["AgentGraph"]


class AgentGraph:
    """Every agent reachable from `start`, by name, built on first use.

    Two different agents with one name are ambiguous: naming one is a `UserError`.
    """

    def __init__(self, start: Agent[Any]) -> None:
        self.start = start
        self._by_name: dict[str, Agent[Any]] | None = None
        self._ambiguous: set[str] = set()

    def agents(self) -> dict[str, Agent[Any]]:
        if self._by_name is None:
            self._by_name = {}
            stack = [self.start]
            seen: set[int] = set()
            while stack:
                agent = stack.pop()
                if id(agent) in seen:
                    continue
                seen.add(id(agent))
                known = self._by_name.setdefault(agent.name, agent)
                if known is not agent:
                    self._ambiguous.add(agent.name)
                stack.extend(_neighbours(agent))
        return self._by_name

    def agent(self, name: str) -> Agent[Any]:
        """The reachable agent called `name`."""
        agents = self.agents()
        if name in self._ambiguous:
            raise UserError(
                f"Two different agents reachable from {self.start.name!r} are named {name!r}; "
                "give agents unique names to resume a saved RunState."
            )
        found = agents.get(name)
        if found is None:
            raise UserError(
                f"The saved RunState names agent {name!r}, which agent {self.start.name!r} "
                f"cannot reach through its handoffs or agents-as-tools (it reaches: "
                f"{sorted(agents)}). Pass the starting agent of the run that was saved."
            )
        return found

    def input_guardrail(self, name: str) -> InputGuardrail[Any]:
        """The input guardrail called `name`, or a stand-in that only carries the name."""
        found = self._guardrail(name, lambda agent: agent.input_guardrails)
        return found or InputGuardrail(guardrail_function=_not_rerun, name=name)

    def output_guardrail(self, name: str) -> OutputGuardrail[Any]:
        found = self._guardrail(name, lambda agent: agent.output_guardrails)
        return found or OutputGuardrail(guardrail_function=_not_rerun, name=name)

    def tool_input_guardrail(self, name: str) -> ToolInputGuardrail[Any]:
        found = self._guardrail(name, _tool_guardrails("tool_input_guardrails"))
        return found or ToolInputGuardrail(guardrail_function=_not_rerun, name=name)

    def tool_output_guardrail(self, name: str) -> ToolOutputGuardrail[Any]:
        found = self._guardrail(name, _tool_guardrails("tool_output_guardrails"))
        return found or ToolOutputGuardrail(guardrail_function=_not_rerun, name=name)

    def _guardrail(self, name: str, listed: Callable[[Agent[Any]], Iterable[Any]]) -> Any:
        for agent in self.agents().values():
            for guardrail in listed(agent):
                if guardrail.get_name() == name:
                    return guardrail
        return None


def _tool_guardrails(attribute: str) -> Callable[[Agent[Any]], list[Any]]:
    def listed(agent: Agent[Any]) -> list[Any]:
        return [g for tool in agent.tools for g in getattr(tool, attribute, None) or ()]

    return listed


def _neighbours(agent: Agent[Any]) -> list[Agent[Any]]:
    found: list[Agent[Any]] = []
    for target in agent.handoffs:
        if isinstance(target, Agent):
            found.append(target)
        elif target._agent_ref is not None and (referred := target._agent_ref()) is not None:
            found.append(referred)
    for tool in agent.tools:
        inner = getattr(tool, "_agent_instance", None)
        if isinstance(inner, Agent):
            found.append(inner)
    return found


def _not_rerun(*args: Any) -> Any:
    """The function of a guardrail result restored by name, whose guardrail is gone."""
    raise UserError("A guardrail restored from a RunState by name only cannot run again.")
