# A notebook session: run these cells in Jupyter or IPython, where `await` works at the top
# level, or feed the whole file to an asyncio REPL:  python -m asyncio < examples/notebook.py
# (in a REPL, keep the blank line after each block). On trio: IPython with `%autoawait trio`.
# ruff: noqa: F704
from openai.types.responses import ResponseTextDeltaEvent

from structagents import Agent, Runner, UserError, open_run
from structagents.testing import ScriptedModel

# Cell 1: a notebook already runs an event loop, so await the run.
agent = Agent(name="Tutor", model=ScriptedModel(["The moon's pull makes the tides."]))
result = await Runner.run(agent, "Why are there tides?")
print("answer:", result.final_output)

# Cell 2: stream it; the run lives inside the `async with` block.
agent = Agent(name="Tutor", model=ScriptedModel(["Twice a day, roughly."]))
async with open_run(agent, "How often?") as stream:
    async for event in stream:
        if event.type == "raw_response_event" and isinstance(event.data, ResponseTextDeltaEvent):
            print(event.data.delta, end="")

print()

# Cell 3: run_sync would start a second event loop inside this one: it says what to do instead.
try:
    Runner.run_sync(agent, "hi")
except UserError as exc:
    print("run_sync:", exc)

print("every cell ran")
