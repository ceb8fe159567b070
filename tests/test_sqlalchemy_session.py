"""SQLAlchemySession against a real PostgreSQL server, started here and thrown away after.

The server comes from the machine's PostgreSQL binaries (Debian's `postgresql` package). As
root it runs as the `postgres` system user (or `nobody`), because initdb refuses root. The
session works in worker threads, so trio runs with its real clock here.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import anyio.to_thread
import pytest

from structagents import Agent, Runner, UserError
from structagents.sessions.base import Session, SessionSettings
from structagents.testing import ScriptedModel

try:
    import sqlalchemy as sa

    from structagents.sessions.sqlalchemy import SQLAlchemySession
except ImportError:
    pytest.skip(
        "sqlalchemy is not installed; pip install 'structagents[sqlalchemy]' to run these tests",
        allow_module_level=True,
    )

NO_POSTGRES = (
    "PostgreSQL binaries (initdb/pg_ctl) not found;"
    " install Debian's postgresql package to run these tests"
)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def find_postgres_binaries() -> tuple[str, str] | None:
    """`initdb` and `pg_ctl` from PATH, else from the newest `/usr/lib/postgresql/*/bin`."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda bin_dir: [int(n) for n in re.findall(r"\d+", bin_dir.parent.name)],
        reverse=True,
    )
    for bin_dir in versions:
        if (bin_dir / "initdb").exists() and (bin_dir / "pg_ctl").exists():
            return str(bin_dir / "initdb"), str(bin_dir / "pg_ctl")
    return None


def unprivileged_user() -> pwd.struct_passwd | None:
    """Who runs the server: None (the current user) unless we are root, whom initdb refuses."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    pytest.skip("Running as root, and there is no postgres or nobody user to run PostgreSQL as")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (trust auth); yields a database's URL."""
    binaries = find_postgres_binaries()
    if binaries is None:
        pytest.skip(NO_POSTGRES)
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip("psycopg is not installed; pip install 'structagents[sqlalchemy]'")
    initdb, pg_ctl = binaries
    workdir = Path(tempfile.mkdtemp(prefix="structagents-pg-"))
    data, log = workdir / "data", workdir / "server.log"
    run_as: dict[str, Any] = {}
    if (user := unprivileged_user()) is not None:
        os.chown(workdir, user.pw_uid, user.pw_gid)
        run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    def run(*args: str | Path) -> None:
        done = subprocess.run(args, cwd=workdir, capture_output=True, text=True, **run_as)
        if done.returncode:
            server_log = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{args} failed:\n{done.stdout}{done.stderr}{server_log}")

    port = free_port()
    is_started = False
    try:
        run(initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C")
        options = f"-h 127.0.0.1 -p {port} -k {shlex.quote(str(workdir))} -c fsync=off"
        # -w: wait until the server accepts connections.
        run(pg_ctl, "-D", data, "-l", log, "-o", options, "-w", "-t", "30", "start")
        is_started = True
        admin = sa.create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE structagents_test"))
        admin.dispose()
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/structagents_test"
    finally:
        if is_started:
            run(pg_ctl, "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def engine(postgres_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sid() -> str:
    """A fresh session id: the tests share the database's tables."""
    return uuid.uuid4().hex


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def idle_connections(engine: sa.Engine) -> int:
    assert isinstance(engine.pool, sa.QueuePool)
    return engine.pool.checkedin()


# Behaviour


async def test_items_come_back_oldest_first(engine: sa.Engine, sid: str) -> None:
    async with SQLAlchemySession(sid, engine) as session:
        assert isinstance(session, Session)
        await session.add_items([user("a"), user("b")])
        await session.add_items([user("c")])
        assert await session.get_items() == [user("a"), user("b"), user("c")]


async def test_limit_gives_the_newest_items_oldest_first(engine: sa.Engine, sid: str) -> None:
    async with SQLAlchemySession(sid, engine, session_settings={"limit": 2}) as session:
        await session.add_items([user(str(n)) for n in range(5)])
        assert await session.get_items() == [user("3"), user("4")]
        assert await session.get_items(limit=3) == [user("2"), user("3"), user("4")]
        assert await session.get_items(limit=0) == []
        session.session_settings = SessionSettings()
        assert await session.get_items() == [user(str(n)) for n in range(5)]
        with pytest.raises(UserError, match="limit"):
            await session.get_items(limit=-1)


async def test_pop_item_removes_and_returns_the_newest_item(engine: sa.Engine, sid: str) -> None:
    async with SQLAlchemySession(sid, engine) as session:
        assert await session.pop_item() is None
        await session.add_items([user("a"), user("b")])
        assert await session.pop_item() == user("b")
        assert await session.get_items() == [user("a")]
        assert await session.pop_item() == user("a")
        assert await session.pop_item() is None


async def test_clear_session_removes_every_item(engine: sa.Engine, sid: str) -> None:
    async with SQLAlchemySession(sid, engine) as session:
        await session.add_items([user("a"), user("b")])
        await session.clear_session()
        assert await session.get_items() == []
        await session.add_items([user("c")])
        assert await session.get_items() == [user("c")]


async def test_replace_newest_items_replaces_only_what_it_was_given(
    engine: sa.Engine, sid: str
) -> None:
    async with SQLAlchemySession(sid, engine) as session, SQLAlchemySession(sid, engine) as other:
        await session.add_items([user("a"), user("b"), user("c")])
        assert await session.replace_newest_items([user("b"), user("c")], [user("bc")])
        assert await other.get_items() == [user("a"), user("bc")]
        await other.add_items([user("d")])  # another writer moved the history on
        assert not await session.replace_newest_items([user("bc")], [user("x")])
        assert await session.get_items() == [user("a"), user("bc"), user("d")]
        assert await session.replace_newest_items([], [user("e")])
        assert (await session.get_items())[-1] == user("e")


async def test_sessions_with_different_ids_stay_separate(engine: sa.Engine, sid: str) -> None:
    async with (
        SQLAlchemySession(f"{sid}-1", engine) as first,
        SQLAlchemySession(f"{sid}-2", engine) as second,
    ):
        await first.add_items([user("1a"), user("1b")])
        await second.add_items([user("2a")])
        assert await first.pop_item() == user("1b")
        await second.clear_session()
        await second.add_items([user("2b")])
        assert await first.get_items() == [user("1a")]
        assert await second.get_items() == [user("2b")]


async def test_history_outlives_the_session_object(postgres_url: str, sid: str) -> None:
    async with SQLAlchemySession.from_url(sid, postgres_url) as writer:
        await writer.add_items([user("a"), user("b")])
    async with SQLAlchemySession.from_url(sid, url=postgres_url) as reader:
        assert await reader.get_items() == [user("a"), user("b")]


async def test_tables_are_created_on_first_use_with_the_reference_schema(
    engine: sa.Engine, sid: str
) -> None:
    tables = [f"s_{sid}", f"m_{sid}"]

    def columns() -> dict[str, list[str]]:
        inspector = sa.inspect(engine)
        return {
            name: [column["name"] for column in inspector.get_columns(name)]
            for name in tables
            if inspector.has_table(name)
        }

    session = SQLAlchemySession(sid, engine, sessions_table=tables[0], messages_table=tables[1])
    assert await anyio.to_thread.run_sync(columns) == {}
    async with session:
        await session.add_items([user("a")])
    assert await anyio.to_thread.run_sync(columns) == {
        f"s_{sid}": ["session_id", "created_at", "updated_at"],
        f"m_{sid}": ["id", "session_id", "message_data", "created_at"],
    }
    async with SQLAlchemySession(
        sid, engine, create_tables=False, messages_table=f"missing_{sid}"
    ) as without_tables:
        with pytest.raises(sa.exc.ProgrammingError, match="does not exist"):
            await without_tables.get_items()


async def test_closing_disposes_only_an_engine_the_session_made(
    engine: sa.Engine, postgres_url: str, sid: str
) -> None:
    borrowed = SQLAlchemySession(sid, engine)
    await borrowed.add_items([user("a")])
    await borrowed.aclose()
    borrowed.close()
    with pytest.raises(UserError, match="SQLAlchemySession is closed"):
        await borrowed.get_items()
    async with SQLAlchemySession(sid, engine) as again:  # the engine still works
        assert await again.get_items() == [user("a")]

    owned = SQLAlchemySession.from_url(sid, postgres_url)
    assert await owned.get_items() == [user("a")]
    assert idle_connections(owned.engine) == 1
    await owned.aclose()
    assert idle_connections(owned.engine) == 0


# Concurrency and cancellation


async def test_twenty_concurrent_writers_lose_nothing(engine: sa.Engine, sid: str) -> None:
    # Four objects on one session id: four connections write at once.
    sessions = [SQLAlchemySession(sid, engine) for _ in range(4)]

    async def write(writer: int) -> None:
        batch = [{"writer": writer, "n": n} for n in range(5)]
        await sessions[writer % len(sessions)].add_items(batch)

    async with anyio.create_task_group() as tg:
        for writer in range(20):
            tg.start_soon(write, writer)

    items = await sessions[0].get_items()
    assert len(items) == 100
    batches = [items[start : start + 5] for start in range(0, 100, 5)]
    for batch in batches:  # each add_items landed whole, in order, not interleaved
        assert batch == [{"writer": batch[0]["writer"], "n": n} for n in range(5)]
    assert sorted(batch[0]["writer"] for batch in batches) == list(range(20))


async def test_concurrent_pops_return_each_item_exactly_once(engine: sa.Engine, sid: str) -> None:
    sessions = [SQLAlchemySession(sid, engine) for _ in range(4)]
    await sessions[0].add_items([{"n": n} for n in range(10)])
    popped: list[Any] = []

    async def pop(caller: int) -> None:
        popped.append(await sessions[caller % len(sessions)].pop_item())

    async with anyio.create_task_group() as tg:
        for caller in range(20):
            tg.start_soon(pop, caller)

    assert sorted(item["n"] for item in popped if item is not None) == list(range(10))
    assert popped.count(None) == 10
    assert await sessions[-1].get_items() == []


@pytest.mark.parametrize("checkpoints_before_cancel", range(6))
async def test_a_cancelled_add_items_stores_all_items_or_none(
    engine: sa.Engine, sid: str, checkpoints_before_cancel: int
) -> None:
    session = SQLAlchemySession(sid, engine)
    items = [{"n": n} for n in range(1000)]
    async with anyio.create_task_group() as tg:
        tg.start_soon(session.add_items, items)
        for _ in range(checkpoints_before_cancel):
            await anyio.lowlevel.checkpoint()
        tg.cancel_scope.cancel()
    # The cancelled write has settled: a later write lands after it, never before.
    await session.add_items([{"n": "after"}])
    assert await session.get_items() in ([{"n": "after"}], [*items, {"n": "after"}])


async def test_a_write_cancelled_in_flight_waits_for_its_transaction(
    engine: sa.Engine, sid: str
) -> None:
    session = SQLAlchemySession(sid, engine)
    await session.add_items([{"n": "first"}])
    other_writer = await anyio.to_thread.run_sync(engine.connect)
    writer_scope = anyio.CancelScope()
    is_writer_done = False

    def lock_the_session_row() -> None:
        other_writer.execute(
            sa.text("SELECT 1 FROM agent_sessions WHERE session_id = :sid FOR UPDATE"),
            {"sid": sid},
        )

    async def write() -> None:
        nonlocal is_writer_done
        with writer_scope:
            await session.add_items([{"n": n} for n in range(1000)])
        is_writer_done = True

    try:
        await anyio.to_thread.run_sync(lock_the_session_row)
        async with anyio.create_task_group() as tg:
            tg.start_soon(write)
            await anyio.wait_all_tasks_blocked()  # its transaction waits for other_writer
            writer_scope.cancel()
            await anyio.wait_all_tasks_blocked()
            assert not is_writer_done  # cancelled, yet still waiting for its transaction
            await anyio.to_thread.run_sync(other_writer.rollback)
        assert len(await session.get_items()) == 1001
    finally:
        await anyio.to_thread.run_sync(other_writer.close)


# In a run, and on SQLite


async def test_a_conversation_is_remembered_across_runs(engine: sa.Engine, sid: str) -> None:
    model = ScriptedModel(["first answer", "second answer"])
    agent = Agent(name="assistant", model=model)
    async with SQLAlchemySession(sid, engine) as session:
        first = await Runner.run(agent, "first question", session=session)
        second = await Runner.run(agent, "second question", session=session)
        assert model.calls[1].input == [*first.to_input_list(), user("second question")]
        assert second.final_output == "second answer"
        assert await session.get_items() == second.to_input_list()


async def test_sqlite_urls_work_without_postgres(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    async with SQLAlchemySession.from_url("s", url) as session:
        await session.add_items([user("a"), user("b")])
        assert await session.pop_item() == user("b")
    async with SQLAlchemySession.from_url("s", url) as again:
        assert await again.get_items() == [user("a")]
    async with SQLAlchemySession.from_url(
        "s", "sqlite://", session_settings={"limit": 2}
    ) as in_memory:
        for text in "abc":  # each call may run in another worker thread
            await in_memory.add_items([user(text)])
        assert await in_memory.get_items() == [user("b"), user("c")]


# Packaging


def test_importing_structagents_does_not_import_sqlalchemy() -> None:
    code = "import sys, structagents; assert 'sqlalchemy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_sqlalchemy_the_import_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    monkeypatch.delitem(sys.modules, "structagents.sessions.sqlalchemy")
    with pytest.raises(ImportError, match=r"pip install 'structagents\[sqlalchemy\]'"):
        importlib.import_module("structagents.sessions.sqlalchemy")
