"""Rich function tool outputs: text, images and files, sent to the model as content parts."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError, model_validator
from typing_extensions import NotRequired, TypedDict

__all__ = [
    "ToolOutputFileContent",
    "ToolOutputFileContentDict",
    "ToolOutputImage",
    "ToolOutputImageDict",
    "ToolOutputText",
    "ToolOutputTextDict",
    "structured_tool_output",
]


class ToolOutputText(BaseModel):
    """Text a tool returns, sent as an `input_text` part."""

    type: Literal["text"] = "text"
    text: str


class ToolOutputTextDict(TypedDict, total=False):
    """`ToolOutputText` as a dict."""

    type: Literal["text"]
    text: str


class ToolOutputImage(BaseModel):
    """An image a tool returns (a URL, a data URL or an uploaded file id): an `input_image` part."""

    type: Literal["image"] = "image"
    image_url: str | None = None
    file_id: str | None = None
    detail: Literal["low", "high", "auto"] | None = None

    @model_validator(mode="after")
    def _has_a_source(self) -> ToolOutputImage:
        if self.image_url is None and self.file_id is None:
            raise ValueError("ToolOutputImage needs image_url or file_id")
        return self


class ToolOutputImageDict(TypedDict, total=False):
    """`ToolOutputImage` as a dict."""

    type: Literal["image"]
    image_url: NotRequired[str]
    file_id: NotRequired[str]
    detail: NotRequired[Literal["low", "high", "auto"]]


class ToolOutputFileContent(BaseModel):
    """A file a tool returns (inline data, a URL or a file id): an `input_file` part."""

    type: Literal["file"] = "file"
    file_data: str | None = None
    file_url: str | None = None
    file_id: str | None = None
    filename: str | None = None

    @model_validator(mode="after")
    def _has_a_source(self) -> ToolOutputFileContent:
        if self.file_data is None and self.file_url is None and self.file_id is None:
            raise ValueError("ToolOutputFileContent needs file_data, file_url or file_id")
        return self


class ToolOutputFileContentDict(TypedDict, total=False):
    """`ToolOutputFileContent` as a dict."""

    type: Literal["file"]
    file_data: NotRequired[str]
    file_url: NotRequired[str]
    file_id: NotRequired[str]
    filename: NotRequired[str]


_Output = ToolOutputText | ToolOutputImage | ToolOutputFileContent
_adapter: TypeAdapter[_Output] = TypeAdapter(_Output)
_PART_TYPES = {"text": "input_text", "image": "input_image", "file": "input_file"}


def _as_output(value: Any) -> _Output | None:
    if isinstance(value, ToolOutputText | ToolOutputImage | ToolOutputFileContent):
        return value
    if isinstance(value, dict) and value.get("type") in _PART_TYPES:
        try:
            return _adapter.validate_python(value)
        except ValidationError:
            return None
    return None


def structured_tool_output(output: Any) -> list[dict[str, Any]] | None:
    """The Responses content parts for a rich output (one, or a non-empty list of them);
    `None` when `output` is something else (it is then sent as text)."""
    values = list(output) if isinstance(output, list | tuple) else [output]
    outputs = [_as_output(value) for value in values]
    if not outputs or any(o is None for o in outputs):
        return None
    return [
        {"type": _PART_TYPES[o.type], **o.model_dump(exclude_none=True, exclude={"type"})}
        for o in outputs
        if o is not None
    ]
