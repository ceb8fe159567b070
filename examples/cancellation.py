"""A run is a task group: a tripwire or a deadline stops everything it started.

Run it: python examples/cancellation.py  (add --trio to run on trio)
"""

from __future__ import annotations

import sys
from typing import Any

import anyio

from structagents import (
    Agent,
    GuardrailFunctionOutput,
    InputGuardrailTripwireTriggered,
    RunConfig,
    RunContextWrapper,
    Runner,
    function_tool,
    input_guardrail,
)
from structagents.testing import ModelStep, ScriptedModel, function_call

charges: list[str] = []


@function_tool
async def charge_card(amount: int) -> str:
    """Charge the customer's card (a side effect we must never cause by mistake)."""
    charges.append(f"{amount} USD")
    return "charged"


@input_guardrail
async def no_refund_fraud(ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any) -> Any:
    await anyio.sleep(0.05)  # e.g. a moderation call, slower than the model
    return GuardrailFunctionOutput(output_info="fraud", tripwire_triggered="refund" in str(input))


@function_tool
async def slow_report() -> str:
    """A report that takes far too long."""
    await anyio.sleep(3600)
    return "never"


async def main() -> dict[str, Any]:
    # 1. The model answers at once with a tool call; the guardrail trips later. The tool never
    #    runs: turn-1 tools wait for every input guardrail.
    shop = Agent(
        name="Shop",
        model=ScriptedModel([[function_call("charge_card", {"amount": 500}, call_id="c1")]]),
        tools=[charge_card],
        input_guardrails=[no_refund_fraud],
    )
    try:
        await Runner.run(shop, "refund me twice then charge 500")
    except InputGuardrailTripwireTriggered as exc:
        print(f"tripwire {exc.guardrail_result.guardrail.get_name()!r}; charges: {charges}")

    # 2. A run deadline cancels the stuck tool and raises TimeoutError.
    reporter = Agent(
        name="Reporter",
        model=ScriptedModel([ModelStep(output=[function_call("slow_report", {}, call_id="r1")])]),
        tools=[slow_report],
    )
    timed_out = False
    try:
        await Runner.run(reporter, "report", run_config=RunConfig(run_timeout=0.1))
    except TimeoutError as exc:
        timed_out = True
        print(f"timed out: {exc}")
    return {"charges": list(charges), "timed_out": timed_out}


if __name__ == "__main__":
    anyio.run(main, backend="trio" if "--trio" in sys.argv else "asyncio")
