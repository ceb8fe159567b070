"""The in-process fake model of each framework, one design for both.

Each replays a script of replies built once up front (for the reference SDK as openai
`ResponseFunctionToolCall` / `ResponseOutputMessage` objects inside `ModelResponse`s) and
picks the reply from the call id of the last input item: no network, no copying, no work that
grows with the history, and one instance serves any number of concurrent runs. Ours is
`structagents._bench.LeanModel` (the CLI needs it too); the reference's is below.

This module imports the reference SDK (`agents`): import it only when that is installed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from agents import (  # type: ignore[import-not-found, unused-ignore]
    Agent,
    Model,
    ModelResponse,
    RunConfig,
    Runner,
    Usage,
    set_tracing_disabled,
)
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage

from structagents._bench import LeanModel, Script, next_step, step_index

__all__ = ["LeanModel", "ReferenceLeanModel", "reference_agent", "timed_reference_run"]

# Tracing is on by default in the reference SDK and off in ours; switch it off there too.
set_tracing_disabled(True)
RUN_CONFIG = RunConfig(tracing_disabled=True)


class ReferenceLeanModel(Model):  # type: ignore[misc, unused-ignore]
    """`LeanModel` for the reference SDK."""

    def __init__(self, script: Script) -> None:
        self._responses = [
            ModelResponse(
                output=[
                    ResponseFunctionToolCall.model_validate(item)
                    if item["type"] == "function_call"
                    else ResponseOutputMessage.model_validate(item)
                    for item in step
                ],
                usage=Usage(),
                response_id=None,
            )
            for step in script
        ]
        self._index = step_index(script)

    async def get_response(
        self, system_instructions: str | None, input: str | list[Any], *_: Any, **__: Any
    ) -> Any:
        return self._responses[next_step(self._index, input)]

    def stream_response(self, *_: Any, **__: Any) -> AsyncIterator[Any]:
        raise NotImplementedError("the benchmarks do not stream")


def reference_agent(script: Script, tools: list[Any], **kwargs: Any) -> Any:
    """A reference `Agent` on `ReferenceLeanModel(script)`."""
    return Agent(name="bench", model=ReferenceLeanModel(script), tools=tools, **kwargs)


async def timed_reference_run(agent: Any, max_turns: int = 10) -> float:
    """Seconds one reference run takes (it must end with the script's final answer)."""
    started = time.perf_counter()
    result = await Runner.run(agent, "go", max_turns=max_turns, run_config=RUN_CONFIG)
    elapsed = time.perf_counter() - started
    assert result.final_output == "done", result.final_output
    return elapsed
