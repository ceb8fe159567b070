"""The ```python blocks of README.md and docs/**/*.md, and how each one is run.

A block is a complete program unless the nearest non-blank line before its opening fence is
a fragment marker, `<!-- fragment: NAME -->`: NAME is a context in `tests/doc_contexts.py`
that sets up the names the fragment uses and checks what it did afterwards. A block marked
`<!-- output -->` (usually ```text) right after a python block is what that block prints:
the test compares it with the output of every run. The runner
(`tests/doc_runner.py`) executes every block; `tests/test_docs_code.py` reports each one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})(?P<info>.*)$")
_MARKER = re.compile(r"^\s*<!--\s*fragment\b(?P<rest>.*?)-->\s*$")
_OUTPUT = re.compile(r"^\s*<!--\s*output\s*-->\s*$")
_MARKER_NAME = re.compile(r"^:\s*(?P<name>[a-z0-9][a-z0-9_-]*)\s*$")
_PYTHON = {"python", "py", "python3"}
_MISPLACED = "a fragment marker must come right before a ```python block"
_MISPLACED_OUTPUT = (
    "an `<!-- output -->` marker comes right before the block showing what the python block"
    " before it prints (one per python block)"
)


@dataclass(frozen=True)
class Block:
    """One ```python block: where it is, its source (dedented), and its fragment context
    (None: a complete program)."""

    path: str  # relative to the repository root, e.g. "docs/streaming.md"
    line: int  # 1-based line of the first code line
    code: str
    context: str | None
    output: str | None = None  # what it prints, from a following `<!-- output -->` block

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}"


class MarkerError(ValueError):
    """A fragment marker that is malformed or not followed by a python block."""


def doc_files(root: Path = ROOT) -> list[Path]:
    """README.md and every Markdown file under docs/, in a stable order."""
    files = [root / "README.md"]
    files += sorted((root / "docs").rglob("*.md"))
    return [path for path in files if path.is_file()]


def blocks_in(path: Path, root: Path = ROOT) -> list[Block]:
    """Every python block of one Markdown file; raises `MarkerError` for a bad marker."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: tuple[int, str] | None = None  # (line, context) of the last marker seen
    output_marker: int | None = None  # line of an `<!-- output -->` waiting for its block
    i = 0
    while i < len(lines):
        text = lines[i]
        if _OUTPUT.match(text):
            if not blocks or output_marker is not None or pending is not None:
                raise MarkerError(f"{rel}:{i + 1}: {_MISPLACED_OUTPUT}")
            output_marker = i + 1
            i += 1
            continue
        marker = _MARKER.match(text)
        if marker:
            name = _MARKER_NAME.match(marker.group("rest"))
            if name is None:
                raise MarkerError(
                    f"{rel}:{i + 1}: a fragment marker is `<!-- fragment: NAME -->`, with NAME a"
                    f" context in tests/doc_contexts.py; got {text.strip()!r}"
                )
            pending = (i + 1, name.group("name"))
            i += 1
            continue
        fence = _FENCE.match(text)
        if fence is None:
            if text.strip() and pending is not None:
                raise MarkerError(f"{rel}:{pending[0]}: {_MISPLACED}")
            if text.strip() and output_marker is not None:
                raise MarkerError(f"{rel}:{output_marker}: {_MISPLACED_OUTPUT}")
            i += 1
            continue
        indent, ticks = fence.group("indent"), fence.group("ticks")
        info = fence.group("info").strip().split()
        language = info[0].strip("{}.").lower() if info else ""
        end = i + 1
        while end < len(lines) and not (
            lines[end].strip().startswith(ticks) and lines[end].strip().strip(ticks[0]) == ""
        ):
            end += 1
        body = [
            line[len(indent) :] if line.startswith(indent) else line.lstrip()
            for line in lines[i + 1 : end]
        ]
        if output_marker is not None:
            if blocks[-1].output is not None:
                raise MarkerError(f"{rel}:{output_marker}: {_MISPLACED_OUTPUT}")
            blocks[-1] = replace(blocks[-1], output="\n".join(body) + "\n")
            output_marker = None
        elif language in _PYTHON:
            context = pending[1] if pending is not None else None
            blocks.append(Block(rel, i + 2, "\n".join(body) + "\n", context))
        elif pending is not None:
            raise MarkerError(f"{rel}:{pending[0]}: {_MISPLACED}")
        pending = None
        i = end + 1
    if pending is not None:
        raise MarkerError(f"{rel}:{pending[0]}: {_MISPLACED}")
    if output_marker is not None:
        raise MarkerError(f"{rel}:{output_marker}: {_MISPLACED_OUTPUT}")
    return blocks


def all_blocks(root: Path = ROOT) -> list[Block]:
    return [block for path in doc_files(root) for block in blocks_in(path, root)]
