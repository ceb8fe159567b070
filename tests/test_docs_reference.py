"""The docs stay true to the code: the exception tree in docs/errors.md is the one in
structagents.exceptions, and the API reference documents every public name."""

from __future__ import annotations

import inspect
import re

import structagents
import structagents.testing
from structagents import exceptions
from tests.doc_blocks import ROOT

DOCS = ROOT / "docs"


def exception_tree() -> str:
    """The AgentsException hierarchy as text, each class with its other builtin bases and the
    first line of its docstring, in the order of exceptions.py."""
    lines: list[str] = []

    def first_sentence(cls: type) -> str:
        text = (inspect.getdoc(cls) or "").split("\n\n")[0].replace("\n", " ")
        return re.split(r"(?<=\.) ", text, maxsplit=1)[0]

    def also(cls: type) -> str:
        others = [
            b.__name__ for b in cls.__bases__ if not issubclass(b, exceptions.AgentsException)
        ]
        return f" (also a {', '.join(others)})" if others else ""

    def walk(cls: type, prefix: str, last: bool, root: bool) -> None:
        branch = "" if root else ("└── " if last else "├── ")
        bases = "" if root else also(cls)
        lines.append(f"{prefix}{branch}{cls.__name__}{bases}: {first_sentence(cls)}")
        children: list[type] = sorted(
            cls.__subclasses__(), key=lambda c: inspect.getsourcelines(c)[1]
        )
        inner = prefix if root else prefix + ("    " if last else "│   ")
        for i, child in enumerate(children):
            walk(child, inner, i == len(children) - 1, False)

    walk(exceptions.AgentsException, "", True, True)
    return "\n".join(lines)


def test_the_exception_tree_in_the_docs_is_the_real_one() -> None:
    page = (DOCS / "errors.md").read_text()
    match = re.search(r"<!-- exception-tree -->\n```text\n(.*?)\n```", page, flags=re.S)
    assert match, "docs/errors.md lost its <!-- exception-tree --> block"
    expected = exception_tree()
    assert match.group(1) == expected, (
        "docs/errors.md's exception tree is out of date; replace its block with:\n" + expected
    )


def test_every_exception_class_is_in_the_tree() -> None:
    defined = {
        name
        for name, value in vars(exceptions).items()
        if isinstance(value, type)
        and issubclass(value, BaseException)
        and value.__module__ == exceptions.__name__
    }
    tree = exception_tree()
    assert {name for name in defined if not re.search(rf"\b{name}\b", tree)} == set()


def test_the_api_reference_documents_every_public_name() -> None:
    documented = {
        match
        for page in (DOCS / "reference").glob("*.md")
        for match in re.findall(r"^::: (structagents(?:\.testing)?\.\w+)$", page.read_text(), re.M)
    }
    public = {f"structagents.{name}" for name in structagents.__all__}
    public |= {f"structagents.testing.{name}" for name in structagents.testing.__all__}
    missing = sorted(public - documented)
    assert not missing, (
        "add these to a page of docs/reference/ (a line `::: NAME` each): " + ", ".join(missing)
    )
    assert not sorted(documented - public), "the reference documents names that are not public"


def test_every_test_the_docs_name_exists() -> None:
    named = {
        ref
        for page in DOCS.rglob("*.md")
        for ref in re.findall(r"`(tests/test_\w+\.py::test_\w+)`", page.read_text())
    }
    assert named, "docs/guarantees.md names no test"
    missing = []
    for ref in sorted(named):
        path, name = ref.split("::")
        source = (ROOT / path).read_text() if (ROOT / path).exists() else ""
        if not re.search(rf"^(async )?def {name}\(", source, re.M):
            missing.append(ref)
    assert not missing, f"the docs name tests that do not exist: {missing}"


def test_links_into_the_docs_site_name_pages_that_exist() -> None:
    site = "https://structagents.github.io/structagents/"
    links = re.findall(rf"\]\(({re.escape(site)}[^)\s]*)\)", (ROOT / "README.md").read_text())
    assert links, "the README links the documentation site"
    config = (ROOT / "mkdocs.yml").read_text()
    assert f"site_url: {site}\n" in config
    for link in links:
        page = link.removeprefix(site).split("#")[0].strip("/")
        candidates = (
            [DOCS / f"{page}.md", DOCS / page / "index.md"] if page else [DOCS / "index.md"]
        )
        assert any(path.is_file() for path in candidates), f"{link}: no page in docs/"


def test_the_readme_sections_the_docs_include_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    included = {
        name
        for page in DOCS.rglob("*.md")
        for name in re.findall(r'^--8<-- "README\.md:(\w+)"$', page.read_text(), re.M)
    }
    assert included, "the guide pages include the README's sections"
    for name in sorted(included):
        start, end = f"<!-- --8<-- [start:{name}] -->", f"<!-- --8<-- [end:{name}] -->"
        assert readme.count(start) == readme.count(end) == 1, f"README.md lacks section {name}"
        assert readme.index(start) < readme.index(end)
