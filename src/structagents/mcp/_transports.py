"""The three transports: a stdio subprocess, HTTP with SSE, and Streamable HTTP."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from typing_extensions import NotRequired, TypedDict

from .._tools import ToolErrorFunction
from . import _sdk
from ._approval import RequireApprovalSetting
from ._server import _UNSET, SessionMCPServer
from ._util import ToolFilter

if TYPE_CHECKING:
    from .._tool_guardrails import ToolInputGuardrail, ToolOutputGuardrail

__all__ = [
    "MCPServerSse",
    "MCPServerSseParams",
    "MCPServerStdio",
    "MCPServerStdioParams",
    "MCPServerStreamableHttp",
    "MCPServerStreamableHttpParams",
]


class MCPServerStdioParams(TypedDict):
    """How to start a stdio server (the fields of the SDK's `StdioServerParameters`)."""

    command: str
    args: NotRequired[list[str]]
    env: NotRequired[dict[str, str]]
    cwd: NotRequired[str | Path]
    encoding: NotRequired[str]
    encoding_error_handler: NotRequired[Literal["strict", "ignore", "replace"]]


class MCPServerSseParams(TypedDict):
    """Where an HTTP-with-SSE server is (the arguments of the SDK's `sse_client`)."""

    url: str
    headers: NotRequired[dict[str, str]]
    timeout: NotRequired[float]
    sse_read_timeout: NotRequired[float]
    auth: NotRequired[Any]
    httpx_client_factory: NotRequired[Any]


class MCPServerStreamableHttpParams(TypedDict):
    """Where a Streamable HTTP server is, and how to talk to it."""

    url: str
    headers: NotRequired[dict[str, str]]
    timeout: NotRequired[timedelta | float]
    sse_read_timeout: NotRequired[timedelta | float]
    terminate_on_close: NotRequired[bool]
    auth: NotRequired[Any]
    httpx_client_factory: NotRequired[Any]


P = TypeVar("P", bound=Mapping[str, object])


class _TransportServer(SessionMCPServer, Generic[P]):
    """The constructor the three transports share (the reference SDK's parameters)."""

    def __init__(
        self,
        params: P,
        cache_tools_list: bool = False,
        name: str | None = None,
        client_session_timeout_seconds: float | None = 5,
        tool_filter: ToolFilter = None,
        use_structured_content: bool = False,
        max_retry_attempts: int = 0,
        retry_backoff_seconds_base: float = 1.0,
        message_handler: Any = None,
        require_approval: RequireApprovalSetting = None,
        failure_error_function: ToolErrorFunction | None = _UNSET,
        *,
        tool_input_guardrails: list[ToolInputGuardrail[Any]] | None = None,
        tool_output_guardrails: list[ToolOutputGuardrail[Any]] | None = None,
    ) -> None:
        """`params` says where the server is. `cache_tools_list` lists the tools once (until
        `invalidate_tools_cache()`); `client_session_timeout_seconds` bounds each request
        (`None` or 0: no bound); `tool_filter` chooses the tools offered; failed requests are
        retried `max_retry_attempts` times (-1: forever) after `retry_backoff_seconds_base *
        2**attempt` seconds. The rest: see `MCPServer`."""
        super().__init__(
            cache_tools_list=cache_tools_list,
            client_session_timeout_seconds=client_session_timeout_seconds,
            tool_filter=tool_filter,
            use_structured_content=use_structured_content,
            max_retry_attempts=max_retry_attempts,
            retry_backoff_seconds_base=retry_backoff_seconds_base,
            message_handler=message_handler,
            require_approval=require_approval,
            failure_error_function=failure_error_function,
            tool_input_guardrails=tool_input_guardrails,
            tool_output_guardrails=tool_output_guardrails,
        )
        self.params: P = params
        self._name = name or self._default_name(params)

    @staticmethod
    def _default_name(params: P) -> str:
        raise NotImplementedError

    @property
    def name(self) -> str:
        return self._name


class MCPServerStdio(_TransportServer[MCPServerStdioParams]):
    """A server started as a subprocess, spoken to over its stdin and stdout.

    The process starts on `connect()` (entering `async with`) and is stopped on `cleanup()`.
    """

    @staticmethod
    def _default_name(params: MCPServerStdioParams) -> str:
        return f"stdio: {params['command']}"

    def create_streams(self) -> AbstractAsyncContextManager[Any]:
        sdk = _sdk.mcp_client_module()
        params = self.params
        server = sdk.StdioServerParameters(
            command=params["command"],
            args=params.get("args", []),
            env=params.get("env"),
            cwd=params.get("cwd"),
            encoding=params.get("encoding", "utf-8"),
            encoding_error_handler=params.get("encoding_error_handler", "strict"),
        )
        return sdk.stdio_client(server, errlog=_server_stderr())  # type: ignore[no-any-return]


class MCPServerSse(_TransportServer[MCPServerSseParams]):
    """A server reached over HTTP with Server-Sent Events (the older HTTP transport)."""

    @staticmethod
    def _default_name(params: MCPServerSseParams) -> str:
        return f"sse: {params['url']}"

    def create_streams(self) -> AbstractAsyncContextManager[Any]:
        from mcp.client.sse import sse_client

        params = self.params
        kwargs: dict[str, Any] = {
            "url": params["url"],
            "headers": params.get("headers"),
            "timeout": params.get("timeout", 5),
            "sse_read_timeout": params.get("sse_read_timeout", 60 * 5),
        }
        for optional in ("auth", "httpx_client_factory"):
            if optional in params:
                kwargs[optional] = params[optional]
        return sse_client(**kwargs)


class MCPServerStreamableHttp(_TransportServer[MCPServerStreamableHttpParams]):
    """A server reached over Streamable HTTP (the current HTTP transport)."""

    @staticmethod
    def _default_name(params: MCPServerStreamableHttpParams) -> str:
        return f"streamable_http: {params['url']}"

    def create_streams(self) -> AbstractAsyncContextManager[Any]:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        params = self.params
        timeout = _seconds(params.get("timeout", 5))
        read_timeout = _seconds(params.get("sse_read_timeout", 60 * 5))
        factory = params.get("httpx_client_factory") or create_mcp_http_client
        http_client = factory(
            headers=params.get("headers"),
            timeout=httpx2.Timeout(timeout, read=read_timeout),
            auth=params.get("auth"),
        )
        return _owning(
            http_client,
            streamable_http_client(
                params["url"],
                http_client=http_client,
                terminate_on_close=params.get("terminate_on_close", True),
            ),
        )


def _server_stderr() -> Any:
    """Where a stdio server's stderr goes: ours, or the process's own when ours is not a file
    (pytest's capture, notebooks), else nowhere."""
    for stream in (sys.stderr, sys.__stderr__):
        try:
            if stream is not None:
                stream.fileno()
                return stream
        except (OSError, ValueError):
            continue
    return subprocess.DEVNULL


def _seconds(value: timedelta | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@asynccontextmanager
async def _owning(
    http_client: Any, transport: AbstractAsyncContextManager[Any]
) -> AsyncIterator[Any]:
    """Enter `transport` inside `http_client`, so the client closes after the transport."""
    async with http_client, transport as streams:
        yield streams
