"""The contexts documentation fragments run in (see tests/doc_blocks.py for the convention).

A fragment marked `<!-- fragment: NAME -->` runs in an event loop, on asyncio and trio, in a
fresh namespace: the context NAME puts into it the names the fragment uses (the part of each
function below before `yield`), the fragment runs (top-level `await` allowed), then the part
after `yield` checks that the fragment did what the docs say. `stack` is an AsyncExitStack
closed after the checks. Each context's docstring says what it provides: keep it in sync
with what the prose around the fragments says they assume.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import anyio

from structagents import (
    Agent,
    InputGuardrailTripwireTriggered,
    RunConfig,
    Runner,
    ToolCallOutputItem,
    function_tool,
)
from structagents.testing import ScriptedModel, function_call, handoff_call

Namespace = dict[str, Any]
ContextFunction = Callable[[Namespace, AsyncExitStack], AsyncIterator[None]]


@dataclass(frozen=True)
class Context:
    function: ContextFunction
    backends: tuple[str, ...]
    doc: str


CONTEXTS: dict[str, Context] = {}


def context(
    name: str, *, backends: tuple[str, ...] = ("asyncio", "trio")
) -> Callable[[ContextFunction], ContextFunction]:
    def register(function: ContextFunction) -> ContextFunction:
        assert name not in CONTEXTS, f"context {name!r} defined twice"
        CONTEXTS[name] = Context(function, backends, inspect.getdoc(function) or "")
        return function

    return register


@context("loop")
async def _loop(ns: Namespace, stack: AsyncExitStack) -> AsyncIterator[None]:
    """Nothing: the fragment only needs a running event loop (it awaits, or makes anyio
    objects)."""
    yield


@context("agent")
async def _agent(ns: Namespace, stack: AsyncExitStack) -> AsyncIterator[None]:
    """`agent`: an `Agent` whose scripted model answers "Hello!" (up to 10 calls);
    `cfg`: a `RunConfig()`. Checks that the fragment ran the agent."""
    model = ScriptedModel(["Hello!"] * 10)
    ns["agent"] = Agent(name="Assistant", model=model)
    ns["cfg"] = RunConfig()
    yield
    assert model.calls, "the fragment never ran `agent`"


@context("model")
async def _model(ns: Namespace, stack: AsyncExitStack) -> AsyncIterator[None]:
    """`model`: a `ScriptedModel` with no steps yet, for agents the fragment builds (the check
    scripts it). Handoffs: `refunds` and `triage` are run, the triage agent hands off."""
    model = ScriptedModel([])
    ns["model"] = model
    yield
    if "triage" in ns:
        model.extend([[handoff_call(ns["refunds"], call_id="h1")], "Refund issued."])
        result = await Runner.run(ns["triage"], "I want my money back.")
        assert result.last_agent is ns["refunds"]
        assert result.final_output == "Refund issued."


@context("input-guardrail")
async def _input_guardrail(ns: Namespace, stack: AsyncExitStack) -> AsyncIterator[None]:
    """Checks that the input guardrail `on_topic` trips on homework and lets the rest
    through."""
    yield
    agent = Agent(
        name="Tutor",
        model=ScriptedModel(["Sure."] * 2),
        input_guardrails=[ns["on_topic"]],
    )
    assert (await Runner.run(agent, "Plan a trip")).final_output == "Sure."
    try:
        await Runner.run(agent, "Do my homework")
    except InputGuardrailTripwireTriggered:
        pass
    else:
        raise AssertionError("on_topic did not trip")


@context("tool-input-guardrail")
async def _tool_input_guardrail(ns: Namespace, stack: AsyncExitStack) -> AsyncIterator[None]:
    """Checks that the tool input guardrail `no_secrets` keeps a call asking for a password
    from running, and the model gets the rejection message."""
    yield
    ran: list[str] = []

    @function_tool(tool_input_guardrails=[ns["no_secrets"]])
    def lookup(query: str) -> str:
        """Look something up."""
        ran.append(query)
        return "found"

    model = ScriptedModel(
        [
            [function_call("lookup", {"query": "the admin password"}, call_id="c1")],
            "I cannot.",
        ]
    )
    result = await Runner.run(Agent(name="A", model=model, tools=[lookup]), "?")
    outputs = [item.output for item in result.new_items if isinstance(item, ToolCallOutputItem)]
    assert ran == []
    assert outputs == ["Do not ask for passwords."], outputs


@context("approvals")
async def _approvals(ns: Namespace, stack: AsyncExitStack) -> AsyncIterator[None]:
    """`model`: scripted to call `delete_file` twice ("a.txt", "b.txt"), then to answer;
    `ok(arguments)`: approves "a.txt" only. Checks that the run was resumed and finished."""
    model = ScriptedModel(
        [
            [
                function_call("delete_file", {"path": "a.txt"}, call_id="c1"),
                function_call("delete_file", {"path": "b.txt"}, call_id="c2"),
            ],
            "Deleted a.txt and kept b.txt.",
        ]
    )
    ns["model"] = model
    ns["ok"] = lambda arguments: '"a.txt"' in str(arguments)
    yield
    assert ns["result"].final_output == "Deleted a.txt and kept b.txt."


_INVENTORY_SERVER = '''
from mcp.server.mcpserver import MCPServer

server = MCPServer("inventory", log_level="ERROR")

@server.tool()
def stock(item: str) -> int:
    """How many of an item are in stock."""
    return {"scarf": 5}.get(item, 0)

server.run("stdio")
'''


@context("mcp")
async def _mcp(ns: Namespace, stack: AsyncExitStack) -> AsyncIterator[None]:
    """`inventory_server.py` in the working directory: an MCP stdio server with a `stock(item)`
    tool; `model`: scripted to call it, then answer. Checks the call reached the server."""
    await anyio.Path("inventory_server.py").write_text(_INVENTORY_SERVER)
    ns["model"] = ScriptedModel(
        [[function_call("stock", {"item": "scarf"}, call_id="c1")], "5 scarves left."]
    )
    yield
    outputs = [i.output for i in ns["result"].new_items if isinstance(i, ToolCallOutputItem)]
    assert "5" in str(outputs), outputs


@context("tracing")
async def _tracing(ns: Namespace, stack: AsyncExitStack) -> AsyncIterator[None]:
    """`agent` and `reviewer`: agents on scripted models. Checks that `handle(question)`
    runs both."""
    agent_model = ScriptedModel(["An answer."])
    reviewer_model = ScriptedModel(["Looks right."])
    ns["agent"] = Agent(name="Support", model=agent_model)
    ns["reviewer"] = Agent(name="Reviewer", model=reviewer_model)
    yield
    await ns["handle"]("Where is my parcel?")
    assert len(agent_model.calls) == len(reviewer_model.calls) == 1


@context("weather-agent")
async def _weather_agent(ns: Namespace, stack: AsyncExitStack) -> AsyncIterator[None]:
    """`agent`: an agent with the model name "gpt-4.1" and a `get_weather(city)` tool.
    Checks the run got its answer from the server."""

    @function_tool
    def get_weather(city: str) -> str:
        """Today's forecast."""
        return "snow, -3C"

    ns["agent"] = Agent(name="Forecaster", model="gpt-4.1", tools=[get_weather])
    yield
    assert ns["result"].final_output, "the run got no answer"
