"""`MCPServer`: a connection to one MCP server, entered with `async with` around the runs."""

from __future__ import annotations

import abc
import math
import sys
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import anyio

from .._run_context import RunContextWrapper
from .._tools import NeedsApproval, ToolErrorFunction
from ..exceptions import (
    AgentsException,
    MCPToolCancellationError,
    UserError,
    UserTypeError,
    UserValueError,
)
from . import _sdk
from ._approval import RequireApprovalSetting, approval_policy, needs_approval_for
from ._util import ToolFilter, ToolFilterContext, apply_tool_filter

if sys.version_info < (3, 11):  # pragma: no cover
    from exceptiongroup import BaseExceptionGroup

if TYPE_CHECKING:
    from mcp import Client
    from mcp.types import (
        CallToolResult,
        GetPromptResult,
        ListPromptsResult,
        ListResourcesResult,
        ListResourceTemplatesResult,
        ReadResourceResult,
    )
    from mcp.types import Tool as MCPTool
    from typing_extensions import Self

    from .._agent import Agent
    from .._tool_guardrails import ToolInputGuardrail, ToolOutputGuardrail

__all__ = ["MCPServer", "SessionMCPServer"]

T = TypeVar("T")

_CONNECTION_CLOSED = -32000
_UNSET: Any = object()


class MCPServer(abc.ABC):
    """A Model Context Protocol server an agent takes tools from (`Agent.mcp_servers`).

    Enter it with `async with server:` around every run that uses it: the connection is
    owned by the task that entered it, so the `async with` must enclose the runs (a run that
    uses a server that is not connected raises `UserError`).
    """

    def __init__(
        self,
        use_structured_content: bool = False,
        require_approval: RequireApprovalSetting = None,
        failure_error_function: ToolErrorFunction | None = _UNSET,
        *,
        tool_input_guardrails: list[ToolInputGuardrail[Any]] | None = None,
        tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None = None,
    ) -> None:
        """`use_structured_content` sends a result's structured content (as JSON) instead of
        its content blocks. `require_approval` makes calls wait for a human's decision (see
        `RequireApprovalSetting`). `failure_error_function` turns a failed call into the
        model's message (unset: the agent's `mcp_config`, else the default; `None`: the run
        fails). The guardrails apply to every tool of the server."""
        self.use_structured_content = use_structured_content
        self._approval_policy = approval_policy(require_approval)
        self._failure_error_function = failure_error_function
        self.tool_input_guardrails = tool_input_guardrails
        self.tool_output_guardrails = tool_output_guardrails

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """A readable name for the server."""

    @abc.abstractmethod
    async def connect(self) -> None:
        """Open the connection (spawn the process, open the HTTP session)."""

    @abc.abstractmethod
    async def cleanup(self) -> None:
        """Close the connection; call it from the task that called `connect()`."""

    @abc.abstractmethod
    async def list_tools(
        self, run_context: RunContextWrapper[Any] | None = None, agent: Agent[Any] | None = None
    ) -> list[MCPTool]:
        """The server's tools (after the tool filter, which needs `run_context` and `agent`
        when it is a function)."""

    @abc.abstractmethod
    async def call_tool(
        self, tool_name: str, arguments: dict[str, Any] | None, meta: dict[str, Any] | None = None
    ) -> CallToolResult:
        """Call a tool on the server."""

    @abc.abstractmethod
    async def list_prompts(self) -> ListPromptsResult:
        """The server's prompts."""

    @abc.abstractmethod
    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None
    ) -> GetPromptResult:
        """One prompt, rendered with `arguments`."""

    async def list_resources(self, cursor: str | None = None) -> ListResourcesResult:
        """The server's resources (one page; pass the result's `next_cursor` for the next)."""
        raise NotImplementedError(f"MCP server {self.name!r} does not support list_resources.")

    async def list_resource_templates(
        self, cursor: str | None = None
    ) -> ListResourceTemplatesResult:
        """The server's resource templates (one page)."""
        raise NotImplementedError(
            f"MCP server {self.name!r} does not support list_resource_templates."
        )

    async def read_resource(self, uri: str) -> ReadResourceResult:
        """The contents of the resource at `uri`."""
        raise NotImplementedError(f"MCP server {self.name!r} does not support read_resource.")

    @property
    def cached_tools(self) -> list[MCPTool] | None:
        """The last tool list fetched, when the server caches it."""
        return None

    def resolve_failure_error_function(
        self, agent_default: ToolErrorFunction | None
    ) -> ToolErrorFunction | None:
        """The server's own `failure_error_function` if it set one, else `agent_default`."""
        if self._failure_error_function is _UNSET:
            return agent_default
        return self._failure_error_function

    def needs_approval_for(self, tool: MCPTool, agent: Agent[Any] | None) -> NeedsApproval:
        """Whether calls to `tool` wait for approval, under `require_approval`."""
        return needs_approval_for(self._approval_policy, tool, agent)

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.cleanup()


class SessionMCPServer(MCPServer, abc.ABC):
    """A server reached through the `mcp` SDK's `Client` over a transport (stdio, HTTP)."""

    def __init__(
        self,
        *,
        cache_tools_list: bool,
        client_session_timeout_seconds: float | None,
        tool_filter: ToolFilter,
        use_structured_content: bool,
        max_retry_attempts: int,
        retry_backoff_seconds_base: float,
        message_handler: Any,
        require_approval: RequireApprovalSetting,
        failure_error_function: ToolErrorFunction | None,
        tool_input_guardrails: list[ToolInputGuardrail[Any]] | None,
        tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None,
    ) -> None:
        super().__init__(
            use_structured_content,
            require_approval,
            failure_error_function,
            tool_input_guardrails=tool_input_guardrails,
            tool_output_guardrails=tool_output_guardrails,
        )
        timeout = client_session_timeout_seconds
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float)
        ):
            raise UserTypeError(
                "client_session_timeout_seconds must be a number of seconds or None, not "
                f"{timeout!r}."
            )
        if timeout is not None and not (timeout >= 0 and math.isfinite(timeout)):
            raise UserValueError(
                "client_session_timeout_seconds must be a non-negative number of seconds or "
                f"None, not {timeout!r}."
            )
        self.cache_tools_list = cache_tools_list
        self.client_session_timeout_seconds = client_session_timeout_seconds
        self.tool_filter = tool_filter
        self.max_retry_attempts = max_retry_attempts
        self.retry_backoff_seconds_base = retry_backoff_seconds_base
        self.message_handler = message_handler
        self._client: Client | None = None
        self._exit_stack: AsyncExitStack | None = None
        self._tools_list: list[MCPTool] | None = None
        self._cache_dirty = True

    @abc.abstractmethod
    def create_streams(self) -> AbstractAsyncContextManager[Any]:
        """The SDK transport for this server (an async context manager of a stream pair)."""

    @property
    def session(self) -> Any:
        """The SDK's `ClientSession`, or `None` when not connected."""
        return None if self._client is None else self._client.session

    async def connect(self) -> None:
        """Start the transport and do the MCP handshake; a failure is a `UserError`."""
        if self._client is not None:
            raise UserError(f"MCP server {self.name!r} is already connected.")
        sdk = _sdk.mcp_client_module()
        timeout = self.client_session_timeout_seconds or None
        client = sdk.Client(
            self.create_streams(),
            mode="auto",
            cache=None,
            read_timeout_seconds=timeout,
            message_handler=self.message_handler,
        )
        stack = AsyncExitStack()
        try:
            self._client = await stack.enter_async_context(client)
        except Exception as exc:
            await _close(stack)
            raise UserError(
                f"Failed to connect to MCP server {self.name!r}: {_describe(exc)}"
            ) from exc
        except BaseException:
            await _close(stack)
            raise
        self._exit_stack = stack

    async def cleanup(self) -> None:
        """Close the connection (shielded, bounded); errors while closing are logged."""
        stack, self._exit_stack, self._client = self._exit_stack, None, None
        self._cache_dirty = True
        if stack is not None:
            await _close(stack)

    def invalidate_tools_cache(self) -> None:
        """Fetch the tool list again on the next `list_tools()`."""
        self._cache_dirty = True

    @property
    def cached_tools(self) -> list[MCPTool] | None:
        return None if self._tools_list is None else list(self._tools_list)

    def _connected_client(self) -> Client:
        if self._client is None:
            raise UserError(
                f"MCP server {self.name!r} is not connected. Enter it with `async with server:` "
                "around the runs that use it (or call `await server.connect()` first)."
            )
        return self._client

    async def list_tools(
        self, run_context: RunContextWrapper[Any] | None = None, agent: Agent[Any] | None = None
    ) -> list[MCPTool]:
        client = self._connected_client()
        if not (self.cache_tools_list and not self._cache_dirty and self._tools_list is not None):
            tools = await self._with_retries("list tools", lambda: _list_all_tools(client))
            self._tools_list, self._cache_dirty = tools, False
        tools = self._tools_list or []
        context = None
        if run_context is not None and agent is not None:
            context = ToolFilterContext(run_context, agent, self.name)
        return [
            t.model_copy(deep=True)
            for t in await apply_tool_filter(self.tool_filter, tools, context)
        ]

    async def call_tool(
        self, tool_name: str, arguments: dict[str, Any] | None, meta: dict[str, Any] | None = None
    ) -> CallToolResult:
        client = self._connected_client()
        what = f"call tool {tool_name!r}"
        return await self._with_retries(
            what, lambda: client.call_tool(tool_name, arguments, meta=cast(Any, meta))
        )

    async def list_prompts(self) -> ListPromptsResult:
        return await self._connected_client().list_prompts()

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None
    ) -> GetPromptResult:
        return await self._connected_client().get_prompt(name, arguments)

    async def list_resources(self, cursor: str | None = None) -> ListResourcesResult:
        return await self._connected_client().list_resources(cursor=cursor)

    async def list_resource_templates(
        self, cursor: str | None = None
    ) -> ListResourceTemplatesResult:
        return await self._connected_client().list_resource_templates(cursor=cursor)

    async def read_resource(self, uri: str) -> ReadResourceResult:
        return await self._connected_client().read_resource(uri)

    async def _with_retries(self, what: str, request: Callable[[], Awaitable[T]]) -> T:
        """`request()`, retried `max_retry_attempts` times with exponential backoff.

        A closed connection is not retried: it is a `MCPToolCancellationError` when this side
        closed it during the request, an `AgentsException` when the server went away.
        """
        mcp_error = _sdk.mcp_error_type()
        attempt = 0
        while True:
            try:
                return await request()
            except mcp_error as exc:
                if getattr(exc, "code", None) == _CONNECTION_CLOSED:
                    raise self._closed_error(what) from exc
                if not self._should_retry(attempt):
                    raise
            except (anyio.ClosedResourceError, anyio.BrokenResourceError) as exc:
                raise self._closed_error(what) from exc
            except Exception:
                if not self._should_retry(attempt):
                    raise
            await anyio.sleep(self.retry_backoff_seconds_base * 2**attempt)
            attempt += 1

    def _should_retry(self, attempt: int) -> bool:
        return self.max_retry_attempts == -1 or attempt < self.max_retry_attempts

    def _closed_error(self, what: str) -> AgentsException:
        if self._client is None:
            return MCPToolCancellationError(
                f"Failed to {what} on MCP server {self.name!r}: the connection was closed "
                "while the request was running (tool execution was cancelled)."
            )
        return AgentsException(
            f"Failed to {what} on MCP server {self.name!r}: the server closed the connection "
            "(it may have crashed)."
        )


async def _list_all_tools(client: Client) -> list[MCPTool]:
    """Every page of the tool list (a repeated cursor ends it)."""
    tools: list[MCPTool] = []
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        page = await client.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if cursor is None or cursor in seen:
            return tools
        seen.add(cursor)


async def _close(stack: AsyncExitStack) -> None:
    """Unwind a connection's exit stack; errors while closing are logged, not raised.

    No cancel scope of ours may wrap this: the SDK's task groups inside `stack` must exit
    in the scope they were entered in. The SDK shields and bounds its own shutdown (a stdio
    server gets 2 s to exit, then is killed).
    """
    from ._util import logger

    try:
        await stack.aclose()
    except RuntimeError as exc:
        if "cancel scope" in str(exc):
            raise UserError(
                "An MCP server must be closed by the task that connected it: keep "
                "`async with server:` (or connect() and cleanup()) in one task, around "
                "the runs that use it."
            ) from exc
        logger.exception("Error while closing an MCP server connection")
    except Exception:
        logger.exception("Error while closing an MCP server connection")


def _describe(exc: BaseException) -> str:
    """The innermost useful message of a (possibly grouped) connection error."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
