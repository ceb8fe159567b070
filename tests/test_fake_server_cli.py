"""`structagents fake-server` in its own process, talked to with the real `openai` client."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import openai
import pytest

from structagents.cli import main

COMMAND = [sys.executable, "-m", "structagents.cli", "fake-server"]


@contextmanager
def fake_server(*options: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The command running with `options`, and the base URL it printed."""
    process = subprocess.Popen(
        [*COMMAND, *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert banner.startswith("FakeOpenAIServer on http://127.0.0.1:"), (
            banner + process.stderr.read() if process.stderr else banner
        )
        export = process.stdout.readline().strip()
        assert export.startswith("export OPENAI_BASE_URL=")
        yield process, export.removeprefix("export OPENAI_BASE_URL=")
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def stop(process: subprocess.Popen[str], signum: int) -> str:
    """Send `signum`, wait for a clean exit, return the rest of stdout."""
    process.send_signal(signum)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert err == ""
    return out


def client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key="fake", max_retries=0, timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_unscripted_server_echoes_over_both_apis_and_stops_on_sigterm() -> None:
    port = free_port()
    with fake_server("--port", str(port)) as (process, base_url):
        assert base_url == f"http://127.0.0.1:{port}/v1"
        api = client(base_url)
        response = api.responses.create(model="gpt-4.1", input="Hello, fake!")
        assert response.output_text == "Hello, fake!"
        chat = api.chat.completions.create(
            model="gpt-4.1", messages=[{"role": "user", "content": "Echo me"}]
        )
        assert chat.choices[0].message.content == "Echo me"
        with api.responses.stream(model="gpt-4.1", input="streamed words") as stream:
            deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
        assert "".join(deltas) == "streamed words"
        assert stop(process, signal.SIGTERM) == "stopped by SIGTERM after 3 requests\n"


def write(path: Path, steps: Sequence[object]) -> Path:
    path.write_text(json.dumps(steps))
    return path


def test_scripted_server_replies_in_order_then_500_when_strict(tmp_path: Path) -> None:
    script = write(
        tmp_path / "script.json",
        [
            {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
            "It is sunny in Paris.",
            {"http_error": 429, "message": "slow down"},
        ],
    )
    with fake_server("--script", str(script), "--strict") as (process, base_url):
        api = client(base_url)
        first = api.responses.create(model="m", input="Weather in Paris?")
        [call] = first.output
        assert call.type == "function_call"
        assert (call.name, json.loads(call.arguments)) == ("get_weather", {"city": "Paris"})
        chat = api.chat.completions.create(model="m", messages=[{"role": "user", "content": "?"}])
        assert chat.choices[0].message.content == "It is sunny in Paris."
        with pytest.raises(openai.RateLimitError, match="slow down"):
            api.responses.create(model="m", input="again")
        with pytest.raises(openai.InternalServerError, match="the script ran out"):
            api.responses.create(model="m", input="once more")
        assert stop(process, signal.SIGINT) == "stopped by SIGINT after 4 requests\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, ", "is not valid JSON"),
        (json.dumps(["ok", {"mesage": "typo"}]), "entry 2 (mesage): Extra inputs"),
        (json.dumps([{"http_error": 200}]), "entry 1 (http_error): Input should be greater"),
        (json.dumps(["ok", 5]), "entry 2: an entry is a string, a list of output items or"),
        (json.dumps({"steps": []}), "the script: Input should be a valid list"),
        (None, "cannot read the script"),
    ],
)
def test_a_bad_script_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    script = tmp_path / "script.json"
    if content is not None:
        script.write_text(content)
    assert main(["fake-server", "--script", str(script)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("structagents fake-server: ")
    assert message in line


def test_a_yaml_script_is_read_with_pyyaml(tmp_path: Path) -> None:
    pytest.importorskip("yaml", reason="PyYAML is not installed")
    script = tmp_path / "script.yaml"
    script.write_text("- Hello from YAML\n- message: Second\n  delay: 0\n")
    with fake_server("--script", str(script)) as (process, base_url):
        api = client(base_url)
        assert api.responses.create(model="m", input="1").output_text == "Hello from YAML"
        assert api.responses.create(model="m", input="2").output_text == "Second"
        assert api.responses.create(model="m", input="and then echo").output_text == "and then echo"
        assert stop(process, signal.SIGTERM) == "stopped by SIGTERM after 3 requests\n"


def test_a_busy_port_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["fake-server", "--port", str(port)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"structagents fake-server: cannot listen on 127.0.0.1:{port}: ")


def test_the_readme_script_example_is_a_valid_script(tmp_path: Path) -> None:
    from structagents.testing import Fault, ModelStep
    from structagents.testing._script_file import load_script_file

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme[readme.index("structagents fake-server --port 8080") :]
    example = section[
        section.index("```json\n") + 8 : section.index("\n```", section.index("```json"))
    ]
    steps = load_script_file(write(tmp_path / "replies.json", json.loads(example)))
    assert steps[0] == "Hello! How can I help?"
    assert isinstance(steps[1], ModelStep)
    assert [item["name"] for item in steps[1].output] == ["get_weather"]
    assert isinstance(steps[2], ModelStep)
    assert steps[2].delay == 0.5
    assert isinstance(steps[3], Fault)
    assert (steps[3].status, steps[3].message) == (429, "Rate limit reached")
