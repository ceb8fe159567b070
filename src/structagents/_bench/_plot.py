"""`--plot`: tools/s vs N and ms/turn vs T, one line per column (matplotlib, optional)."""

from __future__ import annotations

import re
from pathlib import Path

from ._report import Columns

__all__ = ["plot"]


def plot(columns: Columns, path: Path) -> str:
    """tools/s vs N and ms/turn vs T, one line per column; says what it did."""
    try:
        import matplotlib  # type: ignore[import-not-found, unused-ignore]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return "matplotlib is not installed: no plot (pip install matplotlib)."
    panels = [
        (r"parallel no-op tools, N=(\d+) \(tools/s\)", "N parallel no-op tools", "tools/s"),
        (r"turn overhead, T=(\d+) \(ms/turn\)", "T sequential turns", "ms/turn"),
    ]
    lines = [
        [
            (name, [(int(m[1]), r.value) for r in results if (m := re.fullmatch(pattern, r.key))])
            for name, results in columns.items()
        ]
        for pattern, *_ in panels
    ]
    shown = [(p, data) for p, data in zip(panels, lines, strict=True) if any(xy for _, xy in data)]
    if not shown:
        return "nothing to plot (neither parallel_tools nor turn_overhead ran)."
    figure, axes = plt.subplots(1, len(shown), figsize=(5.5 * len(shown), 4.2), squeeze=False)
    for axis, ((_, xlabel, ylabel), data) in zip(axes[0], shown, strict=True):
        for name, points in data:
            axis.plot(*zip(*points, strict=True), marker="o", label=name)
        xs = sorted({x for _, points in data for x, _ in points})
        axis.set(xscale="log", yscale="log", xlabel=xlabel, ylabel=ylabel)
        axis.set_xticks(xs, labels=[str(x) for x in xs])
        axis.tick_params(axis="x", which="minor", labelbottom=False)
        better = "higher" if ylabel == "tools/s" else "lower, and flat,"
        axis.set_title(f"{ylabel} vs {xlabel.split()[0]} ({better} is better)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return f"plot written to {path}"
