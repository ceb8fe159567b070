"""Every ```python block of README.md and docs/**/*.md runs.

A block is a complete program (run as `__main__`; on asyncio and on trio when it calls
`anyio.run`), or a fragment marked `<!-- fragment: NAME -->` on the line before its fence,
run on both backends in the context NAME of tests/doc_contexts.py, which supplies the names
it uses and checks what it did. A block marked `<!-- output -->` after a python block is what
it must print. tests/doc_runner.py runs them all in one process (one fork
per block and backend).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.doc_blocks import ROOT, Block, MarkerError, all_blocks, blocks_in, doc_files
from tests.doc_contexts import CONTEXTS

BLOCKS = all_blocks()


def run_blocks(tmp: Path, *files: Path) -> dict[str, list[dict[str, Any]]]:
    out = tmp / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "doc_runner.py"), str(out), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    results: dict[str, list[dict[str, Any]]] = {}
    for entry in json.loads(out.read_text()):
        results.setdefault(entry["id"], []).append(entry)
    return results


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    return run_blocks(tmp_path_factory.mktemp("docs"))


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_block_runs(block: Block, results: dict[str, list[dict[str, Any]]]) -> None:
    runs = results[block.id]
    expected = CONTEXTS[block.context].backends if block.context else None
    if expected is not None:
        assert [run["backend"] for run in runs] == list(expected)
    for run in runs:
        assert run["ok"], f"{block.id} on {run['backend']}:\n{run['error']}\n{run['output']}"
        if block.output is not None:
            assert run["output"] == block.output, f"{block.id} on {run['backend']} printed"


def test_every_fragment_names_a_known_context() -> None:
    unknown = {
        block.id: block.context for block in BLOCKS if block.context not in (None, *CONTEXTS)
    }
    assert not unknown, f"unknown contexts (define them in tests/doc_contexts.py): {unknown}"


def test_every_context_is_used() -> None:
    used = {block.context for block in BLOCKS}
    assert set(CONTEXTS) <= used, f"contexts no block uses: {set(CONTEXTS) - used}"


def test_the_docs_have_blocks() -> None:
    assert next(path.name for path in doc_files()) == "README.md"
    assert any(block.context is None for block in BLOCKS)
    assert any(block.context is not None for block in BLOCKS)


def test_a_block_that_fails_or_hangs_is_reported(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "A program:\n\n```python\nimport anyio\n\nasync def main():\n"
        "    raise ValueError('broken on purpose')\n\nanyio.run(main)\n```\n\n"
        "<!-- fragment: loop -->\n```python\nimport sniffio\n"
        "assert sniffio.current_async_library() == 'asyncio'\n```\n\n"
        "```python\nprint('fine')\n```\n"
    )
    results = run_blocks(tmp_path, page)
    program, fragment, fine = results.values()
    assert [(r["backend"], r["ok"]) for r in program] == [("asyncio", False), ("trio", False)]
    assert "broken on purpose" in program[0]["error"]
    assert f'{page}", line 7' in program[0]["error"]  # tracebacks point into the Markdown
    assert [(r["backend"], r["ok"]) for r in fragment] == [("asyncio", True), ("trio", False)]
    assert [(r["backend"], r["ok"], r["output"]) for r in fine] == [("asyncio", True, "fine\n")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<!-- fragment -->\n```python\npass\n```\n", "a fragment marker is"),
        ("<!-- fragment: Bad Name -->\n```python\npass\n```\n", "a fragment marker is"),
        ("<!-- fragment: loop -->\nSome prose.\n```python\npass\n```\n", "right before"),
        ("<!-- fragment: loop -->\n```bash\nls\n```\n", "right before"),
        ("<!-- output -->\n```text\nhi\n```\n", "output"),
        ("```python\npass\n```\n<!-- output -->\nProse.\n```text\nhi\n```\n", "output"),
        (
            "```python\npass\n```\n<!-- output -->\n```text\n1\n```\n"
            "<!-- output -->\n```text\n```\n",
            "output",
        ),
        ("```python\npass\n```\n<!-- output -->\n", "output"),
    ],
)
def test_malformed_markers_are_errors(tmp_path: Path, text: str, problem: str) -> None:
    page = tmp_path / "page.md"
    page.write_text(text)
    with pytest.raises(MarkerError, match=problem):
        blocks_in(page, tmp_path)


def test_blocks_are_extracted_with_their_lines_and_indentation(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "- item\n\n  <!-- fragment: loop -->\n  ```python\n  x = 1\n  if x:\n      y = 2\n  ```\n"
        "\n````python title=\"a.py\"\nprint('```')\n````\n\nIt prints\n\n<!-- output -->\n"
        "````text\n```\n````\n\n```text\nnot python\n```\n"
    )
    blocks = blocks_in(page, tmp_path)
    assert [(b.line, b.context, b.code, b.output) for b in blocks] == [
        (5, "loop", "x = 1\nif x:\n    y = 2\n", None),
        (11, None, "print('```')\n", "```\n"),
    ]
