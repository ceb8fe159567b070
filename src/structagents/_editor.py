"""`ApplyPatchTool`: the model edits files through an `ApplyPatchEditor` you provide."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeAlias, runtime_checkable

from ._run_context import RunContextWrapper
from .exceptions import UserError

__all__ = [
    "ApplyPatchEditor",
    "ApplyPatchOperation",
    "ApplyPatchOperationType",
    "ApplyPatchResult",
    "ApplyPatchTool",
]

ApplyPatchOperationType: TypeAlias = Literal["create_file", "update_file", "delete_file"]


@dataclass
class ApplyPatchOperation:
    """One file change the model asked for; `diff` is in the apply_patch (V4A) format."""

    type: ApplyPatchOperationType
    path: str
    diff: str | None = None
    ctx_wrapper: RunContextWrapper[Any] | None = None
    move_to: str | None = None


@dataclass
class ApplyPatchResult:
    """What an editor method may return: a status (default completed) and text for the model."""

    status: Literal["completed", "failed"] | None = None
    output: str | None = None


_EditorReturn: TypeAlias = "ApplyPatchResult | str | None"


@runtime_checkable
class ApplyPatchEditor(Protocol):
    """Applies file operations (sync methods run in a worker thread, async ones are awaited)."""

    def create_file(
        self, operation: ApplyPatchOperation
    ) -> _EditorReturn | Awaitable[_EditorReturn]: ...

    def update_file(
        self, operation: ApplyPatchOperation
    ) -> _EditorReturn | Awaitable[_EditorReturn]: ...

    def delete_file(
        self, operation: ApplyPatchOperation
    ) -> _EditorReturn | Awaitable[_EditorReturn]: ...


@dataclass
class ApplyPatchTool:
    """The `apply_patch` tool: each `apply_patch_call` goes to `editor`; an editor that raises
    or returns a failed result sends `status: "failed"` (and the error text) to the model."""

    editor: ApplyPatchEditor
    name: str = "apply_patch"

    def __post_init__(self) -> None:
        if not isinstance(self.editor, ApplyPatchEditor):
            raise UserError(
                "ApplyPatchTool needs an editor with create_file, update_file and delete_file "
                f"methods, not {self.editor!r}."
            )

    def tool_spec(self) -> dict[str, Any]:
        return {"type": "apply_patch"}
