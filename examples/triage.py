"""Triage hands off to a specialist; a translator agent is used as a tool.

Run it: python examples/triage.py  (add --trio to run on trio)
"""

from __future__ import annotations

import sys
from typing import Any

import anyio
from pydantic import BaseModel

from structagents import (
    Agent,
    RunContextWrapper,
    Runner,
    RunResult,
    function_tool,
    handoff,
    handoff_filters,
)
from structagents.testing import ScriptedModel, function_call, handoff_call

escalations: list[str] = []


class Escalation(BaseModel):
    reason: str


@function_tool
def order_status(order_id: int) -> str:
    """Look up an order.

    Args:
        order_id: The order number.
    """
    return f"order {order_id} was delivered damaged"


def build_agents() -> Agent[Any]:
    translator = Agent(
        name="Translator",
        instructions="Translate the text into Portuguese.",
        model=ScriptedModel(["Pedimos desculpa, o reembolso está a caminho."]),
    )
    refunds = Agent(
        name="Refunds",
        handoff_description="Issues refunds for damaged or missing orders.",
        instructions="Issue the refund, then answer in the customer's language.",
        model=ScriptedModel(
            [
                [
                    function_call(
                        "to_portuguese", {"input": "Sorry, refund is on its way."}, call_id="t1"
                    )
                ],
                "Pedimos desculpa, o reembolso está a caminho.",
            ]
        ),
        tools=[translator.as_tool("to_portuguese", "Translate text into Portuguese.")],
    )

    async def record(ctx: RunContextWrapper[Any], data: Escalation) -> None:
        escalations.append(data.reason)

    return Agent(
        name="Triage",
        instructions="Find out what the customer needs and route them.",
        model=ScriptedModel(
            [
                [function_call("order_status", {"order_id": 42}, call_id="s1")],
                [handoff_call("Refunds", {"reason": "damaged delivery"}, call_id="h1")],
            ]
        ),
        tools=[order_status],
        handoffs=[
            handoff(
                refunds,
                on_handoff=record,
                input_type=Escalation,
                input_filter=handoff_filters.remove_all_tools,
            )
        ],
    )


async def main() -> RunResult:
    result = await Runner.run(build_agents(), "A minha encomenda 42 chegou partida!")
    print(f"{result.last_agent.name} answered: {result.final_output}")
    print(f"escalated because: {escalations}; usage: {result.usage.requests} model calls")
    return result


if __name__ == "__main__":
    anyio.run(main, backend="trio" if "--trio" in sys.argv else "asyncio")
