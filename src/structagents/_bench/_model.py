"""`LeanModel`: the benchmarks' in-process model, replaying replies built once up front."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._items import TResponseInputItem, TResponseOutputItem
from ..models.interface import Model, ModelResponse
from ..testing import assistant_message, function_call

__all__ = ["LeanModel", "Script", "next_step", "step_index", "tool_script"]

Script = list[list[TResponseOutputItem]]


def tool_script(calls_per_turn: Sequence[int], tool_name: str, final: str = "done") -> Script:
    """Model replies as Responses-API dicts: turn t asks for `calls_per_turn[t]` parallel calls
    of `tool_name` (no arguments, call ids `call_<t>_<i>`), then a final message."""
    steps: Script = [
        [function_call(tool_name, "{}", call_id=f"call_{t}_{i}") for i in range(n)]
        for t, n in enumerate(calls_per_turn)
    ]
    steps.append([assistant_message(final)])
    return steps


def step_index(script: Sequence[Sequence[Any]]) -> dict[str, int]:
    """Call id -> index of the reply that follows that call's output."""
    return {
        (c["call_id"] if isinstance(c, dict) else c.call_id): t + 1
        for t, step in enumerate(script)
        for c in step
        if (c.get("type") if isinstance(c, dict) else c.type) == "function_call"
    }


def next_step(index: Mapping[str, int], input: str | Sequence[Any]) -> int:
    """Which reply answers `input`: the one after the call whose output is the last item.
    O(1), and stateless, so one model serves any number of concurrent runs."""
    if isinstance(input, str) or not input:
        return 0
    last = input[-1]
    call_id = last.get("call_id") if isinstance(last, dict) else getattr(last, "call_id", None)
    return index.get(call_id, 0) if isinstance(call_id, str) else 0


class LeanModel(Model):
    """Replays a `tool_script`: pre-built `ModelResponse`s, no copying, no network."""

    borrows_input = True  # reads the last item only

    def __init__(self, script: Script) -> None:
        self._responses = [ModelResponse(output=step) for step in script]
        self._index = step_index(script)

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        *_: Any,
        **__: Any,
    ) -> ModelResponse:
        return self._responses[next_step(self._index, input)]
