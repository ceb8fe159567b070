"""Side-by-side benchmarks: structagents on asyncio and on trio, and the reference SDK
(openai-agents) on asyncio, in one process, with the same in-process fake model.

    python benchmarks/run.py [--quick] [--workload NAME ...] [--output DIR]

Prints a Markdown table with ours ÷ reference ratios and the targets (PASS/MISS). A full run
of every workload writes results.json, results.md and plot.png to benchmarks/results/
(or to --output, which also records --quick and partial runs). Without openai-agents
installed (pip install 'structagents[bench]') the reference is reported as missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from types import ModuleType

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import cancellation, import_time, many_runs, parallel_tools, turn_overhead
from structagents._bench import (
    FULL,
    OURS_ASYNCIO,
    OURS_TRIO,
    QUICK,
    REFERENCE,
    WORKLOADS,
    Result,
    Sizes,
    check_targets,
    json_record,
    machine,
    plot,
    render_table,
    render_targets,
    run_steps,
)

MODULES: dict[str, ModuleType] = {
    "parallel_tools": parallel_tools,
    "turn_overhead": turn_overhead,
    "cancellation": cancellation,
    "many_runs": many_runs,
    "import_time": import_time,
}
RESULTS = Path(__file__).resolve().parent / "results"


def sides(sizes: Sizes, with_reference: bool) -> dict[str, Callable[[ModuleType], list[Result]]]:
    """Column name -> how to run a workload module for it."""
    columns: dict[str, Callable[[ModuleType], list[Result]]] = {
        OURS_ASYNCIO: lambda module: module.ours("asyncio", sizes),
        OURS_TRIO: lambda module: module.ours("trio", sizes),
    }
    if with_reference:
        columns[REFERENCE] = lambda module: module.reference(sizes)
    return columns


def report(columns: dict[str, list[Result]], sizes: Sizes, has_reference: bool) -> str:
    """The Markdown report: machine and versions, results, targets."""
    info = machine()
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {info.pop('cpu')}; {info.pop('os')}.",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in info.items()) + ".",
        "",
        render_table(columns),
    ]
    if targets := check_targets(columns, sizes):
        lines += ["", render_targets(targets)]
    if not has_reference:
        lines += ["", "openai-agents is missing (pip install 'structagents[bench]'): no ratios."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--workload", action="append", choices=WORKLOADS, help="repeatable")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--output", type=Path, help=f"where to write results (default {RESULTS})")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    workloads = args.workload or list(WORKLOADS)
    has_reference = importlib.util.find_spec("agents") is not None
    if not has_reference:
        print("openai-agents is not installed: reporting our side only.", file=sys.stderr)

    plan = [
        (w, column, run) for w in workloads for column, run in sides(sizes, has_reference).items()
    ]
    steps = [(f"{w} on {column}", partial(run, MODULES[w])) for w, column, run in plan]
    columns: dict[str, list[Result]] = {}
    for (_, column, _), results in zip(plan, run_steps(steps), strict=True):
        columns.setdefault(column, []).extend(results)
    text = report(columns, sizes, has_reference)
    print(text)

    output = args.output or (RESULTS if not args.quick and not args.workload else None)
    if output is None:
        print("(quick or partial run: nothing written; pass --output DIR to keep it)")
        return 0
    output.mkdir(parents=True, exist_ok=True)
    record = json_record(columns, sizes)
    (output / "results.json").write_text(json.dumps(record, indent=2) + "\n")
    (output / "results.md").write_text(text)
    print(f"results written to {output}/results.json and results.md")
    print(plot(columns, output / "plot.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
