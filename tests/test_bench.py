"""Smoke tests of `structagents bench --quick` and of benchmarks/run.py. They check that the
benchmarks run and report; speed itself is measured in benchmarks/, never asserted here."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def bench_json(*argv: str) -> dict[str, Any]:
    """`structagents bench --json ARGV` in a subprocess: the record it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "structagents.cli", "bench", "--json", *argv],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    record: dict[str, Any] = json.loads(done.stdout)
    return record


def values(record: dict[str, Any]) -> dict[str, list[float]]:
    """Measurement key -> its value in each column."""
    rows: dict[str, list[float]] = {}
    for results in record["results"].values():
        for result in results:
            rows.setdefault(f"{result['label']} ({result['unit']})", []).append(result["value"])
    return rows


def test_bench_quick_json_has_every_workload_on_both_backends() -> None:
    record = bench_json("--quick", "--backend", "both")
    assert set(record["results"]) == {"structagents/asyncio", "structagents/trio"}
    assert record["sizes"]["http_tools"] == 10
    assert {"cpu", "os", "python", "structagents"} <= set(record["machine"])
    rows = values(record)
    assert len(rows) == 18
    for key, measured in rows.items():
        assert len(measured) == 2, key
        if key.endswith("(tools)"):  # counts: tools started / still running
            assert all(v >= 0 for v in measured), key
        else:
            assert all(v > 0 for v in measured), key
    assert rows["cancel: tools still running after (tools)"] == [0, 0]
    assert rows["tripwire: tools started before the trigger (tools)"] == [0, 0]
    assert rows["HTTP turn of 10 parallel tools: server only (ms)"]
    targets = {t["name"]: t["passed"] for t in record["targets"]}
    assert targets["0 tools running after cancel on trio"] is True


def test_bench_prints_aligned_tables_and_a_hint_that_works_from_a_wheel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # not a checkout: there is no benchmarks/run.py here
    assert main(["bench", "--quick", "--backend", "asyncio", "--workload", "turn_overhead"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "[1/1] turn_overhead on asyncio\n"  # not a terminal: no bar
    lines = [line.rstrip() for line in captured.out.splitlines() if line.strip()]
    header = lines[0].split()
    assert header == ["measurement", "structagents/asyncio"]
    rows = [line for line in lines if "(ms/turn)" in line or "(x)" in line]
    assert len(rows) == 3
    assert len({len(row) for row in rows}) == 1  # values right-aligned in one column
    assert any(line.split()[:2] == ["target", "measured"] for line in lines)
    assert any("ms/turn at T=20 ≤ 1.5x T=5 on asyncio" in line for line in lines)
    assert lines[-1].endswith("https://github.com/structagents/structagents/tree/main/benchmarks")
    assert "nox" not in captured.out


def test_bench_shows_a_progress_bar_in_a_terminal() -> None:
    import pty

    command = [sys.executable, "-m", "structagents.cli", "bench", "--quick"]
    command += ["--backend", "asyncio", "--workload", "turn_overhead"]
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, stdout=terminal, stderr=terminal, close_fds=True)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the command has exited
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert process.wait(timeout=60) == 0
    text = output.decode()
    assert "turn_overhead on asyncio" in text
    assert "━" in text  # rich's bar
    assert "0/1" in text


def test_bench_plot_without_matplotlib_says_so_before_measuring(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["bench", "--quick", "--plot", str(tmp_path / "plot.png")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "structagents bench: --plot needs matplotlib, which is not installed "
        "(pip install matplotlib)\n"
    )


def test_bench_plot_draws_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib (the bench extra) is not installed")
    target = tmp_path / "plot.png"
    argv = ["bench", "--quick", "--backend", "asyncio", "--workload", "turn_overhead"]
    assert main([*argv, "--json", "--plot", str(target)]) == 0
    assert json.loads(capsys.readouterr().out)["results"]
    assert target.read_bytes().startswith(b"\x89PNG")


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
    argv = ["bench", "--quick", "--backend", "asyncio", "--workload", "parallel_tools", "--json"]
    assert main([*argv, "--tool", "bench_user_tools:ping"]) == 0
    rows = values(json.loads(capsys.readouterr().out))
    assert list(rows) == [
        "parallel 'ping' tools, N=10 (tools/s)",
        "parallel 'ping' tools, N=100 (tools/s)",
    ]
    assert all(measured[0] > 0 for measured in rows.values())

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
    sides = 4 if importlib.util.find_spec("agents") else 3  # server, ours x2, the reference
    for cells in rows.values():
        assert len(cells) == 2 * sides - 1  # each side, then each one's ratio to the server
        assert all(number(cell) > 0 for cell in cells)
    cpu = table_rows(out[out.index("| CPU time per unit |") :])
    assert len(cpu) == 4
    for cells in cpu.values():  # the server process, each side, each one's ratio
        assert len(cells) == 2 * sides
        assert all(number(cell) > 0 for cell in cells)
    floors = table_rows(out[out.index("| floor |") :])
    assert number(floors["server only + 100 scoped tasks, trio (s)"][1]) > 1
    goals = out[out.index("| goal |") :]
    assert "| 100-tool turn ≤ 2.0x server only, trio |" in goals
