"""The tool phase's two paths give the same run: a turn with nothing to observe its calls
(no tracing, hooks, timeouts, guardrails or limiter) runs each call as its invocation alone;
any of those sends every call through the full path. Outputs, order, errors and
cancellation must not depend on which."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from structagents import (
    Agent,
    RunConfig,
    RunContextWrapper,
    RunHooks,
    Runner,
    ToolCallOutputItem,
    ToolContext,
    function_tool,
)
from structagents.testing import ScriptedModel, assistant_message, function_call


@function_tool
async def echo(text: str) -> str:
    """Echo the text."""
    await anyio.lowlevel.checkpoint()
    return text


@function_tool
async def call_id(ctx: ToolContext[Any]) -> str:
    """The call's id."""
    return f"{ctx.tool_name}:{ctx.tool_call_id}"


@function_tool
async def broken() -> str:
    """Fails; the model gets the error message."""
    raise ValueError("no good")


@function_tool(failure_error_function=None)
async def fatal() -> str:
    """Fails the run."""
    raise KeyError("fatal")


PATHS = {
    "bare": RunConfig(tracing_disabled=True),
    "traced": RunConfig(),
    "limited": RunConfig(tracing_disabled=True, max_concurrent_tools=2),
    "timed": RunConfig(tracing_disabled=True, tool_timeout=60),
}


def _agent(*calls: dict[str, Any]) -> Agent[Any]:
    model = ScriptedModel([list(calls), [assistant_message("done")]])
    return Agent(name="a", model=model, tools=[echo, call_id, broken, fatal])


@pytest.mark.parametrize("path", list(PATHS))
async def test_outputs_in_call_order_on_every_path(path: str) -> None:
    agent = _agent(
        function_call("echo", '{"text": "one"}', call_id="c1"),
        function_call("broken", "{}", call_id="c2"),
        function_call("call_id", "{}", call_id="c3"),
        function_call("echo", '{"text": 1}', call_id="c4"),  # invalid: the model is told
        function_call("echo", '{"text": "five"}', call_id="c5"),
    )
    result = await Runner.run(agent, "go", run_config=PATHS[path])
    outputs = [i.output for i in result.new_items if isinstance(i, ToolCallOutputItem)]
    assert result.final_output == "done"
    assert outputs[0] == "one"
    assert outputs[1].endswith("Error: no good")
    assert outputs[2] == "call_id:c3"
    assert "Invalid JSON input for tool echo" in outputs[3]
    assert outputs[4] == "five"


@pytest.mark.parametrize("path", list(PATHS))
async def test_a_tool_error_fails_the_run_plainly_on_every_path(path: str) -> None:
    agent = _agent(
        function_call("echo", '{"text": "one"}', call_id="c1"),
        function_call("fatal", "{}", call_id="c2"),
    )
    with pytest.raises(KeyError, match="fatal"):
        await Runner.run(agent, "go", run_config=PATHS[path])


async def test_hooks_alone_take_the_full_path() -> None:
    seen: list[str] = []

    class Hooks(RunHooks[Any]):
        async def on_tool_start(self, context: Any, agent: Any, tool: Any) -> None:
            seen.append(f"start {tool.name}")

        async def on_tool_end(self, context: Any, agent: Any, tool: Any, result: Any) -> None:
            seen.append(f"end {tool.name} {result}")

    agent = _agent(function_call("echo", '{"text": "hi"}', call_id="c1"))
    await Runner.run(agent, "go", run_config=PATHS["bare"], hooks=Hooks())
    assert seen == ["start echo", "end echo hi"]


async def test_cancelling_the_caller_stops_bare_calls() -> None:
    started = anyio.Event()
    running: list[str] = []

    @function_tool
    async def hold() -> str:
        """Wait forever."""
        running.append("hold")
        try:
            started.set()
            await anyio.sleep_forever()
        finally:
            running.remove("hold")
        return "never"

    model = ScriptedModel([[function_call("hold", "{}", call_id="c1")], [assistant_message("x")]])
    agent = Agent(name="a", model=model, tools=[hold])
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(partial(Runner.run, agent, "go", run_config=PATHS["bare"]))
            await started.wait()
            scope.cancel()
    assert scope.cancelled_caught
    assert running == []


def test_a_tool_context_is_made_with_every_field() -> None:
    """`from_run_context` fills a `ToolContext`'s fields directly (it runs per tool call); a
    subclass goes through `__init__`. Both must hold the same, whatever fields are added."""

    class Sub(ToolContext[Any]):
        pass

    wrapper = RunContextWrapper(context={"user": 1}, turn_input=[{"role": "user"}])
    config = RunConfig()
    made = {
        kind: kind.from_run_context(
            wrapper, tool_name="t", tool_call_id="c", tool_arguments="{}", run_config=config
        )
        for kind in (ToolContext, Sub)
    }
    assert vars(made[ToolContext]) == vars(made[Sub])
    for field in dataclasses.fields(ToolContext):
        assert getattr(made[ToolContext], field.name) == getattr(made[Sub], field.name)
    assert made[ToolContext].usage is wrapper.usage
    assert made[ToolContext]._approvals is wrapper._approvals
