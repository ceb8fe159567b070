"""MkDocs hooks: the benchmark plot is served from benchmarks/results/, where `nox -s bench`
writes it, so the docs never hold a stale copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
GENERATED = {"benchmarks/plot.png": ROOT / "benchmarks" / "results" / "plot.png"}


def on_files(files: Files, config: Any) -> Files:
    for uri, source in GENERATED.items():
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files
