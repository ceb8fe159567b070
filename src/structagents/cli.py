"""The `structagents` command line."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `structagents` command."""
    parser = argparse.ArgumentParser(prog="structagents", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run an example agent end to end (no network)")
    demo.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    demo.add_argument("--input", default="Plan a weekend in Lisbon on a 250 USD budget.")
    args = parser.parse_args(argv)
    return _demo(args.backend, args.input)


def _demo(backend: str, text: str) -> int:
    from functools import partial

    import anyio

    from . import InputGuardrailTripwireTriggered
    from ._demo import build_demo_agent, stream_demo

    def write(chunk: str) -> None:
        sys.stdout.write(chunk)
        sys.stdout.flush()

    print(f"structagents demo on {backend} (scripted model, no network)")
    print(f"user: {text}")
    started = time.perf_counter()
    try:
        result = anyio.run(partial(stream_demo, build_demo_agent(), text, write), backend=backend)
    except InputGuardrailTripwireTriggered as exc:
        print(f"guardrail {exc.guardrail_result.guardrail.get_name()!r} stopped the run")
        return 1
    elapsed = time.perf_counter() - started
    print(
        f"({len(result.new_items)} items, {result.usage.requests} model calls, "
        f"{elapsed:.2f}s: the two 0.2s tools ran concurrently)"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
