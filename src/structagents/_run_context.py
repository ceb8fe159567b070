"""The context object handed to tools, guardrails, hooks and dynamic instructions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

from ._usage import Usage

if TYPE_CHECKING:
    from ._agent import Agent
    from ._config import RunConfig

__all__ = ["RunContextWrapper", "TContext", "ToolContext"]

TContext = TypeVar("TContext", default=Any)


@dataclass(eq=False)
class RunContextWrapper(Generic[TContext]):
    """Wraps the `context` you passed to `Runner.run`, plus the run's live `usage`.

    structagents never reads or copies your context object; it only hands it back to your code.
    """

    context: TContext
    usage: Usage = field(default_factory=Usage)


@dataclass(eq=False)
class ToolContext(RunContextWrapper[TContext]):
    """The context a tool receives: the run context plus which call this is."""

    tool_name: str = ""
    tool_call_id: str = ""
    tool_arguments: str = ""
    agent: Agent[Any] | None = None
    run_config: RunConfig | None = None

    @classmethod
    def from_run_context(
        cls,
        run_context: RunContextWrapper[TContext],
        *,
        tool_name: str,
        tool_call_id: str,
        tool_arguments: str,
        agent: Agent[Any] | None = None,
        run_config: RunConfig | None = None,
    ) -> ToolContext[TContext]:
        """Make the context for one tool call; its `usage` is the run's usage."""
        return cls(
            run_context.context,
            run_context.usage,
            tool_name,
            tool_call_id,
            tool_arguments,
            agent,
            run_config,
        )
