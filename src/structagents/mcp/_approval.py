"""`require_approval` for an MCP server's tools, as the reference SDK accepts it."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

from typing_extensions import TypedDict

from .._run_context import RunContextWrapper
from .._tools import NeedsApproval
from ..exceptions import UserError

if TYPE_CHECKING:
    from mcp.types import Tool as MCPTool

    from .._agent import Agent

__all__ = ["RequireApprovalSetting", "approval_policy", "needs_approval_for"]


class RequireApprovalToolList(TypedDict, total=False):
    tool_names: list[str]


class RequireApprovalObject(TypedDict, total=False):
    always: RequireApprovalToolList
    never: RequireApprovalToolList


LocalMCPApprovalCallable: TypeAlias = Callable[
    [RunContextWrapper[Any], "Agent[Any]", "MCPTool"], "bool | Awaitable[bool]"
]
RequireApprovalSetting: TypeAlias = (
    "Literal['always', 'never'] | RequireApprovalObject | dict[str, Literal['always', 'never']]"
    " | LocalMCPApprovalCallable | bool | None"
)
"""`"always"`/`"never"`/a bool for every tool, `{tool_name: "always" | "never"}`,
`{"always": {"tool_names": [...]}, "never": {"tool_names": [...]}}`, or a sync or async
`fn(run_context, agent, tool) -> bool`."""

Policy: TypeAlias = "bool | dict[str, bool] | LocalMCPApprovalCallable"


def approval_policy(setting: RequireApprovalSetting) -> Policy:
    """`setting` checked and reduced to a bool, a per-tool map or a function."""
    if setting is None:
        return False
    if isinstance(setting, bool) or callable(setting):
        return setting
    if isinstance(setting, str):
        return _verdict(setting, "require_approval")
    if not isinstance(setting, dict):
        raise UserError(f"Invalid require_approval {setting!r}: see MCPServer's docstring.")
    if any(isinstance(v, dict) and "tool_names" in v for v in setting.values()):
        return _tool_lists(cast(dict[str, Any], setting))
    return {
        str(name): value if isinstance(value, bool) else _verdict(value, f"[{name!r}]")
        for name, value in setting.items()
    }


def needs_approval_for(policy: Policy, tool: MCPTool, agent: Agent[Any] | None) -> NeedsApproval:
    """The `FunctionTool.needs_approval` of one MCP tool under `policy`."""
    if isinstance(policy, bool):
        return policy
    if isinstance(policy, dict):
        return policy.get(tool.name, False)
    if agent is None:
        return True  # no agent to ask the policy about: fail closed, as the reference does
    decide = policy

    async def needs_approval(ctx: RunContextWrapper[Any], _args: Any, _call_id: str) -> bool:
        verdict = decide(ctx, agent, tool)
        return bool(await verdict if inspect.isawaitable(verdict) else verdict)

    return needs_approval


def _verdict(value: object, where: str) -> bool:
    if value in ("always", "never"):
        return value == "always"
    raise UserError(
        f"Invalid require_approval value at {where}: expected 'always' or 'never', got {value!r}."
    )


def _tool_lists(setting: dict[str, Any]) -> dict[str, bool]:
    unknown = sorted(set(setting) - {"always", "never"})
    if unknown:
        raise UserError(f"require_approval: unexpected keys {unknown}; use 'always' and 'never'.")
    names = {key: list(setting.get(key, {}).get("tool_names", [])) for key in ("always", "never")}
    both = sorted(set(names["always"]) & set(names["never"]))
    if both:
        raise UserError(f"require_approval: {both} cannot be in both 'always' and 'never'.")
    return {**dict.fromkeys(names["never"], False), **dict.fromkeys(names["always"], True)}
