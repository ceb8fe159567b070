"""`Agent`: instructions, a model, tools and guardrails, plus how tool results end a run."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypedDict

from typing_extensions import NotRequired

from ._guardrails import InputGuardrail, OutputGuardrail
from ._handoffs import Handoff, handoff
from ._hooks import AgentHooks
from ._output_schema import check_output_type
from ._prompts import DynamicPromptFunction, Prompt, resolve_prompt
from ._run_context import RunContextWrapper, TContext
from ._tools import (
    FunctionTool,
    FunctionToolResult,
    NeedsApproval,
    Tool,
    ToolErrorFunction,
    default_tool_error_function,
    filter_enabled,
    tool_types,
)
from .exceptions import UserError, UserTypeError
from .models.interface import Model
from .models.settings import ModelSettings, coerce_model_settings

if TYPE_CHECKING:
    from ._agent_tool import AgentToolStreamEvent
    from ._agent_tool_input import StructuredToolInputBuilder
    from ._config import RunConfig
    from ._hooks import RunHooks
    from ._tool_guardrails import ToolInputGuardrail, ToolOutputGuardrail
    from .mcp import MCPServer

__all__ = [
    "Agent",
    "MCPConfig",
    "StopAtTools",
    "ToolsToFinalOutputFunction",
    "ToolsToFinalOutputResult",
]


@dataclass
class ToolsToFinalOutputResult:
    """What a custom `tool_use_behavior` function decides after a turn's tools ran."""

    is_final_output: bool
    final_output: Any = None


class StopAtTools(TypedDict):
    """`tool_use_behavior` that ends the run when one of these tools is called.

    The first listed tool called (in the model's call order) gives the final output.
    """

    stop_at_tool_names: list[str]


class MCPConfig(TypedDict):
    """How an agent offers its MCP servers' tools (`Agent.mcp_config`)."""

    convert_schemas_to_strict: NotRequired[bool]
    """Convert the servers' input schemas to strict mode where possible (default False)."""
    failure_error_function: NotRequired[ToolErrorFunction | None]
    """Turns an MCP tool's error into the model's message; `None` fails the run instead."""
    include_server_in_tool_names: NotRequired[bool]
    """Offer tools as `mcp_<server>__<tool>`, so servers with the same tool names can coexist."""


ToolsToFinalOutputFunction: TypeAlias = Callable[
    [RunContextWrapper[Any], list[FunctionToolResult]],
    "ToolsToFinalOutputResult | Awaitable[ToolsToFinalOutputResult]",
]
ToolUseBehavior: TypeAlias = (
    "Literal['run_llm_again', 'stop_on_first_tool'] | StopAtTools | ToolsToFinalOutputFunction"
)
Instructions: TypeAlias = (
    "str | Callable[[RunContextWrapper[Any], Agent[Any]], str | Awaitable[str]] | None"
)


@dataclass
class Agent(Generic[TContext]):
    """An LLM with instructions, tools and guardrails.

    `model` is a `Model` instance or a model name resolved by `RunConfig.model_provider`.
    `output_type` makes the final output structured (validated by pydantic). `tool_use_behavior`
    decides whether tool results go back to the model ("run_llm_again", the default) or end
    the run. `reset_tool_choice` (default True) sends a forced `tool_choice` only until the
    agent has used a tool, so forcing a tool cannot loop until `max_turns`. `prompt` is a
    Responses-API prompt template (`{"id": ..., "version": ..., "variables": {...}}`) or a
    function of `GenerateDynamicPromptData` returning one. Agents are never mutated by a run,
    so one Agent can serve many concurrent runs.
    """

    name: str
    instructions: Instructions = None
    prompt: Prompt | DynamicPromptFunction | None = None
    handoff_description: str | None = None
    model: str | Model | None = None
    model_settings: ModelSettings = field(default_factory=ModelSettings)
    tools: list[Tool] = field(default_factory=list)
    mcp_servers: list[MCPServer] = field(default_factory=list)
    """MCP servers whose tools the agent is offered each turn, listed before `tools`. Enter each
    server (`async with server:`) around the runs that use it."""
    mcp_config: MCPConfig = field(default_factory=lambda: MCPConfig())
    handoffs: list[Agent[Any] | Handoff[Any]] = field(default_factory=list)
    input_guardrails: list[InputGuardrail[TContext]] = field(default_factory=list)
    output_guardrails: list[OutputGuardrail[TContext]] = field(default_factory=list)
    output_type: Any = None
    hooks: AgentHooks[TContext] | None = None
    tool_use_behavior: ToolUseBehavior = "run_llm_again"
    reset_tool_choice: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise UserTypeError(f"Agent name must be a non-empty string, got {self.name!r}.")
        self.model_settings = coerce_model_settings(
            self.model_settings, f"Agent {self.name!r} model_settings"
        )
        if not (self.handoff_description is None or isinstance(self.handoff_description, str)):
            raise UserTypeError(f"Agent {self.name!r}: handoff_description must be a str or None.")
        if not (self.instructions is None or isinstance(self.instructions, str)) and not callable(
            self.instructions
        ):
            raise UserTypeError(
                f"Agent {self.name!r}: instructions must be a str, a function "
                f"(context, agent) -> str, or None, not {type(self.instructions).__name__}."
            )
        if not (self.hooks is None or isinstance(self.hooks, AgentHooks)):
            raise UserTypeError(
                f"Agent {self.name!r}: hooks must be an AgentHooks instance or None, not "
                f"{type(self.hooks).__name__}."
            )
        if not isinstance(self.mcp_config, dict):
            raise UserTypeError(f"Agent {self.name!r}: mcp_config must be a dict (MCPConfig).")
        if not isinstance(self.reset_tool_choice, bool):
            raise UserTypeError(f"Agent {self.name!r}: reset_tool_choice must be True or False.")
        if self.prompt is not None and not (isinstance(self.prompt, dict) or callable(self.prompt)):
            raise UserTypeError(
                f"Agent {self.name!r}: prompt must be a Prompt dict or a function returning one."
            )
        for attr in ("tools", "mcp_servers", "handoffs", "input_guardrails", "output_guardrails"):
            if not isinstance(getattr(self, attr), list):
                raise UserTypeError(f"Agent {self.name!r}: {attr} must be a list.")
        kinds = tool_types()
        for tool in self.tools:
            if not isinstance(tool, kinds):
                raise UserTypeError(
                    f"Agent {self.name!r}: {tool!r} is not a tool. Decorate functions with "
                    "@function_tool before putting them in tools=[...]."
                )
        if self.mcp_servers:
            _check_mcp_servers(self)
        for target in self.handoffs:
            if not isinstance(target, Agent | Handoff):
                raise UserTypeError(
                    f"Agent {self.name!r}: handoffs takes agents or handoff(agent, ...), "
                    f"not {target!r}."
                )
        if not (self.model is None or isinstance(self.model, str | Model)):
            raise UserTypeError(
                f"Agent {self.name!r}: model must be a Model instance or a model name."
            )
        check_output_type(self.output_type)
        _check_tool_use_behavior(self)

    def __hash__(self) -> int:
        # Agents compare by their fields, as the reference's dataclass does; equal agents have
        # equal names, so hashing the name keeps them usable as dict keys and in sets.
        return hash(self.name)

    def clone(self, **changes: Any) -> Agent[TContext]:
        """A copy with `changes` applied (lists are shared unless you pass new ones)."""
        return dataclasses.replace(self, **changes)

    async def get_system_prompt(self, context: RunContextWrapper[TContext]) -> str | None:
        """The instructions for this turn (calling them if they are a function)."""
        if self.instructions is None or isinstance(self.instructions, str):
            return self.instructions
        _check_instructions_signature(self)
        result = self.instructions(context, self)
        if inspect.isawaitable(result):
            result = await result
        if not isinstance(result, str):
            raise UserError(
                f"Agent {self.name!r}: the instructions function returned "
                f"{type(result).__name__}; it must return a str."
            )
        return result

    async def get_prompt(self, context: RunContextWrapper[TContext]) -> dict[str, Any] | None:
        """The prompt template for this turn (calling `prompt` if it is a function)."""
        return await resolve_prompt(self.prompt, context, self)

    async def get_all_tools(self, context: RunContextWrapper[TContext]) -> list[Tool]:
        """The tools enabled for this turn: the MCP servers' tools, then `tools`."""
        if all(getattr(tool, "is_enabled", True) is True for tool in self.tools):
            enabled = self.tools
        else:

            async def is_enabled(tool: Tool) -> bool:
                return not isinstance(tool, FunctionTool) or await tool.enabled_for(context, self)

            enabled = await filter_enabled(self.tools, is_enabled)
        if not self.mcp_servers:
            return enabled
        return [*await self.get_mcp_tools(context), *enabled]

    async def get_mcp_tools(self, context: RunContextWrapper[TContext]) -> list[Tool]:
        """The tools the agent's MCP servers list now (or from their cache), as function tools."""
        if not self.mcp_servers:
            return []
        from .mcp import MCPUtil

        config = self.mcp_config
        prefixed = config.get("include_server_in_tool_names", False)
        return await MCPUtil.get_all_function_tools(
            self.mcp_servers,
            config.get("convert_schemas_to_strict", False),
            context,
            self,
            config.get("failure_error_function", default_tool_error_function),
            include_server_in_tool_names=prefixed,
            reserved_tool_names={tool.name for tool in self.tools} if prefixed else None,
        )

    async def get_all_handoffs(self, context: RunContextWrapper[TContext]) -> list[Handoff[Any]]:
        """The handoffs enabled for this turn (agents listed directly become `handoff(agent)`)."""
        if not self.handoffs:
            return []
        handoffs = [h if isinstance(h, Handoff) else handoff(h) for h in self.handoffs]
        if all(h.is_enabled is True for h in handoffs):
            return handoffs
        return await filter_enabled(handoffs, lambda h: h.enabled_for(context, self))

    def as_tool(
        self,
        tool_name: str | None = None,
        tool_description: str | None = None,
        *,
        custom_output_extractor: Callable[[Any], str | Awaitable[str]] | None = None,
        is_enabled: bool | Callable[..., Any] = True,
        on_stream: Callable[[AgentToolStreamEvent], Awaitable[None] | None] | None = None,
        run_config: RunConfig | dict[str, Any] | None = None,
        max_turns: int | None = None,
        hooks: RunHooks[TContext] | None = None,
        tool_input_guardrails: list[ToolInputGuardrail[Any]] | None = None,
        tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None = None,
        needs_approval: NeedsApproval = False,
        parameters: type[Any] | None = None,
        input_builder: StructuredToolInputBuilder | None = None,
        include_input_schema: bool = False,
    ) -> FunctionTool:
        """This agent as a tool another agent can call with `{"input": "..."}`.

        `parameters` (a dataclass or pydantic model) makes the tool's input structured: the
        validated arguments reach the nested run as a message (`input_builder(options)` builds
        it yourself; `include_input_schema` adds the JSON schema). `on_stream(event)` (sync or
        async) receives every event of the nested run, which then runs streamed.

        Each call is a nested run inside the calling tool's cancel scope, so cancelling the
        outer run cancels it; its usage is added to the outer run's. The tool's output is the
        nested run's final output (or what `custom_output_extractor` makes of its result).
        Tool guardrails check its input and output, and `needs_approval` works, as for any
        function tool.
        """
        from ._agent_tool import agent_as_tool

        return agent_as_tool(
            self,
            tool_name=tool_name,
            tool_description=tool_description,
            custom_output_extractor=custom_output_extractor,
            is_enabled=is_enabled,
            run_config=run_config,
            max_turns=max_turns,
            hooks=hooks,
            tool_input_guardrails=tool_input_guardrails,
            tool_output_guardrails=tool_output_guardrails,
            needs_approval=needs_approval,
            on_stream=on_stream,
            parameters=parameters,
            input_builder=input_builder,
            include_input_schema=include_input_schema,
        )


def _check_mcp_servers(agent: Agent[Any]) -> None:
    from .mcp import MCPServer

    for server in agent.mcp_servers:
        if not isinstance(server, MCPServer):
            raise UserTypeError(
                f"Agent {agent.name!r}: mcp_servers takes MCP servers (MCPServerStdio, "
                f"MCPServerStreamableHttp, ...), not {server!r}."
            )


def _check_instructions_signature(agent: Agent[Any]) -> None:
    """An instructions function takes (context, agent), as the reference SDK requires."""
    try:
        params = _parameter_names(agent.instructions)
    except TypeError:  # an unhashable callable object: read its signature each time
        params = _parameter_names.__wrapped__(agent.instructions)
    if params is not None and len(params) != 2:
        raise UserTypeError(
            f"Agent {agent.name!r}: the instructions function must accept exactly 2 arguments "
            f"(context, agent), but it takes {len(params)}: {list(params)}."
        )


@functools.lru_cache(maxsize=1024)
def _parameter_names(function: Any) -> tuple[str, ...] | None:
    """The parameter names of `function`, read once per function (this runs every turn), or
    None when it has no signature to read (some builtins: just call it)."""
    try:
        return tuple(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return None


def _check_tool_use_behavior(agent: Agent[Any]) -> None:
    behavior = agent.tool_use_behavior
    if behavior in ("run_llm_again", "stop_on_first_tool") or callable(behavior):
        return
    if isinstance(behavior, dict) and isinstance(behavior.get("stop_at_tool_names"), list):
        return
    raise UserTypeError(
        f"Agent {agent.name!r}: tool_use_behavior must be 'run_llm_again', "
        "'stop_on_first_tool', StopAtTools(stop_at_tool_names=[...]) or a function, "
        f"not {behavior!r}."
    )
