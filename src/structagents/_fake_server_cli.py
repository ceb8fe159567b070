"""`structagents fake-server`: a `FakeOpenAIServer` in its own process, for testing an app
that reads `OPENAI_BASE_URL`, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .testing._fake_openai import ServerStep

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `fake-server` subcommand's options."""
    parser.add_argument(
        "--port", type=int, default=0, help="loopback port to listen on (default: a free one)"
    )
    parser.add_argument(
        "--script",
        type=Path,
        metavar="FILE",
        help="replies to send, in order, from a JSON file (or YAML with PyYAML installed); "
        "without it, every reply echoes the request's last user message",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="answer 500 once the script is used up, instead of echoing",
    )
    parser.add_argument(
        "--backend", choices=("asyncio", "trio"), default="asyncio", help="event loop to run on"
    )


def main(args: argparse.Namespace) -> int:
    """Serve until interrupted; 2 on a bad script, a busy port or a missing backend."""
    import anyio

    from ._backends import missing_backend
    from .testing._script_file import ScriptFileError, load_script_file

    if problem := missing_backend(args.backend):
        return _fail(problem)
    try:
        steps = load_script_file(args.script) if args.script else []
    except ScriptFileError as exc:
        return _fail(str(exc))
    try:
        anyio.run(_serve, steps, args, backend=args.backend)
    except OSError as exc:
        return _fail(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")
    except KeyboardInterrupt:  # where signal receivers are not supported (Windows)
        pass
    return 0


async def _serve(steps: Sequence[ServerStep], args: argparse.Namespace) -> None:
    import anyio

    from .testing import FakeOpenAIServer

    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        server = FakeOpenAIServer(steps, port=args.port, echo=not args.strict)
        async with server:
            replies = f"{len(steps)} scripted replies" if args.script else "no script"
            then = "then 500" if args.strict else "then echoes the last user message"
            print(f"FakeOpenAIServer on {server.base_url} ({replies}, {then})")
            print(f"export OPENAI_BASE_URL={server.base_url}", flush=True)
            async for signum in signals:
                name = signal.Signals(signum).name
                print(f"stopped by {name} after {len(server.requests)} requests", flush=True)
                return


def _fail(problem: str) -> int:
    print(f"structagents fake-server: {problem}", file=sys.stderr)
    return 2
