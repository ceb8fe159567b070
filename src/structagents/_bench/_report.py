"""The benchmark report: a Markdown table with ours ÷ reference ratios (for files), the
speed targets graded, and the JSON record."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ._measure import machine
from ._results import OURS_ASYNCIO, OURS_TRIO, REFERENCE, Result, Sizes

__all__ = [
    "Columns",
    "VERDICTS",
    "Target",
    "check_targets",
    "format_value",
    "json_record",
    "render_table",
    "render_targets",
    "table_cells",
    "value_of",
]

Columns = Mapping[str, Sequence[Result]]


def value_of(columns: Columns, column: str, key: str) -> float | None:
    return next((r.value for r in columns.get(column, ()) if r.key == key), None)


def format_value(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1000 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.3g}"


def table_cells(columns: Columns) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the results table: one row per measurement, one column per
    framework/backend, and ours ÷ reference ratios when the reference column is there."""
    names = [c for c in (OURS_ASYNCIO, OURS_TRIO, REFERENCE) if c in columns]
    ours = [c for c in names if c != REFERENCE] if REFERENCE in columns else []
    rows: dict[str, Result] = {}
    for column in names:
        for result in columns[column]:
            rows.setdefault(result.key, result)
    header = ["measurement", *names, *(f"{c.split('/')[1]} ÷ ref" for c in ours)]
    lines = []
    for key, row in rows.items():
        cells = [key, *(format_value(value_of(columns, c, key)) for c in names)]
        ref = value_of(columns, REFERENCE, key)
        for column in ours:
            mine = value_of(columns, column, key)
            cells.append(f"{mine / ref:.2f}x" if row.compare and mine is not None and ref else "—")
        lines.append(cells)
    return header, lines


def render_table(columns: Columns) -> str:
    """The results table in Markdown (see `table_cells`)."""
    header, rows = table_cells(columns)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    """One of the issue's speed targets; `passed` is None when it could not be checked."""

    name: str
    measured: str
    passed: bool | None


def check_targets(columns: Columns, sizes: Sizes) -> list[Target]:
    """Grade the targets whose measurements are in `columns`."""
    targets: list[Target] = []
    ours = [c for c in (OURS_ASYNCIO, OURS_TRIO) if c in columns]

    def versus_reference(
        column: str, key: str, name: str, lowest: float = 0.0, highest: float = math.inf
    ) -> None:
        mine, ref = value_of(columns, column, key), value_of(columns, REFERENCE, key)
        if mine is None or REFERENCE not in columns:
            return
        if ref is None:
            targets.append(Target(name, "no reference measurement", None))
            return
        measured = f"{mine / ref:.2f}x ({format_value(mine)} vs {format_value(ref)})"
        targets.append(Target(name, measured, lowest <= mine / ref <= highest))

    for column in ours:
        backend = column.split("/")[1]
        factor, n = (20 if backend == "asyncio" else 10), sizes.target_n
        versus_reference(
            column,
            f"parallel no-op tools, N={n} (tools/s)",
            f"no-op tools/s at N={n} on {backend} ≥ {factor}x reference",
            lowest=factor,
        )
        versus_reference(
            column,
            f"{sizes.runs} concurrent runs: peak memory per run (KiB)",
            f"memory per concurrent run on {backend} ≤ 0.5x reference",
            highest=0.5,
        )
        first, last = sizes.turns[0], sizes.turns[-1]
        flat = value_of(columns, column, f"turn overhead T={last} / T={first} (x)")
        if flat is not None:
            targets.append(
                Target(
                    f"ms/turn at T={last} ≤ 1.5x T={first} on {backend}",
                    f"{flat:.2f}x",
                    flat <= 1.5,
                )
            )
        for kind in ("cancel", "tripwire"):
            left = value_of(columns, column, f"{kind}: tools still running after (tools)")
            if left is not None:
                targets.append(
                    Target(f"0 tools running after {kind} on {backend}", f"{left:.0f}", left == 0)
                )
    seconds = next(
        (v for c in ours if (v := value_of(columns, c, "import the package (s)")) is not None), None
    )
    if seconds is not None:
        targets.append(Target("import structagents ≤ 0.45 s", f"{seconds:.3f} s", seconds <= 0.45))
    return targets


VERDICTS = {True: "PASS", False: "MISS", None: "n/a"}


def render_targets(targets: Sequence[Target]) -> str:
    lines = ["| target | measured | result |", "|---|---|---|"]
    lines += [f"| {t.name} | {t.measured} | {VERDICTS[t.passed]} |" for t in targets]
    return "\n".join(lines)


def json_record(columns: Columns, sizes: Sizes) -> dict[str, Any]:
    """Everything measured, as JSON-ready data: machine, sizes, results, targets."""
    return {
        "machine": machine(),
        "sizes": asdict(sizes),
        "results": {c: [asdict(r) for r in rs] for c, rs in columns.items()},
        "targets": [asdict(t) for t in check_targets(columns, sizes)],
    }
