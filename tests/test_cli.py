"""The `structagents` command line: options that need no model run."""

from __future__ import annotations

import sys

import pytest

import structagents
from structagents.cli import main


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"structagents {structagents.__version__}"


def test_demo_without_trio_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trio", None)  # what `import trio` sees when it is absent
    assert main(["demo", "--backend", "trio"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "structagents demo: trio is not installed (pip install 'structagents[trio]')\n"
    )


def test_bench_without_trio_runs_asyncio_and_says_trio_was_skipped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trio", None)
    assert main(["bench", "--quick", "--workload", "import_time"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == (
        "structagents bench: skipping trio: "
        "trio is not installed (pip install 'structagents[trio]')"
    )
    assert "structagents/asyncio" in captured.out
    assert "structagents/trio" not in captured.out
    assert main(["bench", "--quick", "--workload", "import_time", "--backend", "trio"]) == 2
    assert "skipping trio: trio is not installed" in capsys.readouterr().err


def test_demo_answers_about_the_city_asked_for_offline_even_with_a_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-used")  # --offline must never reach the real API
    for backend in ("asyncio", "trio"):
        argv = ["demo", "--offline", "--backend", backend, "--input", "Paris for 100 USD?"]
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[0] == (
            f"structagents demo on {backend}, Responses API via "
            "a local fake OpenAI server (scripted model, offline)"
        )
        assert "assistant: Paris looks light rain at 14°C this weekend" in out
        assert "92.00 EUR" in out
    assert main(["demo", "--offline", "--input", "A week in Oslo, please"]) == 0
    out = capsys.readouterr().out
    assert "assistant: I am the demo's scripted model: I only plan trips to Paris and" in out
    assert "get_weather" not in out
