"""Read a function's summary and parameter descriptions from its docstring.

Google (`Args:`), Sphinx (`:param x:`) and NumPy (`Parameters` + dashes) styles are understood.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

__all__ = ["DocstringInfo", "parse_docstring"]

_GOOGLE_SECTION = re.compile(r"^(Args|Arguments|Parameters|Params)\s*:\s*$")
_OTHER_GOOGLE_SECTION = re.compile(
    r"^(Returns?|Yields?|Raises|Examples?|Notes?|Warnings?|See Also|Attributes|Todo|"
    r"References|Keyword Args|Keyword Arguments|Other Parameters)\s*:\s*$"
)
_GOOGLE_PARAM = re.compile(r"^\*{0,2}(\w+)\s*(?:\(.*?\))?\s*:\s*(.*)$")
_SPHINX_PARAM = re.compile(r"^:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$")
_SPHINX_FIELD = re.compile(r"^:\w+")
_NUMPY_PARAM = re.compile(r"^(\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)*)\s*(?::.*)?$")


@dataclass
class DocstringInfo:
    """A docstring's summary text and per-parameter descriptions."""

    description: str | None = None
    params: dict[str, str] = field(default_factory=dict)


def parse_docstring(doc: str | None) -> DocstringInfo:
    """Split `doc` into its leading description and its parameter descriptions."""
    if not doc:
        return DocstringInfo()
    lines = inspect.cleandoc(doc).splitlines()
    head: list[str] = []
    params: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()
        if _GOOGLE_SECTION.match(stripped):
            i = _read_google(lines, i + 1, params)
        elif _SPHINX_PARAM.match(stripped) or _SPHINX_FIELD.match(stripped):
            i = _read_sphinx(lines, i, params)
        elif i + 1 < len(lines) and _is_numpy_header(stripped, lines[i + 1].strip()):
            if stripped in ("Parameters", "Arguments", "Args"):
                i = _read_numpy(lines, i + 2, params)
            else:
                i = _skip_numpy(lines, i + 2)
        elif _OTHER_GOOGLE_SECTION.match(stripped):
            i = _skip_google(lines, i + 1)
        else:
            head.append(stripped)
            i += 1
    description = "\n".join(head).strip() or None
    return DocstringInfo(description=description, params=params)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _read_google(lines: list[str], i: int, params: dict[str, str]) -> int:
    current: str | None = None
    base: int | None = None
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        indent = _indent(line)
        if indent == 0:
            break
        if base is None:
            base = indent
        match = _GOOGLE_PARAM.match(line.strip())
        if indent == base and match:
            current = match.group(1)
            params[current] = match.group(2).strip()
        elif current is not None:
            params[current] = f"{params[current]} {line.strip()}".strip()
        i += 1
    return i


def _skip_google(lines: list[str], i: int) -> int:
    while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > 0):
        i += 1
    return i


def _read_sphinx(lines: list[str], i: int, params: dict[str, str]) -> int:
    current: str | None = None
    while i < len(lines):
        stripped = lines[i].strip()
        match = _SPHINX_PARAM.match(stripped)
        if match:
            current = match.group(1)
            params[current] = match.group(2).strip()
        elif _SPHINX_FIELD.match(stripped):
            current = None
        elif stripped and _indent(lines[i]) > 0:
            if current is not None:  # else: the continuation of another field, e.g. :returns:
                params[current] = f"{params[current]} {stripped}".strip()
        elif stripped:
            break
        i += 1
    return i


def _is_numpy_header(line: str, underline: str) -> bool:
    return bool(line) and len(underline) >= 3 and set(underline) == {"-"}


def _read_numpy(lines: list[str], i: int, params: dict[str, str]) -> int:
    current: list[str] = []
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if i + 1 < len(lines) and _is_numpy_header(stripped, lines[i + 1].strip()):
            break
        if stripped and _indent(line) == 0:
            match = _NUMPY_PARAM.match(stripped)
            names = match.group(1).split(",") if match else []
            current = [name.strip().lstrip("*") for name in names]
            for name in current:
                params[name] = ""
        elif stripped:
            for name in current:
                params[name] = f"{params[name]} {stripped}".strip()
        i += 1
    return i


def _skip_numpy(lines: list[str], i: int) -> int:
    while i < len(lines):
        if i + 1 < len(lines) and _is_numpy_header(lines[i].strip(), lines[i + 1].strip()):
            break
        i += 1
    return i
