"""Structural rules of the package that a reader of the docs relies on."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "structagents"

# Calls that start work outside a task group (asyncio-only, or a thread of its own).
FORBIDDEN = {"create_task", "ensure_future", "run_in_executor", "get_event_loop", "call_soon"}
# The one thread that is not a run's: the export worker of a BatchTraceProcessor you register.
THREADS_ALLOWED_IN = {"tracing/processors.py"}


def background_calls(source: str, rel: str) -> list[str]:
    """`file:line: name(...)` for each call in `source` that would start background work."""
    found = []
    for node in ast.walk(ast.parse(source, rel)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in FORBIDDEN or (name == "Thread" and rel not in THREADS_ALLOWED_IN):
                found.append(f"{rel}:{node.lineno}: {name}(...)")
    return found


def test_the_package_starts_no_background_task() -> None:
    found = [
        call
        for path in sorted(SRC.rglob("*.py"))
        for call in background_calls(path.read_text(), path.relative_to(SRC).as_posix())
    ]
    assert found == []


def test_the_rule_catches_background_work() -> None:
    source = (
        "import asyncio, threading\n"
        "asyncio.get_running_loop().create_task(work())\n"
        "threading.Thread(target=work).start()\n"
        "ensure_future(work())\n"
    )
    assert sorted(background_calls(source, "x.py")) == [
        "x.py:2: create_task(...)",
        "x.py:3: Thread(...)",
        "x.py:4: ensure_future(...)",
    ]
