"""`python -m structagents.migrate`: ports reference-SDK code, and leaves what it cannot
rewrite safely unchanged, saying where."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from structagents.migrate import main, migrate_source

STREAMED = '''\
import asyncio

from agents import Agent, Runner
from openai.types.responses import ResponseTextDeltaEvent as TextDelta


async def main(agent: Agent) -> str:
    result = Runner.run_streamed(agent, input="Tell me a joke.")  # starts at once
    print("=== Run starting ===")
    # every event
    async for event in result.stream_events():
        if event.type == "raw_response_event" and isinstance(event.data, TextDelta):
            print(event.data.delta, end="", flush=True)
        note = """a multi-line
string stays as it is"""
    return result.final_output
'''

STREAMED_MIGRATED = '''\
import asyncio

from structagents import Agent, Runner
from openai.types.responses import ResponseTextDeltaEvent as TextDelta


async def main(agent: Agent) -> str:
    async with Runner.run_streamed(agent, input="Tell me a joke.") as result:  # starts at once
        print("=== Run starting ===")
        # every event
        async for event in result.stream_events():
            if event.type == "raw_response_event" and isinstance(event.data, TextDelta):
                print(event.data.delta, end="", flush=True)
            note = """a multi-line
string stays as it is"""
    return result.final_output
'''


def test_a_streamed_run_gets_its_async_with() -> None:
    migration = migrate_source(STREAMED, "joke.py")
    assert migration.source == STREAMED_MIGRATED
    assert migration.left == []
    assert migration.changes == [
        "joke.py:8: `async with` around the stream",
        "joke.py:3: import from structagents",
    ]


def test_multi_line_calls_nesting_and_two_space_indents() -> None:
    source = textwrap.dedent("""\
        async def chat(agent, cfg, questions):
          for question in questions:
            if question:
              stream: object = Runner.run_streamed(
                agent,
                question,
                run_config=cfg,
              )
              async for event in stream.stream_events():
                pass
              else:
                print("done")
            print(stream.final_output)
        """)
    migration = migrate_source(source)
    assert migration.source == textwrap.dedent("""\
        async def chat(agent, cfg, questions):
          for question in questions:
            if question:
              async with Runner.run_streamed(
                agent,
                question,
                run_config=cfg,
              ) as stream:
                async for event in stream.stream_events():
                  pass
                else:
                  print("done")
            print(stream.final_output)
        """)


def test_a_streamed_run_inside_another_streamed_runs_loop() -> None:
    source = textwrap.dedent("""\
        async def outer(a, b):
            first = Runner.run_streamed(a, "x")
            async for event in first.stream_events():
                second = Runner.run_streamed(b, "y")
                async for inner in second.stream_events():
                    print(inner)
        """)
    assert migrate_source(source).source == textwrap.dedent("""\
        async def outer(a, b):
            async with Runner.run_streamed(a, "x") as first:
                async for event in first.stream_events():
                    async with Runner.run_streamed(b, "y") as second:
                        async for inner in second.stream_events():
                            print(inner)
        """)


def test_tabs_stay_tabs() -> None:
    source = (
        'async def f(agent):\n\tr = Runner.run_streamed(agent, "x")\n'
        "\tasync for e in r.stream_events(): print(e)\n"
    )
    assert migrate_source(source).source == (
        'async def f(agent):\n\tasync with Runner.run_streamed(agent, "x") as r:\n'
        "\t\tasync for e in r.stream_events(): print(e)\n"
    )


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        # handed to a helper that reads the stream
        (
            'async def f(a):\n    r = Runner.run_streamed(a, "x")\n    await drain(r)\n',
            "not assigned",
        ),
        # returned: the caller must enter it
        ('def f(a):\n    return Runner.run_streamed(a, "x")\n', "not assigned"),
        # an attribute, not a name
        (
            'async def f(self, a):\n    self.r = Runner.run_streamed(a, "x")\n'
            "    async for e in self.r.stream_events():\n        pass\n",
            "not assigned",
        ),
        # rebound before the loop
        (
            'async def f(a):\n    r = Runner.run_streamed(a, "x")\n    r = other(r)\n'
            "    async for e in r.stream_events():\n        pass\n",
            "not assigned",
        ),
        # a compound statement in between
        (
            'async def f(a):\n    r = Runner.run_streamed(a, "x")\n    if a:\n        log()\n'
            "    async for e in r.stream_events():\n        pass\n",
            "not assigned",
        ),
        # another statement on the same line
        (
            'async def f(a):\n    r = Runner.run_streamed(a, "x"); log()\n'
            "    async for e in r.stream_events():\n        pass\n",
            "shares its lines",
        ),
        # an async generator: yields from inside the loop
        (
            'async def f(a):\n    r = Runner.run_streamed(a, "x")\n'
            "    async for e in r.stream_events():\n        yield e\n",
            "yields",
        ),
    ],
)
def test_what_cannot_be_rewritten_safely_is_left_with_a_message(source: str, reason: str) -> None:
    migration = migrate_source(source, "m.py")
    assert migration.source == source
    assert not migration.changed
    assert len(migration.left) == 1
    assert reason in migration.left[0]
    assert migration.left[0].startswith("m.py:2: ")


def test_code_already_entered_is_left_alone() -> None:
    source = 'async def f(a):\n    async with Runner.run_streamed(a, "x") as r:\n        pass\n'
    migration = migrate_source(source)
    assert migration.source == source
    assert migration.left == []


def test_imports() -> None:
    source = textwrap.dedent("""\
        import agents
        import agents as sdk
        from agents import Agent, Runner, AgentBase
        from agents.extensions import handoff_filters
        from agents.run import RunConfig
        from agents.voice import VoicePipeline
        import agents.tracing
        from .agents import local
        import agentsmith
        """)
    migration = migrate_source(source, "i.py")
    assert migration.source == textwrap.dedent("""\
        import structagents as agents
        import structagents as sdk
        from structagents import Agent, Runner, AgentBase
        from structagents.extensions import handoff_filters
        from structagents.run import RunConfig
        from agents.voice import VoicePipeline
        import agents.tracing
        from .agents import local
        import agentsmith
        """)
    assert migration.left == [
        "i.py:3: structagents has no AgentBase; see the migration guide",
        "i.py:6: structagents has no module `structagents.voice`; not changed",
        "i.py:7: change `import agents.tracing` by hand (`import structagents as agents` gives"
        " the same names; the reference's submodules are its attributes)",
    ]


def test_invalid_python_is_not_touched() -> None:
    migration = migrate_source("def f(:\n", "bad.py")
    assert migration.source == "def f(:\n"
    assert migration.left == ["bad.py:1: not valid Python, not changed"]


PROGRAM = """\
import anyio
from agents import Agent, Runner
from structagents.testing import ScriptedModel

agent = Agent(name="Joker", model=ScriptedModel(["Why did the task group cross the road?"]))


async def main() -> None:
    result = Runner.run_streamed(agent, input="Tell me a joke.")
    deltas = []
    async for event in result.stream_events():
        if event.type == "raw_response_event" and event.data.type == "response.output_text.delta":
            deltas.append(event.data.delta)
    print("".join(deltas) == result.final_output, result.final_output)


anyio.run(main)
"""


def test_a_migrated_reference_program_runs_on_structagents(tmp_path: Path) -> None:
    path = tmp_path / "joke.py"
    path.write_text(PROGRAM.replace("from agents", "from structagents"))
    unported = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert unported.returncode != 0
    assert "async with" in unported.stderr  # the UserError saying how to fix it
    path.write_text(PROGRAM)
    assert main([str(path)]) == 0  # a dry run: prints the diff, changes nothing
    assert path.read_text() == PROGRAM
    assert main(["--write", str(tmp_path)]) == 0
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "True Why did the task group cross the road?\n"


def test_the_command_line_prints_a_diff_and_the_places_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text(STREAMED)
    (tmp_path / "b.py").write_text('def f(a):\n    return Runner.run_streamed(a, "x")\n')
    assert main([str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "+    async with Runner.run_streamed(" in out
    assert f"{tmp_path / 'b.py'}:2: run_streamed(...) is not assigned" in err
    assert err.endswith("1 file(s) to change (run again with --write); 1 place(s) left for you\n")


REFERENCE_PROGRAM = """\
import asyncio

from openai.types.responses import ResponseTextDeltaEvent

from agents import Agent, Runner


async def main():
    agent = Agent(name="Joker", instructions="You are a helpful assistant.")

    result = Runner.run_streamed(agent, input="Tell me a joke about queues.")
    async for event in result.stream_events():
        if event.type == "raw_response_event" and isinstance(event.data, ResponseTextDeltaEvent):
            print(event.data.delta, end="", flush=True)
    print()


if __name__ == "__main__":
    asyncio.run(main())
"""


def test_a_reference_program_runs_against_an_openai_compatible_server_once_migrated(
    tmp_path: Path,
) -> None:
    """A program written for openai-agents, its default OpenAI model and `asyncio.run`
    included, streams from `structagents fake-server` after the codemod alone."""
    from tests.test_fake_server_cli import fake_server

    path = tmp_path / "stream_text.py"
    path.write_text(REFERENCE_PROGRAM)
    assert main(["--write", str(path)]) == 0
    assert "async with Runner.run_streamed(" in path.read_text()
    with fake_server() as (_, base_url):
        env = {**os.environ, "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "test"}
        done = subprocess.run(
            [sys.executable, str(path)], capture_output=True, text=True, env=env, timeout=60
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Tell me a joke about queues.\n"  # the unscripted server echoes
