"""Human approval of tool calls: interruptions, decisions, resuming in the same turn."""

from __future__ import annotations

from functools import partial
from typing import Any

import anyio
import pytest

from structagents import (
    Agent,
    GuardrailFunctionOutput,
    MemorySession,
    RunContextWrapper,
    RunItemStreamEvent,
    Runner,
    RunState,
    ToolApprovalItem,
    ToolCallOutputItem,
    UserError,
    function_tool,
    input_guardrail,
    open_run,
)
from structagents.testing import ModelStep, ScriptedModel, function_call, handoff_call


def make_tools(ran: list[str]) -> tuple[Any, Any, Any]:
    @function_tool(needs_approval=True)
    def delete(path: str) -> str:
        """Delete a file."""
        ran.append(f"delete {path}")
        return f"deleted {path}"

    @function_tool(needs_approval=True)
    async def send(to: str) -> str:
        """Send an email."""
        ran.append(f"send {to}")
        return f"sent to {to}"

    @function_tool
    def look(path: str) -> str:
        """Look at a file."""
        ran.append(f"look {path}")
        return f"{path} is fine"

    return delete, send, look


def outputs_seen(model: ScriptedModel) -> dict[str, str]:
    """The tool outputs in the last model call's input, by call id."""
    assert model.last_call is not None
    return {
        item["call_id"]: item["output"]
        for item in model.last_call.input
        if item.get("type") == "function_call_output"
    }


async def test_a_call_needing_approval_pauses_the_run_and_resumes_in_the_same_turn() -> None:
    ran: list[str] = []
    delete, _send, _look = make_tools(ran)
    model = ScriptedModel([[function_call("delete", {"path": "a.txt"}, call_id="c1")], "done"])
    agent = Agent(name="Files", model=model, tools=[delete])

    paused = await Runner.run(agent, "clean up")
    assert paused.final_output is None
    assert ran == []
    [item] = paused.interruptions
    assert isinstance(item, ToolApprovalItem)
    assert (item.tool_name, item.name, item.call_id) == ("delete", "delete", "c1")
    assert item.arguments == '{"path":"a.txt"}'
    assert item.agent is agent
    assert paused.new_items[-1] is item
    assert [i["type"] for i in paused.to_input_list()[1:]] == ["function_call"]

    state = paused.to_state()
    assert state.get_interruptions() == [item]
    assert state.current_turn == 1
    state.approve(item)
    result = await Runner.run(agent, state)
    assert result.final_output == "done"
    assert ran == ["delete a.txt"]
    assert outputs_seen(model) == {"c1": "deleted a.txt"}
    assert result.interruptions == []
    assert result.usage.requests == 2
    assert len(result.raw_responses) == 2
    assert state.current_turn == 2
    assert [i.type for i in result.new_items] == [
        "tool_call_item",
        "tool_call_output_item",
        "message_output_item",
    ]


async def test_a_rejected_call_never_runs_and_the_model_is_told() -> None:
    ran: list[str] = []
    delete, _, _ = make_tools(ran)
    model = ScriptedModel(
        [
            [function_call("delete", {"path": "a"}, call_id="c1")],
            [function_call("delete", {"path": "b"}, call_id="c2")],
            "ok",
        ]
    )
    agent = Agent(name="Files", model=model, tools=[delete])
    state = (await Runner.run(agent, "go")).to_state()
    state.reject(state.get_interruptions()[0], rejection_message="Not that one.")
    second = await Runner.run(agent, state)
    assert outputs_seen(model) == {"c1": "Not that one."}
    state.reject(second.interruptions[0])
    result = await Runner.run(agent, state)
    assert result.final_output == "ok"
    assert outputs_seen(model) == {
        "c1": "Not that one.",
        "c2": "Tool execution was not approved.",
    }
    assert ran == []


async def test_two_approvals_in_one_turn_while_a_third_call_already_ran() -> None:
    ran: list[str] = []
    delete, send, look = make_tools(ran)
    model = ScriptedModel(
        [
            [
                function_call("delete", {"path": "a"}, call_id="c1"),
                function_call("look", {"path": "b"}, call_id="c2"),
                function_call("send", {"to": "bob"}, call_id="c3"),
            ],
            "done",
        ]
    )
    agent = Agent(name="Ops", model=model, tools=[delete, send, look])
    paused = await Runner.run(agent, "go")
    assert ran == ["look b"]
    assert [i.call_id for i in paused.interruptions] == ["c1", "c3"]
    done = [i for i in paused.new_items if isinstance(i, ToolCallOutputItem)]
    assert [i.raw_item["call_id"] for i in done] == ["c2"]

    state = paused.to_state()
    state.approve(paused.interruptions[0])
    state.reject(paused.interruptions[1], rejection_message="No emails today.")
    result = await Runner.run(agent, state)
    assert result.final_output == "done"
    assert ran == ["look b", "delete a"]
    assert outputs_seen(model) == {
        "c1": "deleted a",
        "c2": "b is fine",
        "c3": "No emails today.",
    }
    assert model.remaining_steps == 0


async def test_an_undecided_call_keeps_the_run_interrupted() -> None:
    ran: list[str] = []
    delete, send, _ = make_tools(ran)
    model = ScriptedModel(
        [
            [
                function_call("delete", {"path": "a"}, call_id="c1"),
                function_call("send", {"to": "bob"}, call_id="c2"),
            ],
            "done",
        ]
    )
    agent = Agent(name="Ops", model=model, tools=[delete, send])
    paused = await Runner.run(agent, "go")
    state = paused.to_state()
    state.approve(paused.interruptions[0])
    again = await Runner.run(agent, state)
    assert again.final_output is None
    assert ran == ["delete a"]
    assert [i.call_id for i in again.interruptions] == ["c2"]
    assert again.to_state() is state
    with pytest.raises(UserError, match="not one of this run's pending approvals"):
        state.approve(paused.interruptions[0])  # already decided: no longer pending
    state.context.approve_tool(again.interruptions[0])
    result = await Runner.run(agent, state)
    assert result.final_output == "done"
    assert ran == ["delete a", "send bob"]
    assert model.remaining_steps == 0


async def test_always_approve_skips_the_next_prompt_and_always_reject_refuses_it() -> None:
    ran: list[str] = []
    delete, send, _ = make_tools(ran)
    model = ScriptedModel(
        [
            [function_call("delete", {"path": "a"}, call_id="c1")],
            [function_call("send", {"to": "x"}, call_id="c2")],
            [
                function_call("delete", {"path": "b"}, call_id="c3"),
                function_call("send", {"to": "y"}, call_id="c4"),
            ],
            "done",
        ]
    )
    agent = Agent(name="Ops", model=model, tools=[delete, send])
    first = await Runner.run(agent, "go")
    state = first.to_state()
    state.approve(first.interruptions[0], always_approve=True)
    second = await Runner.run(agent, state)
    [waiting] = second.interruptions
    assert waiting.tool_name == "send"
    state.reject(waiting, always_reject=True, rejection_message="Never email.")
    result = await Runner.run(agent, state)
    assert result.final_output == "done"
    assert ran == ["delete a", "delete b"]
    assert outputs_seen(model)["c4"] == "Never email."


async def test_needs_approval_may_be_a_sync_or_async_function_of_the_call() -> None:
    ran: list[str] = []
    seen: list[tuple[Any, dict[str, Any], str]] = []

    def big_only(ctx: RunContextWrapper[Any], arguments: dict[str, Any], call_id: str) -> bool:
        seen.append((ctx.context, arguments, call_id))
        return bool(arguments["amount"] > 100)

    async def never(ctx: RunContextWrapper[Any], arguments: dict[str, Any], call_id: str) -> bool:
        await anyio.lowlevel.checkpoint()
        return False

    @function_tool(needs_approval=big_only)
    def pay(amount: int) -> str:
        """Pay."""
        ran.append(f"pay {amount}")
        return "paid"

    @function_tool(needs_approval=never)
    def note(text: str) -> str:
        """Note."""
        ran.append(f"note {text}")
        return "noted"

    model = ScriptedModel(
        [
            [
                function_call("pay", {"amount": 5}, call_id="small"),
                function_call("pay", {"amount": 500}, call_id="big"),
                function_call("note", {"text": "hi"}, call_id="n"),
            ],
            "done",
        ]
    )
    agent = Agent(name="Payer", model=model, tools=[pay, note])
    paused = await Runner.run(agent, "go", context="ctx")
    assert sorted(ran) == ["note hi", "pay 5"]
    assert [i.call_id for i in paused.interruptions] == ["big"]
    assert sorted(seen, key=lambda s: s[2]) == [
        ("ctx", {"amount": 500}, "big"),
        ("ctx", {"amount": 5}, "small"),
    ]


async def test_the_seed_spelling_state_context_approve_tool() -> None:
    ran: list[str] = []
    delete, send, _ = make_tools(ran)
    model = ScriptedModel(
        [
            [
                function_call("delete", {"path": "a"}, call_id="c1"),
                function_call("send", {"to": "b"}, call_id="c2"),
            ],
            "done",
        ]
    )
    agent = Agent(name="Ops", model=model, tools=[delete, send])
    result = await Runner.run(agent, "go")
    state = result.to_state()
    for interruption in result.interruptions:
        if interruption.tool_name == "delete":
            state.context.approve_tool(interruption)
        else:
            state.context.reject_tool(interruption)
    result = await Runner.run(agent, state)
    assert result.final_output == "done"
    assert ran == ["delete a"]


async def test_a_streamed_run_announces_approvals_and_ends_without_error() -> None:
    ran: list[str] = []
    delete, send, _ = make_tools(ran)
    model = ScriptedModel(
        [
            [
                function_call("delete", {"path": "a"}, call_id="c1"),
                function_call("send", {"to": "b"}, call_id="c2"),
            ],
            "all done",
        ]
    )
    agent = Agent(name="Ops", model=model, tools=[delete, send])
    async with Runner.run_streamed(agent, "go") as streamed:
        names = [
            e.name async for e in streamed.stream_events() if isinstance(e, RunItemStreamEvent)
        ]
    assert names == [
        "tool_called",
        "tool_called",
        "tool_approval_requested",
        "tool_approval_requested",
    ]
    assert streamed.final_output is None
    assert [i.call_id for i in streamed.interruptions] == ["c1", "c2"]
    state = streamed.to_state()
    state.approve(streamed.interruptions[0])
    state.approve(streamed.interruptions[1])
    async with open_run(agent, state) as resumed:
        names = [e.name async for e in resumed if isinstance(e, RunItemStreamEvent)]
    assert names == ["tool_output", "tool_output", "message_output_created"]
    assert resumed.result.final_output == "all done"
    assert sorted(ran) == ["delete a", "send b"]


async def test_agent_as_tool_can_need_approval() -> None:
    inner = Agent(name="Translator", model=ScriptedModel(["hola"]))
    outer_model = ScriptedModel([[function_call("translator", {"input": "hi"}, call_id="t")], "ok"])
    outer = Agent(name="Main", model=outer_model, tools=[inner.as_tool(needs_approval=True)])
    paused = await Runner.run(outer, "translate")
    assert paused.interruptions[0].tool_name == "translator"
    state = paused.to_state()
    state.approve(paused.interruptions[0])
    result = await Runner.run(outer, state)
    assert result.final_output == "ok"
    assert outputs_seen(outer_model) == {"t": "hola"}


async def test_input_guardrails_do_not_run_again_on_resume() -> None:
    checks: list[Any] = []

    @input_guardrail
    def count(ctx: Any, agent: Any, input: Any) -> GuardrailFunctionOutput:
        checks.append(input)
        return GuardrailFunctionOutput(output_info="fine", tripwire_triggered=False)

    delete, _, _ = make_tools([])
    model = ScriptedModel([[function_call("delete", {"path": "a"}, call_id="c1")], "done"])
    agent = Agent(name="Files", model=model, tools=[delete], input_guardrails=[count])
    paused = await Runner.run(agent, "go")
    state = paused.to_state()
    state.approve(paused.interruptions[0])
    result = await Runner.run(agent, state)
    assert checks == ["go"]
    assert [r.output.output_info for r in result.input_guardrail_results] == ["fine"]


async def test_an_approved_call_before_a_handoff_runs_then_the_handoff_is_taken() -> None:
    ran: list[str] = []
    delete, _, _ = make_tools(ran)
    helper = Agent(name="Helper", model=ScriptedModel(["helped"]))
    model = ScriptedModel(
        [
            [
                function_call("delete", {"path": "a"}, call_id="c1"),
                handoff_call(helper, call_id="h1"),
            ]
        ]
    )
    agent = Agent(name="Main", model=model, tools=[delete], handoffs=[helper])
    paused = await Runner.run(agent, "go")
    assert paused.last_agent is agent
    state = paused.to_state()
    state.approve(paused.interruptions[0])
    result = await Runner.run(agent, state)
    assert (result.final_output, result.last_agent) == ("helped", helper)
    assert ran == ["delete a"]


async def test_misuse_of_a_state_is_a_user_error_and_runs_nothing() -> None:
    ran: list[str] = []
    delete, _send, _ = make_tools(ran)
    model = ScriptedModel([[function_call("delete", {"path": "a"}, call_id="c1")], "done"])
    agent = Agent(name="Files", model=model, tools=[delete])
    paused = await Runner.run(agent, "go")
    state = paused.to_state()
    stranger = ToolApprovalItem(agent, function_call("delete", {"path": "/"}, call_id="c9"))
    with pytest.raises(UserError, match="not one of this run's pending approvals"):
        state.approve(stranger)
    with pytest.raises(UserError, match="not one of this run's pending approvals"):
        state.context.reject_tool(stranger)
    renamed = ToolApprovalItem(agent, function_call("send", {"to": "x"}, call_id="c1"))
    with pytest.raises(UserError, match="not one of this run's pending approvals"):
        state.approve(renamed)
    with pytest.raises(UserError, match="not model input"):
        paused.interruptions[0].to_input_item()

    state.approve(paused.interruptions[0])
    result = await Runner.run(agent, state)
    assert result.final_output == "done"
    with pytest.raises(UserError, match="already finished"):
        await Runner.run(agent, state)
    with pytest.raises(UserError, match="Nothing to approve"):
        state.approve(paused.interruptions[0])
    with pytest.raises(UserError, match="already finished"):
        state.add_input("more")
    assert ran == ["delete a"]


async def test_one_state_resumes_one_run_at_a_time() -> None:
    ran: list[str] = []
    gate = anyio.Event()

    @function_tool(needs_approval=True)
    async def slow() -> str:
        """Slow."""
        ran.append("slow")
        await gate.wait()
        return "slow done"

    model = ScriptedModel([[function_call("slow", {}, call_id="c1")], "done"])
    agent = Agent(name="A", model=model, tools=[slow])
    state = (await Runner.run(agent, "go")).to_state()
    state.approve(state.get_interruptions()[0])
    results: list[Any] = []
    async with anyio.create_task_group() as tg:

        async def first() -> None:
            results.append(await Runner.run(agent, state))

        tg.start_soon(first)
        while not ran:
            await anyio.lowlevel.checkpoint()
        with pytest.raises(UserError, match="one run at a time"):
            await Runner.run(agent, state)
        with pytest.raises(UserError, match="run in progress"):
            state.to_json()
        gate.set()
    assert results[0].final_output == "done"
    assert ran == ["slow"]


async def test_add_input_reaches_the_next_model_call_and_the_session() -> None:
    delete, _, _ = make_tools([])
    model = ScriptedModel([[function_call("delete", {"path": "a"}, call_id="c1")], "done"])
    agent = Agent(name="Files", model=model, tools=[delete])
    session = MemorySession("s")
    state = (await Runner.run(agent, "go", session=session)).to_state()
    state.approve(state.get_interruptions()[0])
    state.add_input("and be quick")
    result = await Runner.run(agent, state, session=session)
    assert result.final_output == "done"
    assert model.last_call is not None
    assert model.last_call.input[-1] == {"role": "user", "content": "and be quick"}
    assert [i.type for i in result.new_items][-2:] == ["input_item", "message_output_item"]
    stored = await session.get_items()
    assert {"role": "user", "content": "and be quick"} in stored

    stopper = Agent(
        name="Stop",
        model=ScriptedModel([[function_call("delete", {"path": "a"}, call_id="c")]]),
        tools=[delete],
        tool_use_behavior="stop_on_first_tool",
    )
    stopped = (await Runner.run(stopper, "go")).to_state()
    with pytest.raises(UserError, match="may end it"):
        stopped.add_input("more")


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_the_session_holds_only_whole_turns_across_a_pause_and_a_cancel(
    anyio_backend: str,
) -> None:
    started = anyio.Event()

    @function_tool(needs_approval=True)
    async def hang() -> str:
        """Never returns."""
        started.set()
        await anyio.sleep_forever()
        return "never"

    @function_tool
    def quick() -> str:
        """Quick."""
        return "quick"

    model = ScriptedModel(
        [[function_call("quick", {}, call_id="q1")], [function_call("hang", {}, call_id="h1")]]
    )
    agent = Agent(name="A", model=model, tools=[hang, quick])
    session = MemorySession("s")
    paused = await Runner.run(agent, "go", session=session)
    stored = await session.get_items()
    assert [i.get("type", "message") for i in stored] == [
        "message",
        "function_call",
        "function_call_output",
    ]
    state = paused.to_state()
    state.approve(paused.interruptions[0])
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(partial(Runner.run, agent, state, session=session))
            await started.wait()
            scope.cancel()
    assert await session.get_items() == stored
    # The cancelled resume added nothing: the state still waits at the same checkpoint.
    assert [i.call_id for i in state.get_interruptions()] == ["h1"]
    assert state.to_json()["status"] == "interrupted"


async def test_a_run_cancelled_mid_turn_cannot_be_resumed() -> None:
    gate = anyio.Event()
    model = ScriptedModel(
        [[function_call("delete", {"path": "a"}, call_id="c1")], ModelStep(wait_for=gate)]
    )
    delete, _, _ = make_tools([])
    agent = Agent(name="A", model=model, tools=[delete])
    state = (await Runner.run(agent, "go")).to_state()
    state.approve(state.get_interruptions()[0])
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(Runner.run, agent, state)
            while model.last_call is None or len(model.calls) < 2:
                await anyio.lowlevel.checkpoint()
            scope.cancel()
    with pytest.raises(UserError, match="middle of a turn"):
        await Runner.run(agent, state)
    assert isinstance(state, RunState)
