"""A human approves a refund: the run pauses, its state is saved to a file, and a new process
loads it, applies the human's decision and finishes the run, with the conversation kept in a
SQLite session. (The model and the human are simulated so that this runs anywhere.)

Run it: python examples/approvals.py [workdir]  (add --trio to run on trio)
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio

from structagents import Agent, RunContextWrapper, Runner, RunState, SQLiteSession, function_tool
from structagents.testing import ScriptedModel, function_call


class Shop:
    """The run's context: who is being served."""

    def __init__(self, customer: str) -> None:
        self.customer = customer


def large(ctx: RunContextWrapper[Shop], arguments: dict[str, Any], call_id: str) -> bool:
    """Refunds above 50 EUR need a human."""
    return bool(arguments.get("amount", 0) > 50)


@function_tool(needs_approval=large)
def issue_refund(ctx: RunContextWrapper[Shop], order_id: str, amount: int) -> str:
    """Refund an order.

    Args:
        order_id: The order to refund.
        amount: How much, in EUR.
    """
    return f"Refunded {amount} EUR on {order_id} to {ctx.context.customer}."


@function_tool
def lookup_order(order_id: str) -> dict[str, Any]:
    """Look an order up.

    Args:
        order_id: The order.
    """
    return {"order_id": order_id, "total": 120, "status": "damaged on arrival"}


def support_agent(model: ScriptedModel) -> Agent[Shop]:
    """The same agent, built again in each process."""
    return Agent(
        name="Support",
        instructions="Help customers with their orders.",
        model=model,
        tools=[issue_refund, lookup_order],
    )


def first_model() -> ScriptedModel:
    """Stands in for the model until the pause: it looks the order up and asks for a refund."""
    return ScriptedModel(
        [
            [function_call("lookup_order", {"order_id": "A-17"}, call_id="look")],
            [function_call("issue_refund", {"order_id": "A-17", "amount": 120}, call_id="pay")],
        ]
    )


def resumed_model() -> ScriptedModel:
    """Stands in for the model after the human decided: it reports what the tool said."""
    return ScriptedModel(["The refund of 120 EUR for A-17 is on its way."])


def human_decides(arguments: dict[str, Any]) -> bool:
    """A simulated human: refunds up to 150 EUR are fine."""
    return bool(arguments["amount"] <= 150)


async def pause(workdir: Path) -> list[str]:
    """Process 1: run until the refund waits for approval; save the state to a file."""
    agent = support_agent(first_model())
    async with SQLiteSession("customer-7", workdir / "chat.db") as session:
        result = await Runner.run(
            agent, "My order A-17 arrived broken.", context=Shop("Ada"), session=session
        )
    assert result.final_output is None
    waiting = [f"{item.tool_name} {item.arguments}" for item in result.interruptions]
    state = result.to_state().to_string(context_serializer=lambda shop: {"customer": shop.customer})
    await anyio.Path(workdir / "state.json").write_text(state)
    return waiting


async def resume(workdir: Path) -> dict[str, Any]:
    """Process 2: load the state, apply the human's decision, finish the run."""
    model = resumed_model()
    agent = support_agent(model)
    text = await anyio.Path(workdir / "state.json").read_text()
    state = RunState.from_string(agent, text, context_deserializer=lambda data: Shop(**data))
    for item in state.get_interruptions():
        if human_decides(json.loads(item.arguments or "{}")):
            state.approve(item)
        else:
            state.reject(item, rejection_message="A manager declined this refund.")
    async with SQLiteSession("customer-7", workdir / "chat.db") as session:
        result = await Runner.run(agent, state, session=session)
        stored = await session.get_items()
    assert model.last_call is not None
    return {
        "answer": result.final_output,
        "tool_said": model.last_call.input[-1]["output"],
        "stored": [item.get("type", item.get("role")) for item in stored],
    }


async def main(workdir: str | None = None, backend: str = "asyncio") -> dict[str, Any]:
    """Pause here, then resume in a new Python process (on `backend`)."""
    path = Path(workdir or tempfile.mkdtemp())
    await anyio.Path(path).mkdir(parents=True, exist_ok=True)
    waiting = await pause(path)
    print(f"waiting for approval: {waiting}")
    args = [sys.executable, __file__, "--resume", str(path), "--backend", backend]
    done = await anyio.run_process(args, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode())
    outcome: dict[str, Any] = json.loads(done.stdout)
    print(f"assistant (in the second process): {outcome['answer']}")
    return {"waiting": waiting, **outcome}


if __name__ == "__main__":
    argv = sys.argv[1:]
    chosen = "trio" if "--trio" in argv else "asyncio"
    if "--backend" in argv:
        chosen = argv[argv.index("--backend") + 1]
    if "--resume" in argv:
        print(json.dumps(anyio.run(resume, Path(argv[argv.index("--resume") + 1]), backend=chosen)))
    else:
        positional = [a for a in argv if not a.startswith("--")]
        anyio.run(main, positional[0] if positional else None, chosen, backend=chosen)
