"""Port code written for the OpenAI Agents SDK: `python -m structagents.migrate PATH...`.

Two rewrites, each made only where it is certainly right:

- imports: `from agents import X` / `from agents.sub import X` become `structagents` imports
  (when structagents has that module), `import agents` becomes `import structagents as agents`;
- streamed runs: `result = Runner.run_streamed(...)` directly followed by
  `async for event in result.stream_events(): ...` becomes
  `async with Runner.run_streamed(...) as result:` around that loop.

Everything else is left as it was, with a message naming the line and what to do by hand.
Each rewritten file is parsed again and compared with the intended tree before it is written.
By default the changes are printed as a diff; `--write` writes them.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib.util
import io
import sys
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Migration", "main", "migrate_source"]

_STATEMENT_LISTS = ("body", "orelse", "finalbody")


@dataclass
class Migration:
    """The outcome for one source text: the new text, what changed, and what was left."""

    source: str
    changes: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def migrate_source(source: str, filename: str = "<source>") -> Migration:
    """Rewrite one module's source; returns it unchanged (with messages) when unsure."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:
        return Migration(source, left=[f"{filename}:{exc.lineno}: not valid Python, not changed"])
    lines = source.splitlines(keepends=True)
    protected = _string_continuation_lines(source)
    migration = Migration(source)
    done: dict[tuple[int, int], int] = {}  # (line, column) of each rewritten statement
    runs = _streamed_runs(tree, filename, migration.left)
    # Bottom-up, so an outer rewrite indents the already rewritten inner one; a rewrite keeps
    # the number of lines, so the positions of the others stay valid.
    for assign, between, loop in sorted(runs, key=lambda run: -run[0].lineno):
        if _rewrite_streamed(lines, assign, loop, protected):
            done[(assign.lineno, assign.col_offset)] = between
            migration.changes.append(f"{filename}:{assign.lineno}: `async with` around the stream")
        else:
            migration.left.append(
                f"{filename}:{assign.lineno}: run_streamed(...) shares its lines with other code;"
                " put `async with Runner.run_streamed(...) as result:` around its loop by hand"
            )
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom | ast.Import) and _rewrite_import(
            lines, node, filename, migration
        ):
            done[(node.lineno, node.col_offset)] = 0
    new_source = "".join(lines)
    if new_source == source:
        return migration
    expected = ast.dump(_Intended(done).visit(tree))
    try:
        actual = ast.dump(ast.parse(new_source))
    except SyntaxError as exc:
        actual = f"not Python: {exc}"
    if actual != expected:
        note = f"{filename}: not changed: the rewrite did not give the intended program"
        return Migration(source, left=[note, *migration.left])
    migration.source = new_source
    return migration


def _streamed_runs(
    tree: ast.AST, filename: str, left: list[str]
) -> list[tuple[ast.Assign | ast.AnnAssign, int, ast.AsyncFor]]:
    """(assignment, statements in between, loop) for each rewritable streamed run; a message in
    `left` for each other `run_streamed(...)` call that is not entered with `async with`."""
    runs: list[tuple[ast.Assign | ast.AnnAssign, int, ast.AsyncFor]] = []
    handled: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AsyncWith | ast.With):
            handled.update(id(item.context_expr) for item in node.items)
        for name in _STATEMENT_LISTS:
            statements = getattr(node, name, None)
            if not isinstance(statements, list) or not statements:
                continue
            for index, statement in enumerate(statements):
                target = _streamed_assignment(statement)
                loop = _event_loop_after(statements[index + 1 :], target) if target else None
                if loop is not None and _yields(loop):
                    handled.add(id(getattr(statement, "value", None)))
                    left.append(
                        f"{filename}:{statement.lineno}: the loop over this stream yields (an"
                        " async generator): `async with` around it is right only if the"
                        " generator is always finished or closed (contextlib.aclosing) in the"
                        " task that iterates it; rewrite it by hand"
                    )
                elif loop is not None:
                    assert isinstance(statement, ast.Assign | ast.AnnAssign)
                    handled.add(id(statement.value))
                    runs.append((statement, statements.index(loop) - index - 1, loop))
    for node in ast.walk(tree):
        if _is_run_streamed(node) and id(node) not in handled:
            assert isinstance(node, ast.Call)
            left.append(
                f"{filename}:{node.lineno}: run_streamed(...) is not assigned to a name that the"
                " next statement, an `async for` over its stream_events(), reads; enter it by"
                " hand: `async with Runner.run_streamed(...) as result:` around the code that"
                " reads the stream"
            )
    return runs


# Statements that may stand between the assignment and the loop: they move into the block,
# where they run while the run runs (as they did in the reference, whose run starts at once).
_MOVABLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Assert, ast.Pass)


def _event_loop_after(statements: list[ast.stmt], name: str) -> ast.AsyncFor | None:
    """The `async for` over `name.stream_events()` that follows, past simple statements that
    do not rebind `name` (None: there is none)."""
    for statement in statements:
        if _loops_over_events(statement, name):
            assert isinstance(statement, ast.AsyncFor)
            return statement
        if not isinstance(statement, _MOVABLE) or any(
            (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store))
            or isinstance(node, ast.Yield | ast.YieldFrom | ast.NamedExpr)
            for node in ast.walk(statement)
        ):
            return None
    return None


def _yields(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(node))


def _is_run_streamed(node: ast.AST | None) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "run_streamed"
    )


def _streamed_assignment(statement: ast.stmt) -> str | None:
    """The name in `name = X.run_streamed(...)` (or `name: T = ...`)."""
    value: ast.expr | None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign):
        target, value = statement.target, statement.value
    else:
        return None
    if isinstance(target, ast.Name) and _is_run_streamed(value):
        return target.id
    return None


def _loops_over_events(statement: ast.stmt | None, name: str) -> bool:
    """`async for ... in name.stream_events():`"""
    if not isinstance(statement, ast.AsyncFor):
        return False
    it = statement.iter
    return (
        isinstance(it, ast.Call)
        and not it.args
        and not it.keywords
        and isinstance(it.func, ast.Attribute)
        and it.func.attr == "stream_events"
        and isinstance(it.func.value, ast.Name)
        and it.func.value.id == name
    )


def _rewrite_streamed(
    lines: list[str], assign: ast.Assign | ast.AnnAssign, loop: ast.AsyncFor, protected: set[int]
) -> bool:
    """Turn the assignment into `async with CALL as name:` and indent the loop under it."""
    call, name = assign.value, _streamed_assignment(assign)
    assert call is not None
    assert name is not None
    first, last = assign.lineno - 1, (call.end_lineno or call.lineno) - 1
    indent = lines[first][: assign.col_offset]
    end_col = call.end_col_offset or 0
    if indent.strip() or call.lineno != assign.lineno or not _only_comment(lines[last][end_col:]):
        return False  # another statement on one of its lines (`a = ...; b`), or odd layout
    body = loop.body[0]
    unit = "\t" if "\t" in indent else "    "
    if body.lineno != loop.lineno:
        prefix = lines[body.lineno - 1][: body.col_offset]
        if prefix.startswith(indent) and not prefix.strip() and len(prefix) > len(indent):
            unit = prefix[len(indent) :]
    head, tail = lines[first][call.col_offset :], lines[last][end_col:]
    if first == last:
        lines[first] = f"{indent}async with {head[: end_col - call.col_offset]} as {name}:{tail}"
    else:  # the call's own line breaks stay as they are
        lines[first] = f"{indent}async with {head}"
        lines[last] = f"{lines[last][:end_col]} as {name}:{tail}"
    for number in range(last + 1, loop.end_lineno or loop.lineno):
        if number + 1 not in protected and lines[number].strip():
            lines[number] = unit + lines[number]
    return True


def _only_comment(rest: str) -> bool:
    stripped = rest.strip()
    return not stripped or stripped.startswith("#")


def _string_continuation_lines(source: str) -> set[int]:
    """1-based numbers of the lines that continue a multi-line string (their text is data)."""
    inside: set[int] = set()
    string_types = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in string_types and token.end[0] > token.start[0]:
                inside.update(range(token.start[0] + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):  # pragma: no cover (the source parsed)
        pass
    return inside


def _rewrite_import(
    lines: list[str], node: ast.Import | ast.ImportFrom, filename: str, migration: Migration
) -> bool:
    """Point an `agents` import at structagents; whether it was rewritten."""
    where = f"{filename}:{node.lineno}"
    number = node.lineno - 1
    line = lines[number]
    if isinstance(node, ast.ImportFrom):
        module = _ours(node.module) if node.level == 0 else None
        if module is None:
            return False
        if not _module_exists(module):
            migration.left.append(f"{where}: structagents has no module `{module}`; not changed")
            return False
        start = line.find(node.module or "", node.col_offset + len("from"))
        if start < 0:
            migration.left.append(f"{where}: change this import to `{module}` by hand")
            return False
        lines[number] = line[:start] + module + line[start + len(node.module or "") :]
        migration.changes.append(f"{where}: import from {module}")
        missing = _missing_names(module, [alias.name for alias in node.names])
        if missing:
            migration.left.append(
                f"{where}: structagents has no {', '.join(missing)}; see the migration guide"
            )
        return True
    ours = [alias for alias in node.names if _ours(alias.name) is not None]
    if not ours:
        return False
    alias = ours[0]
    if len(node.names) != 1 or alias.name != "agents" or node.end_lineno != node.lineno:
        migration.left.append(
            f"{where}: change `import {alias.name}` by hand (`import structagents as agents`"
            " gives the same names; the reference's submodules are its attributes)"
        )
        return False
    segment = line[node.col_offset : node.end_col_offset]
    replacement = (
        "import structagents as agents"
        if alias.asname is None
        else segment.replace("agents", "structagents", 1)
    )
    lines[number] = line[: node.col_offset] + replacement + line[node.end_col_offset :]
    migration.changes.append(f"{where}: import structagents")
    return True


def _ours(module: str | None) -> str | None:
    """structagents' name for one of the reference's modules (None: not the reference's)."""
    if module == "agents" or (module or "").startswith("agents."):
        return "structagents" + (module or "")[len("agents") :]
    return None


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


def _missing_names(module: str, names: Sequence[str]) -> list[str]:
    if module != "structagents":
        return []
    import structagents

    return [name for name in names if name != "*" and not hasattr(structagents, name)]


class _Intended(ast.NodeTransformer):
    """The tree the rewrites are meant to give, built from the original tree."""

    def __init__(self, done: dict[tuple[int, int], int]) -> None:
        self.done = done

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in _STATEMENT_LISTS:
            statements = getattr(node, name, None)
            if isinstance(statements, list):
                setattr(node, name, self._statements(statements))
        return node

    def _statements(self, statements: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        index = 0
        while index < len(statements):
            statement = statements[index]
            index += 1
            position = (statement.lineno, statement.col_offset)
            if isinstance(statement, ast.Assign | ast.AnnAssign) and position in self.done:
                name = _streamed_assignment(statement)
                assert name is not None
                assert statement.value is not None
                item = ast.withitem(statement.value, ast.Name(name, ast.Store()))
                body = statements[index : index + self.done[position] + 1]
                out.append(ast.AsyncWith(items=[item], body=body))
                index += len(body)
                continue
            if position in self.done:
                if isinstance(statement, ast.ImportFrom):
                    statement.module = _ours(statement.module)
                elif isinstance(statement, ast.Import):
                    alias = statement.names[0]
                    statement.names = [ast.alias("structagents", alias.asname or "agents")]
            out.append(statement)
        return out


def _python_files(paths: Sequence[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.py") if ".venv" not in p.parts)
        else:
            yield path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m structagents.migrate",
        description="Port code from the OpenAI Agents SDK (openai-agents) to structagents: "
        "rewrites `agents` imports and puts `async with` around streamed runs. Prints a diff "
        "unless --write is given; says where it left code for you to change by hand.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Python files or directories")
    parser.add_argument("--write", action="store_true", help="write the changes to the files")
    args = parser.parse_args(argv)
    changed = left = 0
    for path in _python_files(args.paths):
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: cannot read: {exc}", file=sys.stderr)
            left += 1
            continue
        migration = migrate_source(source, str(path))
        for message in migration.left:
            print(f"{message}", file=sys.stderr)
        left += len(migration.left)
        if not migration.changed:
            continue
        changed += 1
        if args.write:
            path.write_text(migration.source, encoding="utf-8")
        else:
            diff = difflib.unified_diff(
                source.splitlines(keepends=True),
                migration.source.splitlines(keepends=True),
                f"{path}",
                f"{path} (migrated)",
            )
            sys.stdout.writelines(diff)
    verb = "changed" if args.write else "to change (run again with --write)"
    print(f"{changed} file(s) {verb}; {left} place(s) left for you", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
