"""The `structagents` command line: options that need no model run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

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


STAMPED = re.compile(r"^ *(\d+\.\d{3})s  (.*)$")


def timeline(out: str) -> list[tuple[float, str]]:
    """The demo's stamped lines: (seconds, what happened)."""
    return [(float(m[1]), m[2]) for line in out.splitlines() if (m := STAMPED.match(line))]


def test_demo_shows_a_timeline_of_the_guardrail_the_overlapping_tools_and_the_stream() -> None:
    command = Path(sys.executable).with_name("structagents")  # the installed console script
    done = subprocess.run(
        [str(command), "demo", "--offline", "--input", "Lisbon for 300 dollars"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "OPENAI_API_KEY": ""},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2] == "   time  (seconds since the run started)"
    lines = timeline(done.stdout)
    stamps = [stamp for stamp, _ in lines]
    assert stamps == sorted(stamps)
    events = [what for _, what in lines]

    def at(prefix: str) -> int:
        [index] = [i for i, what in enumerate(events) if what.startswith(prefix)]
        return index

    checking, passed = at("guardrail travel_only: checking"), at("guardrail travel_only: passed")
    # The guardrail runs alongside the first model call; the handoff waits for it.
    assert checking < passed
    assert at("model call 1 sent") < passed
    assert passed < at("[Trip planner] takes the conversation")
    # Both tools start before either returns.
    starts = [at('  tool get_weather({"city":"Lisbon"}) started'), at("  tool convert_currency(")]
    ends = [at("  tool get_weather returned"), at("  tool convert_currency returned 276.00 EUR")]
    assert max(starts) < min(ends)
    assert events[at("  tool convert_currency(")].endswith('({"amount":300,"to":"EUR"}) started')
    # Then the answer streams in, word by word.
    answer = at("assistant: Lisbon looks sunny at 24°C this weekend")
    assert max(ends) < answer
    deltas = re.fullmatch(r"the answer streamed in as (\d+) text deltas", events[-1])
    assert deltas is not None
    assert int(deltas[1]) > 10


def test_demo_guardrail_trip_says_no_tool_started(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--offline", "--input", "Do my homework about Paris"]) == 1
    out = capsys.readouterr().out
    events = [what for _, what in timeline(out)]
    assert events[-1] == "guardrail travel_only: tripped (not about travel)"
    assert "tool" not in " ".join(events)
    assert out.endswith("guardrail 'travel_only' stopped the run (no tool had started)\n")


def test_every_option_of_every_command_has_help_text() -> None:
    import argparse

    from structagents.cli import build_parser

    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) == {"demo", "bench", "fake-server"}
    for name, command in [("structagents", parser), *commands.choices.items()]:
        for action in command._actions:
            if action is commands:
                continue
            assert action.help, f"{name} {'/'.join(action.option_strings)} has no help text"
    for choice in commands._choices_actions:
        assert choice.help, f"command {choice.dest} has no help text"


def test_importing_the_package_leaves_the_command_lines_libraries_alone() -> None:
    code = "import sys, structagents; print(sorted({'rich', 'yaml'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
