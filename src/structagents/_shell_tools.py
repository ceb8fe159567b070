"""Shell tools the run executes with your executor: `LocalShellTool` and `ShellTool`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from ._run_context import RunContextWrapper
from .exceptions import UserError

__all__ = [
    "LocalShellCommandRequest",
    "LocalShellExecutor",
    "LocalShellTool",
    "ShellActionRequest",
    "ShellCallData",
    "ShellCallOutcome",
    "ShellCommandOutput",
    "ShellCommandRequest",
    "ShellExecutor",
    "ShellResult",
    "ShellTool",
]


@dataclass
class LocalShellCommandRequest:
    """A `local_shell_call` to run: `data` is the call item (`action.command`, `env`, ...)."""

    ctx_wrapper: RunContextWrapper[Any]
    data: Mapping[str, Any]


LocalShellExecutor: TypeAlias = Callable[[LocalShellCommandRequest], "str | Awaitable[str]"]
"""Runs a local shell command and returns its output text (sync ones run in a worker thread)."""


@dataclass
class LocalShellTool:
    """The `local_shell` tool: the model asks for commands, `executor` runs them."""

    executor: LocalShellExecutor

    @property
    def name(self) -> str:
        return "local_shell"

    def tool_spec(self) -> dict[str, Any]:
        return {"type": "local_shell"}


@dataclass
class ShellCallOutcome:
    """How a command ended: `exit` (with its code) or `timeout`."""

    type: Literal["exit", "timeout"]
    exit_code: int | None = None


@dataclass
class ShellCommandOutput:
    """One command's output."""

    stdout: str = ""
    stderr: str = ""
    outcome: ShellCallOutcome = field(default_factory=lambda: ShellCallOutcome(type="exit"))
    command: str | None = None
    provider_data: dict[str, Any] | None = None

    @property
    def exit_code(self) -> int | None:
        return self.outcome.exit_code

    @property
    def status(self) -> Literal["completed", "timeout"]:
        return "timeout" if self.outcome.type == "timeout" else "completed"


@dataclass
class ShellResult:
    """What a `ShellExecutor` may return instead of plain text: one output per command."""

    output: list[ShellCommandOutput]
    max_output_length: int | None = None
    provider_data: dict[str, Any] | None = None


@dataclass
class ShellActionRequest:
    """The commands of a `shell_call`, with the model's time and output limits."""

    commands: list[str]
    timeout_ms: int | None = None
    max_output_length: int | None = None


@dataclass
class ShellCallData:
    """A `shell_call` as the executor sees it (`raw` is the call item)."""

    call_id: str
    action: ShellActionRequest
    status: Literal["in_progress", "completed"] | None = None
    raw: Any | None = None


@dataclass
class ShellCommandRequest:
    """A `shell_call` to run."""

    ctx_wrapper: RunContextWrapper[Any]
    data: ShellCallData


ShellExecutor: TypeAlias = Callable[
    [ShellCommandRequest], "str | ShellResult | Awaitable[str | ShellResult]"
]
"""Runs a shell call's commands (sync ones run in a worker thread)."""


@dataclass
class ShellTool:
    """The `shell` tool. With the default local environment, `executor` runs the commands;
    with a hosted one (`{"type": "container_auto"}`...) the service does and there is no
    executor."""

    executor: ShellExecutor | None = None
    name: str = "shell"
    environment: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        environment = dict(self.environment or {})
        environment.setdefault("type", "local")
        self.environment = environment
        if environment["type"] == "local" and self.executor is None:
            raise UserError("ShellTool with the local environment needs an executor=.")
        if environment["type"] != "local" and self.executor is not None:
            raise UserError("ShellTool with a hosted environment takes no executor.")

    @property
    def is_hosted(self) -> bool:
        return self.environment is not None and self.environment.get("type") != "local"

    def tool_spec(self) -> dict[str, Any]:
        return {"type": "shell", "environment": dict(self.environment or {"type": "local"})}


def shell_output_json(output: ShellCommandOutput) -> dict[str, Any]:
    """One command's output as the `shell_call_output` item carries it."""
    outcome: dict[str, Any] = {"type": output.outcome.type}
    if output.outcome.type == "exit":
        outcome["exit_code"] = 0 if output.exit_code is None else output.exit_code
    return {"stdout": output.stdout, "stderr": output.stderr, "outcome": outcome}


def shell_output_text(outputs: list[ShellCommandOutput]) -> str:
    """Outputs as readable text (the tool's output for hooks and results)."""
    chunks = []
    for output in outputs:
        lines = [f"$ {output.command}"] if output.command else []
        stdout, stderr = output.stdout.rstrip("\n"), output.stderr.rstrip("\n")
        if stdout:
            lines.append(stdout)
        if stderr:
            lines += ["", "stderr:", stderr] if stdout else ["stderr:", stderr]
        if output.exit_code not in (None, 0):
            lines.append(f"exit code: {output.exit_code}")
        if output.status == "timeout":
            lines.append("status: timeout")
        chunks.append("\n".join(lines).strip() or "(no output)")
    return "\n\n".join(chunks) or "(no output)"


def truncated(outputs: list[ShellCommandOutput], limit: int) -> list[ShellCommandOutput]:
    """`outputs` with stdout then stderr cut so all of them hold at most `limit` characters."""
    remaining = max(0, limit)
    cut = []
    for output in outputs:
        stdout = output.stdout[:remaining]
        remaining -= len(stdout)
        stderr = output.stderr[:remaining]
        remaining -= len(stderr)
        cut.append(
            ShellCommandOutput(stdout, stderr, output.outcome, output.command, output.provider_data)
        )
    return cut
