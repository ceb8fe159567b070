"""Smoke tests of `structagents bench --quick` and of benchmarks/run.py. They check that the
benchmarks run and report; speed itself is measured in benchmarks/, never asserted here."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from structagents.cli import main

ROOT = Path(__file__).resolve().parent.parent


def table_rows(out: str) -> dict[str, list[str]]:
    """The Markdown table rows printed first: label -> cells."""
    rows: dict[str, list[str]] = {}
    for line in out.split("\n\n")[0].splitlines()[2:]:
        label, *cells = (cell.strip() for cell in line.strip("|").split("|"))
        rows[label] = cells
    return rows


def number(cell: str) -> float:
    return float(cell.replace(",", "").rstrip("x"))


def test_bench_quick_on_both_backends_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--quick", "--backend", "both"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| measurement | structagents/asyncio | structagents/trio |")
    rows = table_rows(out)
    assert len(rows) == 15
    for label, cells in rows.items():
        values = [number(cell) for cell in cells]
        assert len(values) == 2
        if label.endswith("(tools)"):  # counts: tools started / still running
            assert all(v >= 0 for v in values), label
        else:
            assert all(v > 0 for v in values), label
    assert rows["cancel: tools still running after (tools)"] == ["0", "0"]
    assert rows["tripwire: tools started before the trigger (tools)"] == ["0", "0"]
    assert "| 0 tools running after cancel on trio | 0 | PASS |" in out


def test_bench_tool_option_benchmarks_the_users_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bench_user_tools.py").write_text(
        "async def ping(times: int = 1) -> str:\n    return 'pong' * times\n\n"
        "async def needs_args(city: str) -> str:\n    return city\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "bench_user_tools", raising=False)
    argv = ["bench", "--quick", "--backend", "asyncio", "--workload", "parallel_tools"]
    assert main([*argv, "--tool", "bench_user_tools:ping"]) == 0
    rows = table_rows(capsys.readouterr().out)
    assert list(rows) == [
        "parallel 'ping' tools, N=10 (tools/s)",
        "parallel 'ping' tools, N=100 (tools/s)",
    ]
    assert all(number(cells[0]) > 0 for cells in rows.values())

    assert main([*argv, "--tool", "bench_user_tools:needs_args"]) == 2
    assert "(city have none)" in capsys.readouterr().err
    sys.modules.pop("bench_user_tools", None)


@pytest.mark.skipif(
    importlib.util.find_spec("agents") is None,
    reason="openai-agents (the reference SDK, from the bench extra) is not installed",
)
def test_side_by_side_runner_quick(tmp_path: Path) -> None:
    command = [sys.executable, "benchmarks/run.py", "--quick", "--workload", "parallel_tools"]
    done = subprocess.run(
        [*command, "--output", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "| asyncio ÷ ref | trio ÷ ref |" in done.stdout
    record = json.loads((tmp_path / "results.json").read_text())
    assert set(record["results"]) == {
        "structagents/asyncio",
        "structagents/trio",
        "openai-agents/asyncio",
    }
    for results in record["results"].values():
        assert [r["unit"] for r in results] == ["tools/s", "tools/s", "s"]
        assert all(r["value"] > 0 for r in results)
    assert (tmp_path / "results.md").read_text().startswith("# Benchmark results")


def test_session_benchmark_quick_reports_load_and_append_for_each_session(
    capsys: pytest.CaptureFixture[str], redis_url: str
) -> None:
    from benchmarks import sessions

    assert sessions.main(["--quick"]) == 0
    rows = table_rows(capsys.readouterr().out)
    assert {"SQLiteSession ours/asyncio", "SQLiteSession ours/trio"} <= set(rows)
    assert {"RedisSession ours/asyncio", "RedisSession ours/trio"} <= set(rows)
    for cells in rows.values():
        assert len(cells) == 4  # load and append at 100 and 1 000 items
        assert all(number(cell) > 0 for cell in cells)


def test_tracing_benchmark_quick_reports_every_mode(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import tracing

    assert tracing.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for row in ("tracing off", "tracing on, no-op processor", "tracing on, OpenTelemetry SDK"):
        assert f"| {row} |" in out
    assert "÷ off (goal ≥ 0.85)" in out


def test_run_state_benchmark_quick_reports_both_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import run_state

    assert run_state.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for items in ("101", "1001"):
        [row] = [line for line in out.splitlines() if line.startswith(f"| {items} |")]
        assert all(number(cell) > 0 for cell in row.strip("|").split("|")[1:3])
    assert "goal: >= 10x at 1000 items" in out


def test_http_benchmark_quick_reports_every_workload_against_the_server_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import over_http

    assert over_http.main(["--quick"]) == 0
    out = capsys.readouterr().out
    table = out[out.index("| workload |") :]
    rows = table_rows(table)
    assert len(rows) == 4
    for cells in rows.values():
        assert len(cells) == 5  # server only, ours on asyncio and trio, and the two ratios
        assert all(number(cell) > 0 for cell in cells)
