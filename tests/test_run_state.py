"""RunState as plain, versioned JSON: round trips, agents by name, context, bad input, and a
resume in a fresh process on the other backend."""

from __future__ import annotations

import json
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

from structagents import (
    Agent,
    GuardrailFunctionOutput,
    MaxTurnsExceeded,
    RunContextWrapper,
    Runner,
    RunState,
    ToolContext,
    UserError,
    function_tool,
    handoff,
    input_guardrail,
)
from structagents.testing import (
    ModelStep,
    ScriptedModel,
    assistant_message,
    function_call,
    handoff_call,
)

ROOT = Path(__file__).resolve().parent.parent


@function_tool(needs_approval=True)
def refund(order: str, amount: int) -> str:
    """Refund an order."""
    return f"refunded {amount} on {order}"


@function_tool
def lookup(order: str) -> dict[str, Any]:
    """Look an order up."""
    return {"order": order, "total": 40}


def graph(model: ScriptedModel) -> Agent[Any]:
    """Triage hands off to Billing, which may refund (with approval); Billing also has a
    translator agent as a tool."""
    translator = Agent(name="Translator", model=ScriptedModel(["hola"]))
    billing = Agent(
        name="Billing",
        model=model,
        tools=[refund, lookup, translator.as_tool()],
        handoff_description="Refunds",
    )
    return Agent(name="Triage", model=model, handoffs=[billing])


def paused_script() -> list[Any]:
    return [
        [handoff_call("Billing", call_id="h1")],
        [
            function_call("lookup", {"order": "A1"}, call_id="l1"),
            function_call("refund", {"order": "A1", "amount": 40}, call_id="r1"),
        ],
    ]


async def pause() -> tuple[Agent[Any], RunState, ScriptedModel]:
    model = ScriptedModel(paused_script())
    triage = graph(model)
    result = await Runner.run(triage, "refund A1")
    assert [i.call_id for i in result.interruptions] == ["r1"]
    return triage, result.to_state(), model


async def test_a_state_round_trips_through_plain_json_and_resumes() -> None:
    _, state, _ = await pause()
    data = state.to_json()
    text = state.to_string()
    assert json.loads(text) == json.loads(json.dumps(data))
    assert data["$schemaVersion"] == 1
    assert data["format"] == "structagents.RunState"
    assert data["status"] == "interrupted"
    assert data["current_agent"] == "Billing"
    assert data["interruption"] == {
        "turn_start": 2,
        "tool_calls": ["l1", "r1"],
        "handoff_calls": [],
    }
    assert data["generated_items"][-1]["output"] == {"order": "A1", "total": 40}

    model = ScriptedModel(["Refunded."])
    fresh = graph(model)
    restored = RunState.from_string(fresh, text)
    assert restored.current_agent.name == "Billing"
    assert restored.current_turn == 2
    assert restored.context.usage.requests == 2
    [item] = restored.get_interruptions()
    assert (item.tool_name, item.call_id, item.agent.name) == ("refund", "r1", "Billing")
    restored.approve(item)
    result = await Runner.run(fresh, restored)
    assert result.final_output == "Refunded."
    assert result.last_agent.name == "Billing"
    assert result.usage.requests == 3
    assert model.last_call is not None
    assert model.last_call.input[-1] == {
        "type": "function_call_output",
        "call_id": "r1",
        "output": "refunded 40 on A1",
    }
    assert [i.type for i in result.new_items].count("handoff_output_item") == 1


async def test_from_json_may_be_awaited_or_called_plainly() -> None:
    triage, state, _ = await pause()
    data = state.to_json()
    awaited = await RunState.from_json(triage, data)
    plain = RunState.from_json(triage, data)
    from_text = await RunState.from_string(triage, state.to_string())
    for restored in (awaited, plain, from_text):
        assert isinstance(restored, RunState)
        assert restored.to_json() == data


async def test_decisions_taken_before_saving_are_kept() -> None:
    _, state, _ = await pause()
    state.reject(state.get_interruptions()[0], rejection_message="Over the limit.")
    model = ScriptedModel(["Sorry."])
    fresh = graph(model)
    restored = RunState.from_json(fresh, json.loads(state.to_string()))
    result = await Runner.run(fresh, restored)
    assert result.final_output == "Sorry."
    assert model.last_call is not None
    assert model.last_call.input[-1]["output"] == "Over the limit."


@dataclass
class Account:
    user: str
    tier: str


async def test_the_context_travels_only_through_the_callers_serializer() -> None:
    seen: list[str] = []

    @function_tool(needs_approval=True, failure_error_function=None)
    def whoami(ctx: ToolContext[Account]) -> str:
        """Who is asking."""
        seen.append(ctx.context.user)
        return ctx.context.user

    def make(model: ScriptedModel) -> Agent[Account]:
        return Agent(name="A", model=model, tools=[whoami])

    agent = make(ScriptedModel([[function_call("whoami", {}, call_id="w")]]))
    state = (await Runner.run(agent, "who", context=Account("ada", "gold"))).to_state()
    state.approve(state.get_interruptions()[0])

    plain = state.to_json()
    assert plain["context"] == {"omitted": "tests.test_run_state.Account"}
    assert "ada" not in json.dumps(plain)
    saved = state.to_json(context_serializer=lambda c: {"user": c.user, "tier": c.tier})
    assert saved["context"] == {"data": {"user": "ada", "tier": "gold"}}

    fresh = make(ScriptedModel(["done"]))
    rebuilt = RunState.from_json(fresh, saved, context_deserializer=lambda d: Account(**d))
    assert (await Runner.run(fresh, rebuilt)).final_output == "done"
    fresh = make(ScriptedModel(["done"]))
    override = RunState.from_json(fresh, plain, context_override=Account("bob", "free"))
    assert (await Runner.run(fresh, override)).final_output == "done"
    fresh = make(ScriptedModel(["done"]))
    wrapped = RunState.from_json(
        fresh, plain, context_override=RunContextWrapper(Account("cy", "free"))
    )
    assert (await Runner.run(fresh, wrapped)).final_output == "done"
    assert seen == ["ada", "bob", "cy"]

    with pytest.raises(UserError, match="context_deserializer"):
        RunState.from_json(fresh, saved)
    fresh = make(ScriptedModel(["done"]))
    missing = RunState.from_json(fresh, plain)
    with pytest.raises(
        UserError, match=r"context \(tests\.test_run_state\.Account\) was not saved"
    ):
        await Runner.run(fresh, missing)
    with pytest.raises(UserError, match="JSON data"):
        state.to_json(context_serializer=lambda c: object())


async def test_max_turns_exceeded_carries_a_state_that_resumes_here_or_from_json() -> None:
    def script() -> list[Any]:
        return [[function_call("lookup", {"order": str(n)}, call_id=f"c{n}")] for n in range(3)]

    model = ScriptedModel([*script(), "finally"])
    agent = Agent(name="Loop", model=model, tools=[lookup])
    with pytest.raises(MaxTurnsExceeded) as caught:
        await Runner.run(agent, "go", max_turns=2)
    state = caught.value.run_state
    assert state is not None
    assert (state.current_turn, state.max_turns) == (2, 2)
    data = state.to_json()
    assert data["status"] == "between_turns"
    with pytest.raises(MaxTurnsExceeded):
        await Runner.run(agent, state)  # the state's own limit is still 2
    result = await Runner.run(agent, state, max_turns=5)
    assert result.final_output == "finally"
    assert state.current_turn == 4
    assert result.usage.requests == 4

    model = ScriptedModel([script()[2], "finally"])
    again = Agent(name="Loop", model=model, tools=[lookup])
    restored = RunState.from_json(again, data)
    result = await Runner.run(again, restored, max_turns=20)
    assert (result.final_output, restored.current_turn) == ("finally", 4)
    assert len(result.raw_responses) == 4


async def test_guardrail_results_survive_and_do_not_run_again() -> None:
    calls: list[Any] = []

    @input_guardrail(name="polite")
    def polite(ctx: Any, agent: Any, input: Any) -> GuardrailFunctionOutput:
        calls.append(input)
        return GuardrailFunctionOutput(output_info={"score": 1}, tripwire_triggered=False)

    def make(model: ScriptedModel) -> Agent[Any]:
        return Agent(name="G", model=model, tools=[refund], input_guardrails=[polite])

    first = make(
        ScriptedModel([[function_call("refund", {"order": "x", "amount": 1}, call_id="r")]])
    )
    state = (await Runner.run(first, "hi")).to_state()
    fresh = make(ScriptedModel(["ok"]))
    restored = RunState.from_json(fresh, state.to_json())
    restored.approve(restored.get_interruptions()[0])
    result = await Runner.run(fresh, restored)
    assert calls == ["hi"]
    [kept] = result.input_guardrail_results
    assert (kept.guardrail.get_name(), kept.output.output_info) == ("polite", {"score": 1})


def corrupt_cases(data: dict[str, Any]) -> list[tuple[Any, str]]:
    tampered = json.loads(json.dumps(data))
    evil = function_call("refund", {"order": "ALL", "amount": 10**6}, call_id="evil")
    tampered["generated_items"].append(
        {"type": "tool_call_item", "agent": "Billing", "raw_item": evil}
    )
    tampered["interruption"]["tool_calls"].append("evil")
    unknown_tool = json.loads(json.dumps(data))
    unknown_tool["generated_items"][3]["raw_item"]["name"] = "format_disk"
    unknown_tool["model_responses"][-1]["output"][1]["name"] = "format_disk"
    stranger = json.loads(json.dumps(data))
    stranger["current_agent"] = "Mallory"
    newer = {**data, "$schemaVersion": 99}
    broken = {**data, "current_turn": "three"}
    missing = {k: v for k, v in data.items() if k != "generated_items"}
    reference = {"$schemaVersion": "1.17", "current_turn": 1}
    return [
        (tampered, "did not make"),
        (unknown_tool, "does not have"),
        (stranger, "cannot reach"),
        (newer, "schema version 99 is not supported"),
        (broken, "corrupt or incomplete"),
        (missing, "corrupt or incomplete"),
        (reference, "not a structagents RunState"),
        ([1, 2], "JSON object"),
    ]


async def test_bad_saved_states_are_user_errors_and_run_nothing() -> None:
    triage, state, model = await pause()
    data = state.to_json()
    for bad, message in corrupt_cases(data):
        with pytest.raises(UserError, match=message):
            RunState.from_json(triage, bad)
    text = state.to_string()
    for bad_text in (text[: len(text) // 2], "{not json", ""):
        with pytest.raises(UserError, match="JSON is invalid"):
            RunState.from_string(triage, bad_text)
    twin = Agent(name="Billing", model=model)
    ambiguous = Agent(name="Triage", model=model, handoffs=[triage.handoffs[0], twin])
    with pytest.raises(UserError, match="named 'Billing'"):
        RunState.from_json(ambiguous, data)
    assert model.remaining_steps == 0


async def test_a_finished_state_loads_but_cannot_resume() -> None:
    agent = Agent(name="A", model=ScriptedModel(["hello"]))
    result = await Runner.run(agent, "hi")
    data = result.to_state().to_json()
    assert (data["status"], data["final_output"]) == ("finished", "hello")
    restored = RunState.from_json(agent, data)
    with pytest.raises(UserError, match="already finished"):
        await Runner.run(agent, restored)


RESUME_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from structagents import Agent, Runner, RunState, function_tool
    from structagents.testing import ScriptedModel

    ran = []

    @function_tool(needs_approval=True)
    def refund(order: str, amount: int) -> str:
        \"\"\"Refund an order.\"\"\"
        ran.append(order)
        return f"refunded {amount} on {order}"

    @function_tool
    def lookup(order: str) -> dict:
        \"\"\"Look an order up.\"\"\"
        return {"order": order}

    model = ScriptedModel(["Refund done."])
    billing = Agent(name="Billing", model=model, tools=[refund, lookup])
    triage = Agent(name="Triage", model=model, handoffs=[billing])
    path, backend = sys.argv[1], sys.argv[2]
    with open(path) as f:
        state = RunState.from_string(triage, f.read())
    state.approve(state.get_interruptions()[0])
    result = Runner.run_sync(triage, state, backend=backend)
    print(json.dumps({"output": result.final_output, "ran": ran,
                      "turn": state.current_turn, "requests": result.usage.requests,
                      "sent": model.last_call.input[-1]}))
    """
)


async def test_a_state_resumes_in_a_fresh_process_on_the_other_backend(
    tmp_path: Path, anyio_backend: Any
) -> None:
    model = ScriptedModel(paused_script())
    billing = Agent(name="Billing", model=model, tools=[refund, lookup])
    triage = Agent(name="Triage", model=model, handoffs=[billing])
    state = (await Runner.run(triage, "refund A1")).to_state()
    saved = tmp_path / "state.json"
    saved.write_text(state.to_string())
    script = tmp_path / "resume.py"
    script.write_text(RESUME_SCRIPT)
    here = anyio_backend if isinstance(anyio_backend, str) else anyio_backend[0]
    other = "trio" if here == "asyncio" else "asyncio"
    done = await anyio.run_process(
        [sys.executable, str(script), str(saved), other], check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr.decode()
    outcome = json.loads(done.stdout)
    assert outcome == {
        "output": "Refund done.",
        "ran": ["A1"],
        "turn": 3,
        "requests": 3,
        "sent": {"type": "function_call_output", "call_id": "r1", "output": "refunded 40 on A1"},
    }


async def test_server_side_ids_carry_over_a_resume_through_json() -> None:
    first = ScriptedModel(
        [
            ModelStep(
                output=[function_call("refund", {"order": "A", "amount": 5}, call_id="r")],
                response_id="resp_1",
            )
        ]
    )
    agent = Agent(name="S", model=first, tools=[refund])
    paused = await Runner.run(agent, "go", previous_response_id="resp_0")
    assert first.last_call is not None
    assert first.last_call.previous_response_id == "resp_0"
    data = paused.to_state().to_json()
    assert (data["previous_response_id"], data["server_known"]) == ("resp_1", 2)

    second = ScriptedModel([ModelStep(output=[assistant_message("done")], response_id="resp_2")])
    fresh = Agent(name="S", model=second, tools=[refund])
    state = RunState.from_json(fresh, data)
    state.approve(state.get_interruptions()[0])
    result = await Runner.run(fresh, state)
    assert result.final_output == "done"
    assert second.last_call is not None
    assert second.last_call.previous_response_id == "resp_1"
    assert [item["type"] for item in second.last_call.input] == ["function_call_output"]
    assert result.last_response_id == "resp_2"


async def test_agents_reachable_only_as_tools_or_through_handoff_objects_are_found() -> None:
    _, state, model = await pause()
    data = state.to_json()
    data["current_agent"] = "Translator"  # reachable only as Billing's agent-tool
    data["status"], data["interruption"] = "between_turns", None
    restored = RunState.from_json(graph(model), data)
    assert restored.current_agent.name == "Translator"

    inner = Agent(name="Deep", model=model)
    outer = Agent(name="Top", model=model, handoffs=[handoff(inner)])
    data["current_agent"] = "Deep"
    data["generated_items"] = []
    data["model_responses"] = []
    assert RunState.from_json(outer, data).current_agent is inner
