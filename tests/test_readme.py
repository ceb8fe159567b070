"""The README's commands and its quick start stay true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", README, flags=re.S)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = next(block for block in bash_blocks() if "pytest" in block)
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci_lines


def test_readme_demo_command_runs_the_demo() -> None:
    demo_command = next(block for block in bash_blocks() if "structagents demo" in block)
    assert demo_command.startswith("python3 -m venv .venv && ")


def test_quick_start_runs_on_both_backends(tmp_path: Path) -> None:
    code = re.search(r"## Quick start\n\n```python\n(.*?)\n```", README, flags=re.S)
    assert code is not None
    for backend in ("asyncio", "trio"):
        script = code.group(1).replace("anyio.run(main)", f"anyio.run(main, backend={backend!r})")
        path = tmp_path / f"quick_{backend}.py"
        path.write_text(script)
        out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "city='Oslo' days=3 packing=['boots']"
