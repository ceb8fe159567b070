"""KeyboardInterrupt and SystemExit raised by a tool reach the caller as themselves, and the
process can still exit (with the status `sys.exit` asked for). Each backend runs in a child
process: those exceptions must not reach the test runner's own event loop."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, sys
import anyio
from structagents import Agent, Runner, function_tool, open_run
from structagents.testing import ScriptedModel, function_call

backend = sys.argv[1]

def make_agent(kind, is_sync):
    def raise_it():
        if kind == "KeyboardInterrupt":
            raise KeyboardInterrupt
        sys.exit(3)
    async def raise_it_async():
        raise_it()
    fn = raise_it if is_sync else raise_it_async
    tool = function_tool(fn, name_override="stop", failure_error_function=None)
    model = ScriptedModel([[function_call("stop", {}, call_id="c1")], "never"])
    return Agent(name="a", model=model, tools=[tool])

async def one(kind, is_sync, streamed):
    agent = make_agent(kind, is_sync)
    try:
        if streamed:
            async with open_run(agent, "hi") as stream:
                async for _ in stream:
                    pass
        else:
            await Runner.run(agent, "hi")
    except KeyboardInterrupt:
        return "KeyboardInterrupt"
    except SystemExit as exc:
        return f"SystemExit({exc.code})"
    except BaseException as exc:
        return f"other: {exc!r}"
    return "no error"

caught = {}
for kind in ("KeyboardInterrupt", "SystemExit"):
    for is_sync in (True, False):
        for streamed in (False, True):
            key = f"{kind} sync={is_sync} streamed={streamed}"
            caught[key] = anyio.run(one, kind, is_sync, streamed, backend=backend)
print(json.dumps(caught), flush=True)

# Uncaught, a sync tool's sys.exit(3) (raised in a worker thread) ends the process with 3.
Runner.run_sync(make_agent("SystemExit", True), "hi", backend=backend)
print("not reached", flush=True)
"""


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_keyboard_interrupt_and_system_exit_from_tools(backend: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, backend], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3, done.stderr[-3000:]
    caught = json.loads(done.stdout.splitlines()[0])
    for key, value in caught.items():
        expected = "KeyboardInterrupt" if key.startswith("KeyboardInterrupt") else "SystemExit(3)"
        assert value == expected, key
    assert len(caught) == 8
    assert "not reached" not in done.stdout
    assert "unhandled" not in done.stderr  # nothing escaped into asyncio's shutdown
    assert "ExceptionGroup" not in done.stderr
