"""`RunResult`: what a finished run produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ._items import ItemHelpers, RunItem, ToolApprovalItem, TResponseInputItem
from ._run_context import RunContextWrapper
from ._usage import Usage
from .exceptions import UserError, UserValueError

if TYPE_CHECKING:
    from ._agent import Agent
    from ._guardrails import InputGuardrailResult, OutputGuardrailResult
    from ._state import RunState
    from ._tool_guardrails import ToolInputGuardrailResult, ToolOutputGuardrailResult
    from .models.interface import ModelResponse
    from .tracing.traces import Trace

__all__ = ["RunResult", "ToInputListMode", "input_item_of"]

T = TypeVar("T")

ToInputListMode = Literal["preserve_all", "normalized"]
"""`to_input_list(mode=...)`: every item the run produced, or the model's continuation input."""


def input_item_of(item: RunItem, *, omit_reasoning_ids: bool) -> TResponseInputItem:
    """`item` as model input, without a reasoning item's id when the run omits them
    (`RunConfig.reasoning_item_id_policy="omit"`)."""
    input_item = item.to_input_item()
    if omit_reasoning_ids and input_item.get("type") == "reasoning":
        input_item = {k: v for k, v in input_item.items() if k != "id"}
    return input_item


@dataclass(eq=False)
class RunResult:
    """The outcome of a run.

    `new_items` is everything the run produced in order; `raw_responses` has each model reply;
    `to_input_list()` is the input followed by the new items, ready for the next run.
    A run that paused for approvals has `interruptions` (and `final_output` None):
    `to_state()` is where it stopped, to approve or reject them and resume.
    """

    input: str | list[TResponseInputItem]
    new_items: list[RunItem]
    raw_responses: list[ModelResponse]
    final_output: Any
    last_agent: Agent[Any]
    context_wrapper: RunContextWrapper[Any]
    input_guardrail_results: list[InputGuardrailResult] = field(default_factory=list)
    output_guardrail_results: list[OutputGuardrailResult] = field(default_factory=list)
    tool_input_guardrail_results: list[ToolInputGuardrailResult] = field(default_factory=list)
    tool_output_guardrail_results: list[ToolOutputGuardrailResult] = field(default_factory=list)
    trace: Trace | None = field(default=None, repr=False)
    """The trace the run recorded into (`trace.trace_id`), or None when tracing was off."""
    interruptions: list[ToolApprovalItem] = field(default_factory=list)
    _state: RunState | None = field(default=None, repr=False)
    _model_input: list[TResponseInputItem] | None = field(default=None, repr=False)
    """The continuation input, when a handoff filter made it differ from the items."""
    _omit_reasoning_ids: bool = field(default=False, repr=False)

    def to_state(self) -> RunState:
        """The run's `RunState`, to approve or reject `interruptions` and resume it with
        `Runner.run(agent, state)`, or to save with `to_json()`."""
        if self._state is None:
            raise UserError("This RunResult was not made by a run, so it has no RunState.")
        return self._state

    @property
    def usage(self) -> Usage:
        """Requests and tokens the run used."""
        return self.context_wrapper.usage

    @property
    def last_response_id(self) -> str | None:
        """The id of the last model response, if the model gave one."""
        return self.raw_responses[-1].response_id if self.raw_responses else None

    def final_output_as(self, cls: type[T], raise_if_incorrect_type: bool = False) -> T:
        """The final output typed as `cls`; with `raise_if_incorrect_type`, check it is one."""
        if raise_if_incorrect_type and not isinstance(self.final_output, cls):
            raise TypeError(
                f"Final output is {type(self.final_output).__name__}, not {cls.__name__}."
            )
        return self.final_output  # type: ignore[no-any-return]

    def to_input_list(self, *, mode: ToInputListMode = "preserve_all") -> list[TResponseInputItem]:
        """The run as input for a follow-up run.

        `"preserve_all"` (the default): the original input plus every new item, whatever
        filters showed the model. `"normalized"`: what the model would be sent to continue;
        the same, unless a handoff's input filter (or nested history) rewrote the history.
        """
        if mode == "normalized":
            if self._model_input is not None:
                return list(self._model_input)
        elif mode != "preserve_all":
            raise UserValueError(
                f"Unsupported to_input_list mode {mode!r}: use 'preserve_all' or 'normalized'."
            )
        items = ItemHelpers.input_to_new_input_list(self.input)
        items.extend(
            input_item_of(item, omit_reasoning_ids=self._omit_reasoning_ids)
            for item in self.new_items
            if not isinstance(item, ToolApprovalItem)
        )
        return items

    def __str__(self) -> str:
        return (
            f"RunResult(last_agent={self.last_agent.name!r}, new_items={len(self.new_items)}, "
            f"final_output={self.final_output!r})"
        )
