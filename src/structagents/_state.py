"""Everything the run loop carries from one turn to the next, in one plain object.

This is the seam for resumable runs: a run can stop between turns and continue from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._items import ItemHelpers, RunItem, TResponseInputItem
from ._result import RunResult
from ._run_context import RunContextWrapper
from .exceptions import RunErrorDetails, UserError

if TYPE_CHECKING:
    from ._agent import Agent
    from ._guardrails import InputGuardrailResult, OutputGuardrailResult
    from ._tool_guardrails import ToolInputGuardrailResult, ToolOutputGuardrailResult
    from .models.interface import ModelResponse

__all__ = ["RunState"]


@dataclass(eq=False)
class RunState:
    """The run so far: current agent, turn, items, responses, usage and guardrail results.

    `history` is the model input: the original input followed by every generated item. It grows
    by appending, so per-turn bookkeeping never rescans it.
    """

    current_agent: Agent[Any]
    original_input: str | list[TResponseInputItem]
    context_wrapper: RunContextWrapper[Any]
    max_turns: int
    current_turn: int = 0
    agent_started: bool = False
    generated_items: list[RunItem] = field(default_factory=list)
    model_responses: list[ModelResponse] = field(default_factory=list)
    input_guardrail_results: list[InputGuardrailResult] = field(default_factory=list)
    output_guardrail_results: list[OutputGuardrailResult] = field(default_factory=list)
    tool_input_guardrail_results: list[ToolInputGuardrailResult] = field(default_factory=list)
    tool_output_guardrail_results: list[ToolOutputGuardrailResult] = field(default_factory=list)
    history: list[TResponseInputItem] = field(default_factory=list)
    previous_response_id: str | None = None
    """The response the next model call continues from (server-managed conversation)."""
    auto_previous_response_id: bool = False
    conversation_id: str | None = None
    server_known: int = 0
    """How many leading `history` items the server already holds; only the rest is sent."""
    session_input: list[TResponseInputItem] = field(default_factory=list)
    """The run's new input, not yet written to its session (it goes with the first turn)."""
    saved_items: int = 0
    """How many of `generated_items` are already in the session."""
    history_base: int = 0
    """How many leading `history` items are the base a handoff filter sees as input history;
    the rest are the inputs of `generated_items[items_base:]`."""
    items_base: int = 0
    tool_use_agents: set[str] = field(default_factory=set)
    """Names of the agents that called a tool in this run (`Agent.reset_tool_choice`)."""

    @classmethod
    def start(
        cls,
        agent: Agent[Any],
        input: str | list[TResponseInputItem],
        context_wrapper: RunContextWrapper[Any],
        max_turns: int,
        *,
        previous_response_id: str | None = None,
        auto_previous_response_id: bool = False,
        conversation_id: str | None = None,
    ) -> RunState:
        """The state before the first turn."""
        if conversation_id is not None and previous_response_id is not None:
            raise UserError(
                "Pass conversation_id or previous_response_id, not both: the conversation "
                "already continues from its latest response."
            )
        return cls(
            current_agent=agent,
            original_input=input,
            context_wrapper=context_wrapper,
            max_turns=max_turns,
            previous_response_id=previous_response_id,
            auto_previous_response_id=auto_previous_response_id,
            conversation_id=conversation_id,
            history=(history := ItemHelpers.input_to_new_input_list(input)),
            history_base=len(history),
        )

    def add_items(self, items: Iterable[RunItem]) -> None:
        """Record items the run produced, in order."""
        for item in items:
            self.generated_items.append(item)
            self.history.append(item.to_input_item())

    @property
    def server_manages_conversation(self) -> bool:
        """Whether the provider keeps the conversation, so each call sends only new items."""
        return (
            self.previous_response_id is not None
            or self.auto_previous_response_id
            or self.conversation_id is not None
        )

    def model_input(self) -> list[TResponseInputItem]:
        """What the next model call sends: all of `history`, or only what the server lacks."""
        return self.history[self.server_known :]

    def record_response(self, response: ModelResponse) -> None:
        """Remember a model reply (and, when chaining, continue from it next time)."""
        self.model_responses.append(response)
        if self.server_manages_conversation and self.conversation_id is None:
            self.previous_response_id = response.response_id

    def mark_sent(self) -> None:
        """Everything in `history` so far is held by the server (for server-managed runs)."""
        if self.server_manages_conversation:
            self.server_known = len(self.history)

    def rebase_history(self, history: list[TResponseInputItem]) -> None:
        """Make `history` the model input from now on (after a filtered handoff)."""
        self.history = history
        self.history_base = len(history)
        self.items_base = len(self.generated_items)

    def to_input_list(self) -> list[TResponseInputItem]:
        """The original input plus every generated item (whatever filters showed the model)."""
        items = ItemHelpers.input_to_new_input_list(self.original_input)
        items.extend(item.to_input_item() for item in self.generated_items)
        return items

    def to_result(self, final_output: Any) -> RunResult:
        """The `RunResult` of a run that ended with `final_output`."""
        return RunResult(
            input=self.original_input,
            new_items=self.generated_items,
            raw_responses=self.model_responses,
            final_output=final_output,
            last_agent=self.current_agent,
            context_wrapper=self.context_wrapper,
            input_guardrail_results=self.input_guardrail_results,
            output_guardrail_results=self.output_guardrail_results,
            tool_input_guardrail_results=self.tool_input_guardrail_results,
            tool_output_guardrail_results=self.tool_output_guardrail_results,
        )

    def error_details(self) -> RunErrorDetails:
        """What the run had produced, for an error it is about to raise."""
        return RunErrorDetails(
            input=self.original_input,
            new_items=list(self.generated_items),
            raw_responses=list(self.model_responses),
            last_agent=self.current_agent,
            context_wrapper=self.context_wrapper,
            input_guardrail_results=list(self.input_guardrail_results),
            output_guardrail_results=list(self.output_guardrail_results),
        )
