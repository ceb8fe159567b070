"""A `FakeOpenAIServer` script read from a JSON (or, with PyYAML installed, YAML) file.

The file holds a list; each entry is one reply:

- a string: an assistant message with that text;
- a list of Responses-API output items (dicts), sent as they are;
- an object with any of `message` (text), `tool_calls` (a list of `{name, arguments,
  call_id}`, `call_id` optional), `output` (raw items) and `delay` (seconds before the
  reply); or `{"http_error": 429, "message": "..."}`, an OpenAI-style error reply.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, TypeAlias, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
)

from ._fake_openai import Fault, ServerStep
from ._scripted_model import ModelStep, assistant_message, function_call

__all__ = ["ScriptFileError", "load_script_file"]


class ScriptFileError(ValueError):
    """The script file cannot be read or does not have the expected shape."""


class _ToolCall(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    arguments: dict[str, Any] | str = Field(default_factory=dict)
    call_id: str | None = None


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str | None = None
    tool_calls: list[_ToolCall] = Field(default_factory=list)
    output: list[dict[str, Any]] = Field(default_factory=list)
    delay: float | None = Field(default=None, ge=0)
    http_error: int | None = Field(default=None, ge=400, le=599)


_KINDS: dict[type, str] = {str: "text", list: "items", dict: "reply"}


def _kind(entry: object) -> str | None:
    return _KINDS.get(type(entry))


_Entry: TypeAlias = Annotated[
    Union[  # noqa: UP007 (a runtime value)
        Annotated[str, Tag("text")],
        Annotated[list[dict[str, Any]], Tag("items")],
        Annotated[_Reply, Tag("reply")],
    ],
    Discriminator(
        _kind,
        custom_error_type="entry_type",
        custom_error_message="an entry is a string, a list of output items or an object",
    ),
]
_SCRIPT: TypeAdapter[list[_Entry]] = TypeAdapter(list[_Entry])


def load_script_file(path: str | Path) -> list[ServerStep]:
    """The steps written in the file at `path` (`.json`, `.yaml` or `.yml`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptFileError(f"cannot read the script {path}: {exc.strerror}") from exc
    data = _parse(path, text)
    try:
        entries = _SCRIPT.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        index, *inner = first["loc"] or ("",)
        where = f"entry {index + 1}" if isinstance(index, int) else "the script"
        field = ".".join(str(part) for part in inner if part not in ("text", "items", "reply"))
        detail = f" ({field})" if field else ""
        raise ScriptFileError(
            f"{path}: {where}{detail}: {first['msg']} (the script is a list of strings, lists "
            "of output items, or objects with message / tool_calls / output / delay / "
            "http_error)"
        ) from exc
    return [_step(entry, number) for number, entry in enumerate(entries, 1)]


def _parse(path: Path, text: str) -> Any:
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml  # type: ignore[import-untyped, unused-ignore]
        except ImportError:
            raise ScriptFileError(
                f"{path}: reading YAML needs PyYAML (pip install pyyaml), or write the script "
                "as JSON"
            ) from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ScriptFileError(f"{path} is not valid YAML: {exc}") from exc
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ScriptFileError(f"{path} is not valid JSON: {exc}") from exc


def _step(entry: _Entry, number: int) -> ServerStep:
    if not isinstance(entry, _Reply):
        return entry
    if entry.http_error is not None:
        fault = Fault.http_error(entry.http_error, entry.message or "Scripted error.")
        return fault if entry.delay is None else Fault.delay(entry.delay, then=fault)
    output: list[Any] = [assistant_message(entry.message)] if entry.message is not None else []
    output += [
        function_call(call.name, call.arguments, call_id=call.call_id or f"call_{number}_{i}")
        for i, call in enumerate(entry.tool_calls, 1)
    ]
    output += entry.output
    return ModelStep(output=output, delay=entry.delay)
