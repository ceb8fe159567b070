"""Developer sessions: `nox -s tests`, `lint`, `typecheck`, `bench`, `postgres`, `stress`,
`docs`."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    """The test suite, every async test on asyncio and trio."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff (with the ASYNC rules), formatting, and the import-layering contracts."""
    session.install("-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, tests, examples and benchmarks."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks side by side with openai-agents: `nox -s bench -- [--quick] [--workload W]`."""
    session.install("-e", ".[dev,bench]")
    session.run("python", "benchmarks/run.py", *session.posargs)
    if not session.posargs:
        session.run("python", "benchmarks/sessions.py")
        session.run("python", "benchmarks/temporal.py")
        session.run("python", "benchmarks/over_http.py")


@nox.session(python="3.11")
def postgres(session: nox.Session) -> None:
    """SQLAlchemySession against a throwaway PostgreSQL server (needs Debian's postgresql)."""
    session.install("-e", ".[dev]")
    session.run("pytest", "tests/test_sqlalchemy_session.py", "-v", *session.posargs)


@nox.session(python="3.11")
def stress(session: nox.Session) -> None:
    """The full reliability run: 10 000 random stops per backend (every failure listed),
    500 concurrent runs on one SQLite file, the fault and bad-input tests; prints figures."""
    session.install("-e", ".[dev]")
    session.run(
        "pytest",
        "tests/test_stress.py",
        "tests/test_model_faults.py",
        "tests/test_error_paths.py",
        "tests/test_process_exit.py",
        "-s",
        "-q",
        "--durations=5",
        *session.posargs,
        env={"STRUCTAGENTS_STRESS_EXAMPLES": "10000", "STRUCTAGENTS_STRESS_RUNS": "500"},
    )


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """The documentation site (MkDocs, Material, mkdocstrings), built strict into site/:
    any warning fails. `nox -s docs -- serve` serves it on localhost:8000 instead."""
    session.install("-e", ".[docs]")
    command = session.posargs or ["build", "--strict"]
    session.run("mkdocs", *command, env={"NO_MKDOCS_2_WARNING": "1"})
