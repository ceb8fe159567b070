"""The over-HTTP workload: one run of N parallel tools, then an answer, through
`OpenAIResponsesModel` and the `openai` client over loopback to `structagents fake-server`
in its own process; next to it, a plain httpx client posting the same two requests (the
"server only" baseline: the server and the transport, no runtime)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import anyio

from .._agent import Agent
from .._runner import Runner
from .._tools import Tool, function_tool
from ._results import Result, Sizes
from ._workloads import noop

__all__ = ["over_http"]

_NOOP = function_tool(noop)
_NOOP_SPEC = {  # what the runtime sends for `_NOOP`, so both sides post the same bodies
    "type": "function",
    "name": _NOOP.name,
    "description": _NOOP.description,
    "parameters": _NOOP.params_json_schema,
    "strict": _NOOP.strict_json_schema,
}


def over_http(sizes: Sizes, backend: str) -> list[Result]:
    """Best time of `sizes.http_repeat` runs (after a warm-up) for both sides, and the ratio."""
    n, repeat = sizes.http_tools, sizes.http_repeat
    turn = [{"tool_calls": [{"name": "noop", "call_id": f"call_{i}"} for i in range(n)]}, "done"]
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "script.json"
        script.write_text(json.dumps(turn * 2 * (repeat + 1)))  # both sides: warm-up + repeat
        server_only, run = anyio.run(_measure, script, n, repeat, backend=backend)
    label = f"HTTP turn of {n} parallel tools"
    return [
        Result(f"{label}: server only", "ms", server_only * 1e3),
        Result(f"{label}: run", "ms", run * 1e3),
        Result(f"{label}: run ÷ server only", "x", run / server_only, compare=False),
    ]


async def _measure(script: Path, n: int, repeat: int) -> tuple[float, float]:
    import httpx
    from openai import AsyncOpenAI

    from ..models.openai_responses import OpenAIResponsesModel

    async with _fake_server(script) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            server_only = await _best(partial(_plain_turn, http, n), repeat)
        async with AsyncOpenAI(base_url=base_url, api_key="bench", max_retries=0) as client:
            tools: list[Tool] = [_NOOP]
            agent = Agent(name="bench", model=OpenAIResponsesModel("bench", client), tools=tools)
            run = await _best(partial(_agent_turn, agent), repeat)
    return server_only, run


async def _best(turn: Callable[[], Awaitable[None]], repeat: int) -> float:
    await turn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        await turn()
        best = min(best, time.perf_counter() - started)
    return best


async def _plain_turn(http: Any, n: int) -> None:
    items: list[dict[str, Any]] = [{"role": "user", "content": "go"}]
    reply = await _post(http, items)
    calls = [item for item in reply["output"] if item["type"] == "function_call"]
    assert len(calls) == n, reply
    outputs = [
        {"type": "function_call_output", "call_id": c["call_id"], "output": "ok"} for c in calls
    ]
    final = await _post(http, [*items, *reply["output"], *outputs])
    assert final["output"][0]["type"] == "message", final


async def _post(http: Any, items: list[dict[str, Any]]) -> Any:
    body = {"model": "bench", "input": items, "tools": [_NOOP_SPEC]}
    return (await http.post("/responses", json=body)).raise_for_status().json()


async def _agent_turn(agent: Agent[Any]) -> None:
    result = await Runner.run(agent, "go")
    assert result.final_output == "done", result.final_output


@asynccontextmanager
async def _fake_server(script: Path) -> AsyncIterator[str]:
    """`structagents fake-server --script <script> --strict` in a child process: its URL."""
    command = [sys.executable, "-m", "structagents.cli", "fake-server"]
    process = await anyio.open_process([*command, "--script", str(script), "--strict"])
    try:
        assert process.stdout is not None
        banner = b""
        with anyio.fail_after(30):
            while b"\n" not in banner:
                banner += await process.stdout.receive()
        line = banner.decode().splitlines()[0]
        if not line.startswith("FakeOpenAIServer on "):
            raise RuntimeError(f"the benchmark's fake server did not start: {line}")
        yield line.split()[2]
    finally:
        process.terminate()
        with anyio.CancelScope(shield=True), anyio.move_on_after(10):
            await process.wait()
        await process.aclose()
