"""The reference SDK's `agents.editor` module path: the editor an `ApplyPatchTool` uses."""

from ._editor import ApplyPatchEditor as ApplyPatchEditor
from ._editor import ApplyPatchOperation as ApplyPatchOperation
from ._editor import ApplyPatchOperationType as ApplyPatchOperationType
from ._editor import ApplyPatchResult as ApplyPatchResult

__all__ = ["ApplyPatchEditor", "ApplyPatchOperation", "ApplyPatchOperationType", "ApplyPatchResult"]
