"""The README's `ModelSettings` and `RunConfig` tables list every field, with its real default."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from structagents import ModelSettings, RunConfig

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def table_rows(title: str) -> dict[str, str]:
    """Field name -> the default the README's table with header `| title | default |` gives."""
    match = re.search(
        rf"^\| {re.escape(title)} \| default \|.*\n\|[-| ]+\|\n((?:\|.*\n)+)", README, re.M
    )
    assert match is not None, f"README has no table headed {title!r}"
    rows: dict[str, str] = {}
    for line in match.group(1).splitlines():
        names_cell, default_cell = (cell.strip() for cell in line.strip("|").split(" | ")[:2])
        names = re.findall(r"`([a-z_]+)`", names_cell)
        defaults = re.findall(r"`([^`]+)`", re.sub(r"\(.*?\)", "", default_cell))
        assert names, f"no field names in README row {line!r}"
        if len(defaults) == 1:
            defaults *= len(names)
        assert len(defaults) == len(names), f"one default, or one per field, in {line!r}"
        for name, default in zip(names, defaults, strict=True):
            assert name not in rows, f"{name} is listed twice"
            rows[name] = default
    return rows


def shown(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value)


@pytest.mark.parametrize(
    ("cls", "title"), [(ModelSettings, "`ModelSettings` field"), (RunConfig, "`RunConfig` field")]
)
def test_the_readme_table_lists_every_field_with_its_default(cls: type[Any], title: str) -> None:
    rows = table_rows(title)
    instance = cls()
    expected = {f.name: shown(getattr(instance, f.name)) for f in dataclasses.fields(cls)}
    assert sorted(rows) == sorted(expected), "the README table and the dataclass differ"
    assert rows == expected
