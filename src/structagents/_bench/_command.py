"""`structagents bench`: its options, and running the chosen workloads on the installed
backends into a table, a JSON record and a plot."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
from functools import partial
from pathlib import Path

from .._tools import FunctionTool, function_tool
from ._report import check_targets, json_record
from ._results import COMMAND_WORKLOADS, FULL, QUICK, Result
from ._terminal import print_tables, run_steps
from ._workloads import run_ours

__all__ = ["add_arguments", "load_tool", "main"]

REPOSITORY_BENCHMARKS = "https://github.com/structagents/structagents/tree/main/benchmarks"


def reference_hint() -> str:
    """Where the ratios against the reference SDK come from: in a source checkout, the
    command to run; from a wheel, the repository's benchmarks folder."""
    if Path("benchmarks", "run.py").is_file():
        return (
            "Ratios against openai-agents 0.24.0: python benchmarks/run.py "
            "(after pip install -e '.[bench]')."
        )
    return (
        "Ratios against openai-agents 0.24.0 are measured by the repository's benchmarks: "
        + REPOSITORY_BENCHMARKS
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `bench` subcommand's options."""
    parser.add_argument(
        "--workload",
        action="append",
        choices=COMMAND_WORKLOADS,
        help="a workload to run (repeatable; default: all)",
    )
    parser.add_argument(
        "--backend",
        choices=("asyncio", "trio", "both"),
        default="both",
        help="event loop(s) to measure; 'both' (default) runs those installed",
    )
    parser.add_argument(
        "--tool",
        metavar="MODULE:FUNCTION",
        help="benchmark your own tool in the parallel-tools workload (called with no arguments)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the results as JSON (machine, sizes, results, targets) instead of tables",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.png",
        help="also draw tools/s vs N and ms/turn vs T into FILE.png (needs matplotlib)",
    )


def load_tool(spec: str) -> FunctionTool:
    """`module:function` -> a tool the parallel-tools workload can call with no arguments."""
    from .._function_schema import function_schema
    from ..exceptions import UserError

    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise UserError(f"--tool wants module:function, not {spec!r}.")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # like `python -m`: find the user's modules
    target = getattr(importlib.import_module(module_name), name)
    if isinstance(target, FunctionTool):
        return target
    fields = function_schema(target).params_pydantic_model.model_fields
    required = [field for field, info in fields.items() if info.is_required()]
    if required:
        raise UserError(
            f"--tool {spec}: the tool is called with no arguments, so its parameters need "
            f"defaults ({', '.join(required)} have none)."
        )
    return function_tool(target)


def main(args: argparse.Namespace) -> int:
    """`structagents bench`: our side of the workloads, then the tables (or JSON) and plot."""
    from .._backends import missing_backend
    from ..exceptions import UserError

    sizes = QUICK if args.quick else FULL
    if args.plot is not None and importlib.util.find_spec("matplotlib") is None:
        return _fail("--plot needs matplotlib, which is not installed (pip install matplotlib)")
    try:
        tool = load_tool(args.tool) if args.tool else None
    except (UserError, ImportError, AttributeError) as exc:
        return _fail(str(exc))
    backends: tuple[str, ...] = ("asyncio", "trio") if args.backend == "both" else (args.backend,)
    if skipped := {b: problem for b in backends if (problem := missing_backend(b))}:
        for backend, problem in skipped.items():
            print(f"structagents bench: skipping {backend}: {problem}", file=sys.stderr)
        if args.backend != "both":
            return 2
        backends = tuple(b for b in backends if b not in skipped)
    workloads = args.workload or list(COMMAND_WORKLOADS)
    plan = [(w, b) for w in workloads for b in backends]
    steps = [(f"{w} on {b}", partial(run_ours, w, b, sizes, tool)) for w, b in plan]
    columns: dict[str, list[Result]] = {}
    for (_, backend), results in zip(plan, run_steps(steps), strict=True):
        columns.setdefault(f"structagents/{backend}", []).extend(results)
    if args.json:
        print(json.dumps(json_record(columns, sizes), indent=2))
    else:
        print_tables(columns, check_targets(columns, sizes))
        if args.quick:
            print("--quick: small sizes, so the targets are graded on noisy numbers.")
        print(reference_hint())
    if args.plot is not None:
        from ._plot import plot

        print(plot(columns, args.plot), file=sys.stderr if args.json else sys.stdout)
    return 0


def _fail(problem: str) -> int:
    print(f"structagents bench: {problem}", file=sys.stderr)
    return 2
