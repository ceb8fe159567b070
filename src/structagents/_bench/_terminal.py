"""What `structagents bench` shows in a terminal: a progress bar while it measures, then
aligned tables (rich, imported only here, so `import structagents` never pays for it)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from ._report import VERDICTS, Columns, Target, table_cells

__all__ = ["print_tables", "run_steps"]

T = TypeVar("T")
_STYLES = {True: "green", False: "bold red", None: "dim"}


def run_steps(steps: Sequence[tuple[str, Callable[[], T]]]) -> list[T]:
    """Run `steps` in order: a progress bar on stderr in a terminal, else one line per step."""
    if not (sys.stdout.isatty() and sys.stderr.isatty()):
        results = []
        for number, (what, step) in enumerate(steps, 1):
            print(f"[{number}/{len(steps)}] {what}", file=sys.stderr, flush=True)
            results.append(step())
        return results
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    # No auto-refresh: a refresh thread would take the GIL in the middle of measurements.
    with Progress(
        *columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True,
        auto_refresh=False,
    ) as progress:  # fmt: skip
        task = progress.add_task("benchmarks", total=len(steps))
        results = []
        for what, step in steps:
            progress.update(task, description=what, refresh=True)
            results.append(step())
            progress.advance(task)
        progress.refresh()
        return results


def print_tables(columns: Columns, targets: Sequence[Target]) -> None:
    """The results, then the targets, as aligned tables on stdout (plain text when piped)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
    header, rows = table_cells(columns)
    results = Table(box=box.SIMPLE_HEAD)
    results.add_column(header[0])
    for name in header[1:]:
        results.add_column(name, justify="right")
    for cells in rows:
        results.add_row(*cells)
    console.print(results)
    if targets:
        graded = Table("target", "measured", "result", box=box.SIMPLE_HEAD)
        for target in targets:
            verdict = f"[{_STYLES[target.passed]}]{VERDICTS[target.passed]}[/]"
            graded.add_row(target.name, target.measured, verdict)
        console.print(graded)
