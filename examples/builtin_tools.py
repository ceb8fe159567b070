"""Client-side built-in tools: the model asks, your code runs the shell and edits the files.

A scripted model stands in for one that knows the `shell` and `apply_patch` tools, so this
runs offline. Run it: python examples/builtin_tools.py  (add --trio to run on trio)
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import anyio

from structagents import (
    Agent,
    ApplyPatchOperation,
    ApplyPatchResult,
    ApplyPatchTool,
    Runner,
    ShellCallOutcome,
    ShellCommandOutput,
    ShellCommandRequest,
    ShellResult,
    ShellTool,
)
from structagents.testing import ScriptedModel, apply_patch_call, shell_call


def run_commands(request: ShellCommandRequest) -> ShellResult:
    """A sync executor: the run calls it in a worker thread."""
    outputs = []
    for command in request.data.action.commands:
        done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=10)
        outcome = ShellCallOutcome(type="exit", exit_code=done.returncode)
        outputs.append(ShellCommandOutput(done.stdout, done.stderr, outcome, command))
    return ShellResult(output=outputs)


class MemoryEditor:
    """An `ApplyPatchEditor` over a dict (a real one would write files)."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}

    def create_file(self, operation: ApplyPatchOperation) -> ApplyPatchResult:
        lines = (operation.diff or "").splitlines()
        self.files[operation.path] = "".join(line[1:] + "\n" for line in lines)
        return ApplyPatchResult(output=f"created {operation.path}")

    def update_file(self, operation: ApplyPatchOperation) -> ApplyPatchResult:
        return ApplyPatchResult(status="failed", output="updates are not supported here")

    def delete_file(self, operation: ApplyPatchOperation) -> ApplyPatchResult:
        self.files.pop(operation.path, None)
        return ApplyPatchResult(output=f"deleted {operation.path}")


async def main() -> dict[str, Any]:
    editor = MemoryEditor()
    model = ScriptedModel(
        [
            [
                shell_call(["echo hello"], call_id="sh1"),
                apply_patch_call(
                    {"type": "create_file", "path": "notes.txt", "diff": "+hello"},
                    call_id="ap1",
                ),
            ],
            "Created notes.txt.",
        ]
    )
    agent = Agent(
        name="Coder",
        model=model,
        tools=[ShellTool(executor=run_commands), ApplyPatchTool(editor)],
    )
    result = await Runner.run(agent, "Write hello to notes.txt")
    shell_output, patch_output = model.calls[1].input[-2:]
    print(result.final_output)
    print("shell stdout:", shell_output["output"][0]["stdout"].strip())
    print("files:", editor.files)
    return {
        "stdout": shell_output["output"][0]["stdout"],
        "patch": patch_output,
        "files": editor.files,
    }


if __name__ == "__main__":
    anyio.run(main, backend="trio" if "--trio" in sys.argv else "asyncio")
