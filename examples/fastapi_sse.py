"""A FastAPI endpoint that streams a run as server-sent events; a client that goes away
(a closed browser tab, a dropped connection) cancels the run and the tools it started.

Run it: pip install 'structagents[examples]'; python examples/fastapi_sse.py
then:   curl -N 'http://127.0.0.1:8000/research?topic=tides'   (Ctrl-C within 5 s stops the run)

The scripted model makes it run offline; give the agent a model name to use OpenAI.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
from fastapi import FastAPI
from openai.types.responses import ResponseTextDeltaEvent
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from structagents import Agent, RawResponsesStreamEvent, RunItemStreamEvent, function_tool, open_run
from structagents.testing import ScriptedModel, function_call

log = logging.getLogger("research")
search_seconds = 5.0


@function_tool
async def deep_search(topic: str) -> str:
    """Search the archives for a topic (slow).

    Args:
        topic: What to search for.
    """
    log.info("deep_search(%r) started", topic)
    try:
        await anyio.sleep(search_seconds)  # stands for a long crawl
    except anyio.get_cancelled_exc_class():
        log.info("deep_search(%r) cancelled", topic)
        raise
    return f"Three papers on {topic}."


def research_agent(topic: str) -> Agent[Any]:
    model = ScriptedModel(
        [
            [function_call("deep_search", {"topic": topic}, call_id="s1")],
            f"Here is what the archives say about {topic}.",
        ]
    )
    return Agent(name="Researcher", model=model, tools=[deep_search])


def sse(event: str, data: Any) -> bytes:
    """One server-sent event."""
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


class RunEvents(Response):
    """Streams one run as `text/event-stream`, and cancels it when the client disconnects.

    The run and the disconnect watch live in one task group inside the response, so the run
    never outlives the request (an async generator yielding from inside the run could not
    guarantee that)."""

    media_type = "text/event-stream"

    def __init__(self, agent: Agent[Any], input: str) -> None:
        super().__init__()
        self.agent, self.input = agent, input

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._cancel_on_disconnect, receive, tg.cancel_scope)
            try:
                await self._stream(send)
            except anyio.get_cancelled_exc_class():
                log.info("run for %r cancelled: the client disconnected", self.input)
                raise
            tg.cancel_scope.cancel()  # done: stop watching

    async def _stream(self, send: Send) -> None:
        headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        async with open_run(self.agent, self.input) as run:
            async for event in run:
                if isinstance(event, RawResponsesStreamEvent) and isinstance(
                    event.data, ResponseTextDeltaEvent
                ):
                    chunk = sse("delta", event.data.delta)
                elif isinstance(event, RunItemStreamEvent):
                    chunk = sse(event.name, event.item.type)
                else:
                    continue
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        final = sse("done", run.result.final_output)
        await send({"type": "http.response.body", "body": final, "more_body": False})
        log.info("run for %r completed", self.input)

    @staticmethod
    async def _cancel_on_disconnect(receive: Receive, scope: anyio.CancelScope) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        scope.cancel()


app = FastAPI()


@app.get("/research")
async def research(topic: str) -> Response:
    return RunEvents(research_agent(topic), f"Research {topic}.")


if __name__ == "__main__":
    import uvicorn

    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host="127.0.0.1", port=8000)
