"""A multi-turn chat remembered in a SQLite file, with a correction.

Run it: python examples/chat.py [path/to/chat.db]  (add --trio to run on trio)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio

from structagents import Agent, Runner, SQLiteSession
from structagents.testing import ModelCall, ModelStep, ScriptedModel, assistant_message


def remembering_model() -> ScriptedModel:
    """A stand-in model that answers from the conversation it is sent."""

    def answer(call: ModelCall) -> ModelStep:
        said = [item["content"] for item in call.input if item.get("role") == "user"]
        names = [s.split()[-1].rstrip(".") for s in said if s.startswith("I am")]
        name = names[-1] if names else "stranger"
        return ModelStep(output=[assistant_message(f"Hello {name}, message {len(said)} noted.")])

    return ScriptedModel([ModelStep.respond(answer) for _ in range(4)])


async def main(db_path: str | None = None) -> dict[str, Any]:
    path = Path(db_path or Path(tempfile.mkdtemp()) / "chat.db")
    agent = Agent(name="Assistant", instructions="Be friendly.", model=remembering_model())
    replies = []
    async with SQLiteSession("user-42", path) as session:
        for text in ["I am Ada.", "Do you remember me?", "I am Grace."]:
            result = await Runner.run(agent, text, session=session)
            replies.append(result.final_output)
            print(f"user: {text}\nassistant: {result.final_output}")
        # Take the last exchange back and ask again.
        await session.pop_item()
        await session.pop_item()
        result = await Runner.run(agent, "Still me.", session=session)
        replies.append(result.final_output)
        print(f"user (after correction): Still me.\nassistant: {result.final_output}")
        stored = await session.get_items()
    print(f"{len(stored)} items stored in {path}")
    return {"replies": replies, "stored": len(stored)}


if __name__ == "__main__":
    args = [arg for arg in sys.argv[1:] if arg != "--trio"]
    backend = "trio" if "--trio" in sys.argv else "asyncio"
    anyio.run(main, args[0] if args else None, backend=backend)
