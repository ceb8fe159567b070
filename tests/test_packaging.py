"""What the package index gets: the sdist holds only what building and installing need, the
metadata has URLs, classifiers and keywords, and the README's links work off GitHub."""

from __future__ import annotations

import email
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = "https://github.com/structagents/structagents"
BUILD = "from hatchling.build import build_sdist, build_wheel; import sys; {}(sys.argv[1])"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built from the working tree by the project's build backend."""
    pytest.importorskip("hatchling", reason="hatchling (the build backend, in dev) is missing")
    out = tmp_path_factory.mktemp("dist")
    for hook in ("build_sdist", "build_wheel"):
        code = BUILD.format(hook)
        subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, check=True, timeout=120)
    return out


def package_files() -> set[str]:
    """The package's own files in the working tree (what the wheel and sdist must ship)."""
    package = ROOT / "src" / "structagents"
    return {
        path.relative_to(ROOT / "src").as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".typed")
    }


def test_the_sdist_holds_the_package_readme_and_license_only(dist: Path) -> None:
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    top = {name for name in names if not name.startswith("src/")}
    assert top == {"README.md", "LICENSE", "pyproject.toml", "PKG-INFO", ".gitignore"}
    shipped = {name.removeprefix("src/") for name in names if name.startswith("src/")}
    assert shipped == package_files()
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_the_wheel_ships_the_package_typed_with_its_license_and_command(dist: Path) -> None:
    [wheel] = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert {name for name in names if not name.startswith("structagents-")} == package_files()
    assert "structagents/py.typed" in names
    assert any(name.endswith("licenses/LICENSE") for name in names)
    assert "structagents = structagents.cli:main" in entry_points
    urls = dict(value.split(", ", 1) for value in metadata.get_all("Project-URL") or [])
    assert urls["Repository"] == REPOSITORY
    assert {"Homepage", "Documentation", "Issues"} <= set(urls)
    classifiers = metadata.get_all("Classifier") or []
    assert {"Framework :: AnyIO", "Framework :: Trio", "Typing :: Typed"} <= set(classifiers)
    assert "structured-concurrency" in (metadata["Keywords"] or "").split(",")
    assert metadata["Description-Content-Type"] == "text/markdown"


def test_readme_links_and_images_are_absolute_and_point_at_files_that_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    prose = re.sub(r"```.*?```", "", readme, flags=re.S)
    targets = re.findall(r"\]\(([^)\s]+)\)", prose)
    assert targets
    relative = [t for t in targets if not t.startswith(("https://", "http://"))]
    assert relative == [], "links off the package index page must be absolute"
    own = ("/blob/main/", "/tree/main/")
    for target in targets:
        for marker in own:
            if target.startswith(REPOSITORY + marker):
                path = target.removeprefix(REPOSITORY + marker).split("#")[0]
                assert (ROOT / path).exists(), target
        raw = "https://raw.githubusercontent.com/structagents/structagents/main/"
        if target.startswith(raw):
            assert (ROOT / target.removeprefix(raw)).is_file(), target
