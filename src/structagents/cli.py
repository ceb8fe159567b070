"""The `structagents` command line."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._result import RunResult
    from .models.provider import OpenAIProvider

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `structagents` command."""
    args = build_parser().parse_args(argv)
    if args.command == "bench":
        from ._bench import main as run_bench

        return run_bench(args)
    if args.command == "fake-server":
        from ._fake_server_cli import main as run_fake_server

        return run_fake_server(args)
    return _demo(args)


def build_parser() -> argparse.ArgumentParser:
    """The command line's options, each with its `--help` text."""
    from . import __version__

    parser = argparse.ArgumentParser(prog="structagents", description=__doc__)
    parser.add_argument(
        "--version",
        action="version",
        version=f"structagents {__version__}",
        help="print the version and exit",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="stream an example run (tools, a handoff, a guardrail) over the OpenAI Responses API",
        description="Without OPENAI_API_KEY or --base-url, the API is a local fake server "
        "(no network, no key). With either, the demo calls the real API.",
    )
    demo.add_argument(
        "--backend", choices=("asyncio", "trio"), default="asyncio", help="event loop to run on"
    )
    demo.add_argument(
        "--input",
        default="Plan a weekend in Lisbon on a 250 USD budget.",
        help="what the user asks (the scripted model knows Paris and Lisbon; 'homework' trips "
        "the guardrail)",
    )
    demo.add_argument(
        "--offline",
        action="store_true",
        help="use the built-in fake server even when OPENAI_API_KEY or --base-url is set",
    )
    demo.add_argument("--base-url", help="an OpenAI-compatible API, e.g. http://localhost:11434/v1")
    demo.add_argument("--model", help="model name for the real API (default: gpt-4.1)")
    demo.add_argument(
        "--api",
        choices=("responses", "chat"),
        default="responses",
        help="the real API's flavour: Responses (default) or Chat Completions",
    )
    bench = commands.add_parser(
        "bench",
        help="benchmark the runtime (parallel tools, turns, cancellation, many runs, import, "
        "a turn over HTTP)",
        description="Our side of the benchmarks, on an in-process fake model (over_http: "
        "through the openai client to a fake server in its own process). The source "
        "repository's benchmarks/ measures openai-agents 0.24.0 side by side.",
    )
    from ._bench import add_arguments

    add_arguments(bench)
    fake_server = commands.add_parser(
        "fake-server",
        help="serve FakeOpenAIServer on loopback, for apps that read OPENAI_BASE_URL",
        description="A fake OpenAI API (Responses and Chat Completions, JSON and streaming) "
        "on 127.0.0.1, scripted from a file or echoing; stop it with Ctrl-C or SIGTERM.",
    )
    from ._fake_server_cli import add_arguments as add_fake_server_arguments

    add_fake_server_arguments(fake_server)
    return parser


def _demo(args: argparse.Namespace) -> int:
    import anyio

    from . import InputGuardrailTripwireTriggered, ModelProviderError, UserError
    from ._backends import missing_backend

    if problem := missing_backend(args.backend):
        print(f"structagents demo: {problem}", file=sys.stderr)
        return 2

    real = not args.offline and bool(args.base_url or os.environ.get("OPENAI_API_KEY"))
    if real:
        api = "Chat Completions API" if args.api == "chat" else "Responses API"
        where = args.base_url or "the OpenAI API (OPENAI_API_KEY)"
    else:
        api, where = "Responses API", "a local fake OpenAI server (scripted model, offline)"
    print(f"structagents demo on {args.backend}, {api} via {where}")
    print(f"user: {args.input}")
    started = time.perf_counter()
    try:
        result = anyio.run(partial(_run_demo, args, real), backend=args.backend)
    except InputGuardrailTripwireTriggered as exc:
        name = exc.guardrail_result.guardrail.get_name()
        print(f"guardrail {name!r} stopped the run (no tool had started)")
        return 1
    except (ModelProviderError, UserError) as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    tokens = f", {result.usage.total_tokens} tokens" if result.usage.total_tokens else ""
    usage = f"{len(result.new_items)} items, {result.usage.requests} model calls{tokens}"
    print(f"({usage}, {elapsed:.2f}s)")
    return 0


async def _run_demo(args: argparse.Namespace, real: bool) -> RunResult:
    from . import OpenAIProvider
    from ._demo import DEMO_SCRIPT
    from .testing import FakeOpenAIServer

    if real:
        key = os.environ.get("OPENAI_API_KEY") or "unused"
        provider = OpenAIProvider(
            base_url=args.base_url, api_key=key, use_responses=args.api == "responses"
        )
        return await _stream_with(provider, args.model, args.input)
    async with FakeOpenAIServer(steps=DEMO_SCRIPT) as server:
        provider = OpenAIProvider(base_url=server.base_url, api_key="fake-key")
        return await _stream_with(provider, "gpt-4.1", args.input)


async def _stream_with(provider: OpenAIProvider, model_name: str | None, text: str) -> RunResult:
    from ._demo import build_demo_agent, stream_demo

    def write(chunk: str) -> None:
        sys.stdout.write(chunk)
        sys.stdout.flush()

    try:
        return await stream_demo(build_demo_agent(provider.get_model(model_name)), text, write)
    finally:
        await provider.aclose()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
