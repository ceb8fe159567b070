"""`RunState`: everything a run carries from one turn to the next, in one plain object.

A run can stop between turns (`MaxTurnsExceeded`, `cancel(mode="after_turn")`) or at a tool
call waiting for approval, and continue from its state, here or (through `to_json`) in another
process: `Runner.run(agent, state)`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from typing_extensions import Self

from ._items import InputItem, ItemHelpers, RunItem, ToolApprovalItem, TResponseInputItem
from ._result import RunResult, ToInputListMode, input_item_of
from ._run_context import RunContextWrapper
from .exceptions import RunErrorDetails, UserError, UserValueError

if TYPE_CHECKING:
    from ._agent import Agent
    from ._guardrails import InputGuardrailResult, OutputGuardrailResult
    from ._run._tool_calls import ToolRun
    from ._run._turn import HandoffRun
    from ._tool_guardrails import ToolInputGuardrailResult, ToolOutputGuardrailResult
    from .models.interface import ModelResponse

__all__ = ["ContextDeserializer", "ContextSerializer", "PendingTurn", "RunState"]

ContextSerializer = Callable[[Any], Any]
"""Turns your context object into JSON-ready data for `RunState.to_json`."""
ContextDeserializer = Callable[[Any], Any]
"""Rebuilds your context object from what the `ContextSerializer` made."""


@dataclass(eq=False)
class PendingTurn:
    """A turn stopped in its tool phase: some calls wait for a human's decision.

    The turn's items start at `generated_items[turn_start]`; `outputs` holds the outputs of the
    calls already done, by call id.
    """

    tool_runs: list[ToolRun]
    handoff_runs: list[HandoffRun]
    turn_start: int
    outputs: dict[str, RunItem] = field(default_factory=dict)
    interruptions: list[ToolApprovalItem] = field(default_factory=list)

    def waiting_runs(self) -> list[ToolRun]:
        """The calls of the turn that have no output yet, in the model's order."""
        return [run for run in self.tool_runs if run.call["call_id"] not in self.outputs]


@dataclass(eq=False)
class RunState:
    """The run so far: current agent, turn, items, responses, usage and guardrail results,
    plus the tool calls waiting for approval when the run was interrupted.

    `history` is the model input: the original input followed by every generated item. It grows
    by appending, so per-turn bookkeeping never rescans it. Resuming a state continues the run
    in place: the state then follows the resumed run.
    """

    current_agent: Agent[Any]
    original_input: str | list[TResponseInputItem]
    context_wrapper: RunContextWrapper[Any]
    max_turns: int | None
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
    omit_reasoning_ids: bool = False
    """Send reasoning items back without their ids (`RunConfig.reasoning_item_id_policy`); set
    from the run's config each time it (re)starts, so not saved."""
    interruption: PendingTurn | None = None
    """The turn waiting for approvals, when the run was interrupted."""
    pending_input: list[TResponseInputItem] = field(default_factory=list)
    """Input from `add_input`, given to the next model call."""
    in_turn: bool = False
    """A turn has started and not completed (nor paused for approvals)."""
    final_output: Any = None
    finished: bool = False
    """The run ended with a final output; such a state cannot be resumed."""
    _running: bool = field(default=False, repr=False)

    @classmethod
    def start(
        cls,
        agent: Agent[Any],
        input: str | list[TResponseInputItem],
        context_wrapper: RunContextWrapper[Any],
        max_turns: int | None,
        *,
        previous_response_id: str | None = None,
        auto_previous_response_id: bool = False,
        conversation_id: str | None = None,
    ) -> RunState:
        """The state before the first turn (`conversation_id` and `previous_response_id` may
        both be given, as in the reference: both are sent)."""
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

    # -- the public API: interruptions, decisions, added input, JSON --------------------------

    @property
    def context(self) -> RunContextWrapper[Any]:
        """The run's context wrapper (it also keeps the approval decisions)."""
        return self.context_wrapper

    def get_interruptions(self) -> list[ToolApprovalItem]:
        """The tool calls waiting for a decision (empty unless the run was interrupted)."""
        return list(self.interruption.interruptions) if self.interruption else []

    def approve(self, approval_item: ToolApprovalItem, always_approve: bool = False) -> None:
        """Let this call run when the run resumes; with `always_approve`, also every later call
        of the same tool in this run."""
        self._require_interrupted("approve")
        self.context_wrapper.approve_tool(approval_item, always_approve=always_approve)

    def reject(
        self,
        approval_item: ToolApprovalItem,
        always_reject: bool = False,
        *,
        rejection_message: str | None = None,
    ) -> None:
        """Refuse this call: the model receives `rejection_message` (else a default) as its
        output. With `always_reject`, every later call of the same tool is refused too."""
        self._require_interrupted("reject")
        self.context_wrapper.reject_tool(
            approval_item, always_reject=always_reject, rejection_message=rejection_message
        )

    def add_input(self, input: str | list[TResponseInputItem]) -> None:
        """Add input (a user message, or items) that the next model call of the resumed run
        receives after everything so far. It is written to the session with that turn."""
        self.check_resumable()
        if self.interruption is not None and _tools_may_end_run(self):
            raise UserError(
                "This run is waiting on tool calls whose results may end it (its agent's "
                "tool_use_behavior), so no model call may follow: resume it first."
            )
        self.pending_input.extend(ItemHelpers.input_to_new_input_list(input))

    def to_json(self, *, context_serializer: ContextSerializer | None = None) -> dict[str, Any]:
        """The state as plain JSON data (see the README for the format). Your context object is
        only included through `context_serializer(context) -> JSON data`."""
        from ._state_json import state_to_json

        return state_to_json(self, context_serializer)

    def to_string(self, *, context_serializer: ContextSerializer | None = None) -> str:
        """`to_json()` as a JSON string."""
        from ._state_json import dumps

        return dumps(self.to_json(context_serializer=context_serializer))

    @classmethod
    def from_json(
        cls,
        starting_agent: Agent[Any],
        state_json: Mapping[str, Any],
        *,
        context_override: Any = None,
        context_deserializer: ContextDeserializer | None = None,
    ) -> RunState:
        """Rebuild a state saved with `to_json`. Agents are found by name among
        `starting_agent`, its handoffs and its agents-as-tools (recursively). The context is
        `context_override` (a context object or a `RunContextWrapper`) if given, else
        `context_deserializer(saved data)`. Returns the state; it may also be awaited."""
        from ._state_json import state_from_json

        return state_from_json(
            cls, starting_agent, state_json, context_override, context_deserializer
        )

    @classmethod
    def from_string(
        cls,
        starting_agent: Agent[Any],
        state_string: str | bytes,
        *,
        context_override: Any = None,
        context_deserializer: ContextDeserializer | None = None,
    ) -> RunState:
        """`from_json` for a string made by `to_string`."""
        from ._state_json import loads

        return cls.from_json(
            starting_agent,
            loads(state_string),
            context_override=context_override,
            context_deserializer=context_deserializer,
        )

    def __await__(self) -> Generator[Any, None, Self]:
        """`await RunState.from_json(...)` works as in the reference SDK: it is the state."""
        yield from ()
        return self

    # -- resuming -----------------------------------------------------------------------------

    def check_resumable(self) -> None:
        """Raise `UserError` unless a run can continue from this state."""
        if self.finished:
            raise UserError(
                "This RunState is from a run that already finished with a final output; "
                "start a new run instead (e.g. with result.to_input_list() plus new input)."
            )
        if self._running:
            raise UserError(
                "This RunState is being resumed by another run right now; a state continues "
                "one run at a time (save it with to_json() to fork it)."
            )
        if self.in_turn and self.interruption is None:
            raise UserError(
                "This RunState stopped in the middle of a turn (the run failed or was cancelled "
                "there), so its history is incomplete; it cannot be resumed."
            )

    def claim(self) -> None:
        """Mark the state as being run (released by `release`)."""
        self.check_resumable()
        self._running = True

    def release(self) -> None:
        self._running = False

    def pause(self, turn: PendingTurn) -> None:
        """Stop the run at `turn`: its `interruptions` wait for decisions."""
        self.interruption = turn
        self.context_wrapper._pending_approvals = {
            item.raw_item_dict["call_id"]: item for item in turn.interruptions
        }

    def unpause(self) -> None:
        """Every call of the interrupted turn has its output: the turn goes on."""
        self.interruption = None
        self.context_wrapper._pending_approvals = None

    def admit_pending_input(self) -> None:
        """Put input from `add_input` into the history, just before a model call."""
        if self.pending_input:
            agent = self.current_agent
            self.add_items([InputItem(agent, item) for item in self.pending_input])
            self.session_input.extend(self.pending_input)
            self.pending_input = []

    # -- turn bookkeeping ---------------------------------------------------------------------

    def add_items(self, items: Iterable[RunItem]) -> None:
        """Record items the run produced, in order."""
        for item in items:
            self.generated_items.append(item)
            self.history.append(input_item_of(item, omit_reasoning_ids=self.omit_reasoning_ids))

    @property
    def server_manages_conversation(self) -> bool:
        """Whether the provider keeps the conversation, so each call sends only new items."""
        return (
            self.previous_response_id is not None
            or self.auto_previous_response_id
            or self.conversation_id is not None
        )

    def model_input(self, *, lend: bool = False) -> list[TResponseInputItem]:
        """What the next model call sends: all of `history`, or only what the server lacks.
        A copy, unless `lend` and it is all of `history`: then the list itself (no work in
        proportion to the history, for a callee that only reads it during the call)."""
        if lend and not self.server_known:
            return self.history
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

    def to_input_list(self, *, mode: ToInputListMode = "preserve_all") -> list[TResponseInputItem]:
        """The run as input for a follow-up run.

        `"preserve_all"`: the original input plus every generated item, whatever filters
        showed the model. `"normalized"`: what the model would be sent to continue, i.e. the
        same unless a handoff filter (or nested history) rewrote the history.
        """
        if mode == "normalized":
            if self.items_base:
                return list(self.history)
        elif mode != "preserve_all":
            raise UserValueError(
                f"Unsupported to_input_list mode {mode!r}: use 'preserve_all' or 'normalized'."
            )
        items = ItemHelpers.input_to_new_input_list(self.original_input)
        omit = self.omit_reasoning_ids
        items.extend(input_item_of(item, omit_reasoning_ids=omit) for item in self.generated_items)
        return items

    def to_result(self, final_output: Any) -> RunResult:
        """The `RunResult` of a run that ended (or paused) here."""
        interruptions = self.get_interruptions()
        return RunResult(
            input=self.original_input,
            new_items=[*self.generated_items, *interruptions],
            raw_responses=list(self.model_responses),
            final_output=final_output,
            last_agent=self.current_agent,
            context_wrapper=self.context_wrapper,
            input_guardrail_results=list(self.input_guardrail_results),
            output_guardrail_results=list(self.output_guardrail_results),
            tool_input_guardrail_results=list(self.tool_input_guardrail_results),
            tool_output_guardrail_results=list(self.tool_output_guardrail_results),
            interruptions=interruptions,
            _state=self,
            _model_input=list(self.history) if self.items_base else None,
            _omit_reasoning_ids=self.omit_reasoning_ids,
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

    def _require_interrupted(self, verb: str) -> None:
        if self.interruption is None:
            raise UserError(
                f"Nothing to {verb}: this RunState is not waiting for any approval "
                "(state.get_interruptions() is empty)."
            )

    def __repr__(self) -> str:
        status = (
            "finished"
            if self.finished
            else f"{len(self.interruption.interruptions)} interruption(s)"
            if self.interruption
            else "between turns"
        )
        return (
            f"<RunState agent={self.current_agent.name!r} turn={self.current_turn}/"
            f"{self.max_turns} items={len(self.generated_items)} {status}>"
        )


def _tools_may_end_run(state: RunState) -> bool:
    behavior = state.current_agent.tool_use_behavior
    if behavior == "run_llm_again":
        return False
    if isinstance(behavior, dict):
        waiting = {item.tool_name for item in state.get_interruptions()}
        return bool(waiting & set(behavior.get("stop_at_tool_names", ())))
    return True
