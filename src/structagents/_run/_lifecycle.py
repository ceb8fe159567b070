"""The one place each lifecycle point is announced: run hooks first, then the agent's hooks."""

from __future__ import annotations

from typing import Any

from .._agent import Agent
from .._items import TResponseInputItem
from .._run_context import RunContextWrapper
from .._tools import Tool
from ..models.interface import ModelResponse
from ._env import RunEnv

__all__ = [
    "agent_end",
    "agent_start",
    "handoff",
    "llm_end",
    "llm_start",
    "tool_end",
    "tool_start",
]


async def agent_start(env: RunEnv, ctx: RunContextWrapper[Any], agent: Agent[Any]) -> None:
    if env.hooks is not None:
        await env.hooks.on_agent_start(ctx, agent)
    if agent.hooks is not None:
        await agent.hooks.on_start(ctx, agent)


async def agent_end(
    env: RunEnv, ctx: RunContextWrapper[Any], agent: Agent[Any], output: Any
) -> None:
    if env.hooks is not None:
        await env.hooks.on_agent_end(ctx, agent, output)
    if agent.hooks is not None:
        await agent.hooks.on_end(ctx, agent, output)


async def llm_start(
    env: RunEnv,
    ctx: RunContextWrapper[Any],
    agent: Agent[Any],
    system_prompt: str | None,
    input_items: list[TResponseInputItem],
) -> None:
    if env.hooks is not None:
        await env.hooks.on_llm_start(ctx, agent, system_prompt, input_items)
    if agent.hooks is not None:
        await agent.hooks.on_llm_start(ctx, agent, system_prompt, input_items)


async def llm_end(
    env: RunEnv, ctx: RunContextWrapper[Any], agent: Agent[Any], response: ModelResponse
) -> None:
    if env.hooks is not None:
        await env.hooks.on_llm_end(ctx, agent, response)
    if agent.hooks is not None:
        await agent.hooks.on_llm_end(ctx, agent, response)


async def tool_start(
    env: RunEnv, ctx: RunContextWrapper[Any], agent: Agent[Any], tool: Tool
) -> None:
    if env.hooks is not None:
        await env.hooks.on_tool_start(ctx, agent, tool)
    if agent.hooks is not None:
        await agent.hooks.on_tool_start(ctx, agent, tool)


async def tool_end(
    env: RunEnv, ctx: RunContextWrapper[Any], agent: Agent[Any], tool: Tool, result: Any
) -> None:
    if env.hooks is not None:
        await env.hooks.on_tool_end(ctx, agent, tool, result)
    if agent.hooks is not None:
        await agent.hooks.on_tool_end(ctx, agent, tool, result)


async def handoff(
    env: RunEnv, ctx: RunContextWrapper[Any], source: Agent[Any], target: Agent[Any]
) -> None:
    if env.hooks is not None:
        await env.hooks.on_handoff(ctx, source, target)
    if target.hooks is not None:
        await target.hooks.on_handoff(ctx, target, source)
