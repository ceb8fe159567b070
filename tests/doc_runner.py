"""Runs the documentation's python blocks: `python tests/doc_runner.py RESULTS.json [FILE.md...]`.

Without files it runs README.md and docs/**/*.md. Each block runs in a child forked from this
process (so the heavy imports happen once and no block sees another's state), in an empty
temporary directory, without `OPENAI_API_KEY`, under a time limit:

- a complete program runs as `__main__`; `anyio.run` is made to use the backend under test,
  and a program that called it runs again on trio;
- a fragment runs inside an event loop on asyncio and on trio (top-level `await` and
  `async with` allowed), after its context's set-up and before its context's checks.

RESULTS.json gets one entry per block and backend: `{"id", "backend", "ok", "error", "output"}`.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.doc_blocks import Block, all_blocks, blocks_in  # noqa: E402
from tests.doc_contexts import CONTEXTS  # noqa: E402

TIME_LIMIT = 60  # seconds per block and backend
BACKENDS = ("asyncio", "trio")


def _compile(block: Block, *, top_level_await: bool) -> Any:
    """The block's code object, with line numbers (and so tracebacks) of the Markdown file."""
    source = "\n" * (block.line - 1) + block.code
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if top_level_await else 0
    return compile(source, str(ROOT / block.path), "exec", flags=flags, dont_inherit=True)


def _run_program(block: Block, backend: str) -> bool:
    """Runs a complete program; returns whether it called `anyio.run`."""
    import anyio

    real_run = anyio.run
    called: list[bool] = []

    def run_on_backend(func: Any, *args: Any, backend_options: Any = None, **_: Any) -> Any:
        called.append(True)
        return real_run(func, *args, backend=backend)

    anyio.run = run_on_backend  # type: ignore[assignment]
    code = _compile(block, top_level_await=False)
    exec(code, {"__name__": "__main__", "__file__": str(Path.cwd() / "program.py")})
    return bool(called)


def _run_fragment(block: Block, backend: str) -> None:
    import anyio

    assert block.context is not None
    context = CONTEXTS[block.context]
    code = _compile(block, top_level_await=True)

    async def main() -> None:
        namespace: dict[str, Any] = {"__name__": "__main__"}
        async with contextlib.AsyncExitStack() as stack:
            steps = context.function(namespace, stack)
            await steps.__anext__()
            result = eval(code, namespace)
            if inspect.iscoroutine(result):
                await result
            with contextlib.suppress(StopAsyncIteration):
                await steps.__anext__()
                raise AssertionError(f"context {block.context!r} must yield exactly once")

    anyio.run(main, backend=backend)


def _child(block: Block, backend: str, result_path: Path) -> None:
    """In the forked child: run one block, write its outcome, exit."""
    outcome: dict[str, Any] = {"ok": True, "error": "", "called_anyio_run": False}
    try:
        signal.alarm(TIME_LIMIT)
        if block.context is None:
            outcome["called_anyio_run"] = _run_program(block, backend)
        else:
            _run_fragment(block, backend)
    except BaseException:
        outcome = {"ok": False, "error": traceback.format_exc(), "called_anyio_run": True}
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        result_path.write_text(json.dumps(outcome))
        os._exit(0)


def run_block(block: Block, backend: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="docblock-") as tmp:
        workdir = Path(tmp)
        result_path = workdir / ".outcome.json"
        output_path = workdir / ".output.txt"
        sys.stdout.flush()
        sys.stderr.flush()
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # the child
            os.chdir(workdir)
            fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            _child(block, backend, result_path)
        _, status = os.waitpid(pid, 0)
        seconds = round(time.perf_counter() - started, 3)
        output = output_path.read_text(errors="replace") if output_path.exists() else ""
        if result_path.exists():
            outcome = json.loads(result_path.read_text())
        elif os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
            outcome = {"ok": False, "error": f"still running after {TIME_LIMIT} s"}
        else:
            outcome = {"ok": False, "error": f"the block's process ended with status {status}"}
    return {
        "id": block.id,
        "backend": backend,
        "seconds": seconds,
        "output": output[-4000:],
        **outcome,
    }


def run_all(blocks: list[Block]) -> list[dict[str, Any]]:
    results = []
    seen: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for block in blocks:
        same = seen.get((block.code, block.context))
        if same is not None:  # the same code in the same context (a page quoting another)
            results += [{**outcome, "id": block.id} for outcome in same]
            continue
        runs = seen[(block.code, block.context)] = []
        backends = BACKENDS if block.context is None else CONTEXTS[block.context].backends
        for backend in backends:
            outcome = run_block(block, backend)
            runs.append(outcome)
            if block.context is None and not outcome.pop("called_anyio_run", False):
                break  # a program that never starts an event loop runs once
            outcome.pop("called_anyio_run", None)
        results += runs
    return results


def main(argv: list[str]) -> int:
    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.pop("OPENAI_BASE_URL", None)
    # Imported here, once, so that every forked child starts with them loaded.
    import anyio  # noqa: F401
    import openai  # noqa: F401
    import trio  # noqa: F401

    import structagents.testing  # noqa: F401

    out, *files = argv
    blocks = [b for f in files for b in blocks_in(Path(f).resolve())] if files else all_blocks()
    unknown = sorted({b.context for b in blocks if b.context and b.context not in CONTEXTS})
    if unknown:
        raise SystemExit(
            f"unknown fragment contexts {unknown}; define them in tests/doc_contexts.py"
        )
    Path(out).write_text(json.dumps(run_all(blocks), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
