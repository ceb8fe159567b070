"""The client-side tool kinds beyond function tools, and the hosted items that pass through.

Each kind runs one call item through the tool phase like a function call (own cancel scope,
limiter, timeout, hooks) and answers it with the output item the Responses API expects.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from typing import Any

import anyio.to_thread

from .._agent import Agent
from .._computer import AsyncComputer, ComputerTool, ComputerToolSafetyCheckData
from .._editor import ApplyPatchOperation, ApplyPatchResult, ApplyPatchTool
from .._hosted_tools import HostedMCPTool, MCPToolApprovalRequest
from .._items import (
    MCPApprovalRequestItem,
    MCPApprovalResponseItem,
    MCPListToolsItem,
    RunItem,
    ToolCallItem,
    ToolCallOutputItem,
    TResponseOutputItem,
)
from .._run_context import ToolContext
from .._shell_tools import (
    LocalShellCommandRequest,
    LocalShellTool,
    ShellActionRequest,
    ShellCallData,
    ShellCallOutcome,
    ShellCommandOutput,
    ShellCommandRequest,
    ShellResult,
    ShellTool,
    shell_output_json,
    shell_output_text,
    truncated,
)
from .._tools import Tool, ToolTimeoutBehavior
from ..exceptions import ModelBehaviorError, UserError
from ._tool_calls import ToolRun

__all__ = ["HOSTED_ITEMS", "RUN_KINDS"]


async def call_user_code(function: Callable[..., Any], *args: Any) -> Any:
    """Await an async function; run a sync one in a worker thread (awaiting what it returns
    if that is awaitable)."""
    if inspect.iscoroutinefunction(function):
        return await function(*args)
    result = await anyio.to_thread.run_sync(functools.partial(function, *args))
    return await result if inspect.isawaitable(result) else result


def _error_text(error: Exception) -> str:
    return str(error) or type(error).__name__


class ComputerRun(ToolRun):
    """A `computer_call`: one action on the computer, then a screenshot for the model.

    An action that raises fails the run (the model cannot go on without a screenshot); so
    does a timeout."""

    __slots__ = ("_acknowledged",)
    tool: ComputerTool[Any]
    tool_type = ComputerTool
    error_tool_type = "computer"

    @property
    def tool_name(self) -> str:
        return self.tool.name

    @property
    def arguments(self) -> str:
        return json.dumps(self.call.get("action") or {})

    @property
    def timeout_behavior(self) -> ToolTimeoutBehavior:
        return "raise_exception"

    async def invoke(self, ctx: ToolContext[Any]) -> Any:
        assert ctx.agent is not None
        self._acknowledged = await self.acknowledged_checks(ctx, ctx.agent)
        computer = self.tool.computer
        action = self.call.get("action") or {}
        try:
            step = _computer_step(computer, action)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelBehaviorError(f"Malformed computer action {action!r}: {exc!r}") from exc
        if step is not None:
            await self._call(*step)
        screenshot = await self._call(computer.screenshot)
        return f"data:image/png;base64,{screenshot}" if screenshot else ""

    async def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        if isinstance(self.tool.computer, AsyncComputer):
            return await method(*args)
        return await anyio.to_thread.run_sync(functools.partial(method, *args))

    async def acknowledged_checks(
        self, ctx: ToolContext[Any], agent: Agent[Any]
    ) -> list[dict[str, Any]] | None:
        """The call's pending safety checks `on_safety_check` acknowledged (all, or an error)."""
        checks = self.call.get("pending_safety_checks") or []
        if not checks or self.tool.on_safety_check is None:
            return None
        acknowledged = []
        for check in checks:
            data = ComputerToolSafetyCheckData(ctx, agent, self.call, check)
            if not await call_user_code(self.tool.on_safety_check, data):
                raise UserError(f"Computer tool safety check was not acknowledged: {check!r}")
            acknowledged.append(
                {k: check[k] for k in ("id", "code", "message") if check.get(k) is not None}
            )
        return acknowledged

    def output_item(self, agent: Agent[Any], output: Any) -> RunItem:
        raw: dict[str, Any] = {
            "type": "computer_call_output",
            "call_id": self.call_id,
            "output": {"type": "computer_screenshot", "image_url": output},
        }
        if getattr(self, "_acknowledged", None):
            raw["acknowledged_safety_checks"] = self._acknowledged
        return ToolCallOutputItem(agent, raw, output)


def _computer_step(computer: Any, action: dict[str, Any]) -> tuple[Any, ...] | None:
    """The computer method (and its arguments) for one action; `None` for a screenshot."""
    match action.get("type"):
        case "click":
            return computer.click, action["x"], action["y"], action.get("button", "left")
        case "double_click":
            return computer.double_click, action["x"], action["y"]
        case "drag":
            return computer.drag, [(point["x"], point["y"]) for point in action["path"]]
        case "keypress":
            return computer.keypress, list(action["keys"])
        case "move":
            return computer.move, action["x"], action["y"]
        case "scroll":
            x, y = action["x"], action["y"]
            return computer.scroll, x, y, action.get("scroll_x", 0), action.get("scroll_y", 0)
        case "type":
            return computer.type, action["text"]
        case "wait":
            return (computer.wait,)
        case "screenshot":
            return None
    raise ValueError(f"unknown action type {action.get('type')!r}")


class LocalShellRun(ToolRun):
    """A `local_shell_call`: `executor` runs the command; its text is the output."""

    __slots__ = ()
    tool: LocalShellTool
    tool_type = LocalShellTool
    error_tool_type = "shell"

    @property
    def arguments(self) -> str:
        return json.dumps(self.call.get("action") or {})

    async def invoke(self, ctx: ToolContext[Any]) -> Any:
        request = LocalShellCommandRequest(ctx_wrapper=ctx, data=self.call)
        return str(await call_user_code(self.tool.executor, request))

    def output_item(self, agent: Agent[Any], output: Any) -> RunItem:
        raw = {"type": "local_shell_call_output", "call_id": self.call_id, "output": str(output)}
        return ToolCallOutputItem(agent, raw, output)


class ShellRun(ToolRun):
    """A `shell_call`: `executor` runs its commands. An executor that raises sends
    `status: "failed"` with the error text; a timeout sends a `timeout` outcome."""

    __slots__ = ("_entries", "_limit", "_status")
    _entries: list[dict[str, Any]] | None
    tool: ShellTool
    tool_type = ShellTool
    error_tool_type = "shell"

    @classmethod
    def for_call(
        cls, agent: Agent[Any], call: TResponseOutputItem, tools: list[Tool]
    ) -> ToolRun | RunItem:
        tool = next((t for t in tools if isinstance(t, ShellTool)), None)
        if tool is not None and tool.is_hosted:
            return ToolCallItem(agent, call)  # the service ran it
        return super().for_call(agent, call, tools)

    @property
    def arguments(self) -> str:
        return json.dumps(self.call.get("action") or {})

    async def invoke(self, ctx: ToolContext[Any]) -> Any:
        action = self.call.get("action") or {}
        data = ShellCallData(
            call_id=self.call_id,
            action=ShellActionRequest(
                commands=list(action.get("commands") or []),
                timeout_ms=action.get("timeout_ms"),
                max_output_length=action.get("max_output_length"),
            ),
            status=self.call.get("status"),
            raw=self.call,
        )
        limit = data.action.max_output_length
        status = "completed"
        try:
            assert self.tool.executor is not None
            result = await call_user_code(self.tool.executor, ShellCommandRequest(ctx, data))
        except Exception as exc:
            status, result = "failed", _error_text(exc)
        self._status = status
        if isinstance(result, ShellResult):
            limits = [n for n in (limit, result.max_output_length) if n is not None]
            limit = min(limits) if limits else None
            outputs = result.output if limit is None else truncated(result.output, limit)
            self._entries = [shell_output_json(output) for output in outputs]
            text = shell_output_text(outputs)
        else:
            text = str(result)
            self._entries = None
        self._limit = limit
        return text if limit is None else text[:limit]

    def output_item(self, agent: Agent[Any], output: Any) -> RunItem:
        entries = getattr(self, "_entries", None)
        status = getattr(self, "_status", None)
        if status is None:  # timed out before the executor returned
            status = "failed"
            entries = [
                shell_output_json(
                    ShellCommandOutput(stderr=str(output), outcome=ShellCallOutcome(type="timeout"))
                )
            ]
        elif entries is None:
            code = 0 if status == "completed" else 1
            entries = [
                {"stdout": output, "stderr": "", "outcome": {"type": "exit", "exit_code": code}}
            ]
        raw: dict[str, Any] = {
            "type": "shell_call_output",
            "call_id": self.call_id,
            "output": entries,
            "status": status,
        }
        if getattr(self, "_limit", None) is not None:
            raw["max_output_length"] = self._limit
        return ToolCallOutputItem(agent, raw, output)


class ApplyPatchRun(ToolRun):
    """An `apply_patch_call`: each operation goes to the editor's matching method."""

    __slots__ = ("_status",)
    tool: ApplyPatchTool
    tool_type = ApplyPatchTool
    error_tool_type = "apply_patch"

    @property
    def arguments(self) -> str:
        return json.dumps(self.call.get("operation") or self.call.get("operations") or {})

    async def invoke(self, ctx: ToolContext[Any]) -> Any:
        raw_operations = self.call.get("operations") or [self.call.get("operation")]
        operations = [_operation(raw, ctx) for raw in raw_operations]
        self._status = "completed"
        texts = []
        try:
            for operation in operations:
                method = getattr(self.tool.editor, operation.type)
                result = await call_user_code(method, operation)
                if isinstance(result, ApplyPatchResult):
                    if result.status == "failed":
                        self._status = "failed"
                    result = result.output
                if result:
                    texts.append(str(result))
        except Exception as exc:
            self._status = "failed"
            texts.append(_error_text(exc))
        return "\n".join(texts)

    def output_item(self, agent: Agent[Any], output: Any) -> RunItem:
        raw: dict[str, Any] = {
            "type": "apply_patch_call_output",
            "call_id": self.call_id,
            "status": getattr(self, "_status", "failed"),
        }
        if output:
            raw["output"] = str(output)
        return ToolCallOutputItem(agent, raw, output)


def _operation(raw: Any, ctx: ToolContext[Any]) -> ApplyPatchOperation:
    if not isinstance(raw, dict) or raw.get("type") not in (
        "create_file",
        "update_file",
        "delete_file",
    ):
        raise ModelBehaviorError(f"Unknown apply_patch operation: {raw!r}")
    path = raw.get("path")
    if not isinstance(path, str) or not path:
        raise ModelBehaviorError("An apply_patch operation is missing its path.")
    diff = raw.get("diff")
    if raw["type"] != "delete_file" and not isinstance(diff, str):
        raise ModelBehaviorError(f"The apply_patch {raw['type']} of {path!r} has no diff.")
    return ApplyPatchOperation(raw["type"], path, diff, ctx, raw.get("move_to"))


class MCPApprovalRun(ToolRun):
    """An `mcp_approval_request` of a `HostedMCPTool` with `on_approval_request`: the run asks
    it and answers the server with an `mcp_approval_response`. (No tool hooks fire.)"""

    __slots__ = ()
    tool: HostedMCPTool
    tool_type = HostedMCPTool
    has_hooks = False

    @classmethod
    def for_call(
        cls, agent: Agent[Any], call: TResponseOutputItem, tools: list[Tool]
    ) -> ToolRun | RunItem:
        label = call.get("server_label")
        tool = next(
            (
                t
                for t in tools
                if isinstance(t, HostedMCPTool) and t.tool_config.get("server_label") == label
            ),
            None,
        )
        if tool is None:
            raise ModelBehaviorError(
                f"The model sent an MCP approval request for server {label!r}, which agent "
                f"{agent.name!r} has no HostedMCPTool for."
            )
        item = MCPApprovalRequestItem(agent, call)
        if tool.on_approval_request is None:
            return item  # answered by the caller on a later run
        return cls(tool, call, item)

    @property
    def call_id(self) -> str:
        return str(self.call.get("id") or "")

    async def invoke(self, ctx: ToolContext[Any]) -> Any:
        assert self.tool.on_approval_request is not None
        request = MCPToolApprovalRequest(ctx_wrapper=ctx, data=self.call)
        return await call_user_code(self.tool.on_approval_request, request)

    def output_item(self, agent: Agent[Any], output: Any) -> RunItem:
        if not isinstance(output, dict):  # timed out: the message is the reason for a denial
            output = {"approve": False, "reason": str(output)}
        raw: dict[str, Any] = {
            "type": "mcp_approval_response",
            "approval_request_id": self.call_id,
            "approve": bool(output.get("approve")),
        }
        if output.get("reason"):
            raw["reason"] = output["reason"]
        return MCPApprovalResponseItem(agent, raw)


RUN_KINDS: dict[str, type[ToolRun]] = {
    "computer_call": ComputerRun,
    "local_shell_call": LocalShellRun,
    "shell_call": ShellRun,
    "apply_patch_call": ApplyPatchRun,
    "mcp_approval_request": MCPApprovalRun,
}
"""Client-side call item types (other than `function_call`) and the kind that runs them."""

HOSTED_ITEMS: dict[str, type[RunItem]] = {
    "web_search_call": ToolCallItem,
    "file_search_call": ToolCallItem,
    "code_interpreter_call": ToolCallItem,
    "image_generation_call": ToolCallItem,
    "mcp_call": ToolCallItem,
    "mcp_list_tools": MCPListToolsItem,
}
"""Items the service produced by running a hosted tool itself: they only pass through."""
