"""Workload 5, import time: wall time of `python -c "import <package>"` minus that of
`python -c pass`, best of `sizes.import_repeat`, each in a fresh interpreter."""

from __future__ import annotations

from structagents._bench import Result, Sizes, import_time, run_ours


def ours(backend: str, sizes: Sizes) -> list[Result]:
    return run_ours("import_time", backend, sizes)


def reference(sizes: Sizes) -> list[Result]:
    return import_time("agents", sizes)
