"""What the OpenAI models share: the client, error mapping, and request pieces.

The `openai` package is imported only here and only when a client is needed, so
`import structagents` stays fast.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import anyio

from ..exceptions import UserError, UserTypeError
from ..tracing._export_key import set_tracing_export_api_key
from ._openai_errors import ClientOrigin, mapped_errors, remember_origin
from ._sse import sse_data

if TYPE_CHECKING:
    from openai import AsyncOpenAI

    from .._handoffs import Handoff
    from .._output_schema import AgentOutputSchemaBase
    from .._tools import FunctionTool, Tool
    from .settings import ModelSettings

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_POOL_SIZE",
    "DEFAULT_REQUEST_TIMEOUT",
    "default_model",
    "plain_json",
    "create_client",
    "default_client",
    "extra_options",
    "mapped_errors",
    "merge_extras",
    "output_format",
    "set_default_openai_api",
    "set_default_openai_client",
    "set_default_openai_key",
    "stream_events",
]

T = TypeVar("T")


def default_model() -> str:
    """The model used when an agent names none: env `OPENAI_DEFAULT_MODEL`, else gpt-4.1."""
    return os.environ.get("OPENAI_DEFAULT_MODEL") or "gpt-4.1"


_defaults: dict[str, Any] = {"client": None, "key": None, "api": "responses"}
_CLOSE_TIMEOUT = 5.0

DEFAULT_REQUEST_TIMEOUT = 120.0
"""Seconds a client we create waits for each read (and write) of a request: a silent server
fails the request after this, and after the SDK's 2 retries the run raises
`ModelConnectionError`. (The SDK's own default is 600 s, about 30 minutes with its retries.)"""
DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds a client we create waits for a connection to be established."""
DEFAULT_POOL_SIZE = 1000
"""Connections a client we create opens at most, and keeps open between requests (the SDK's
own default keeps 100, so more concurrent runs than that reconnect on every request)."""


def set_default_openai_key(key: str, use_for_tracing: bool = True) -> None:
    """The API key for OpenAI clients structagents creates (instead of `OPENAI_API_KEY`);
    with `use_for_tracing`, also the key the (opt-in) OpenAI traces exporter sends with."""
    _defaults["key"] = key
    if use_for_tracing:
        set_tracing_export_api_key(key)


def set_default_openai_client(client: AsyncOpenAI, use_for_tracing: bool = True) -> None:
    """Use `client` (any OpenAI-compatible base URL, retries, auth) for model names; with
    `use_for_tracing`, its API key is also the (opt-in) OpenAI traces exporter's."""
    _defaults["client"] = client
    if use_for_tracing:
        set_tracing_export_api_key(client.api_key)


def set_default_openai_api(api: Literal["responses", "chat_completions"]) -> None:
    """Which API model names use by default: Responses (default) or Chat Completions."""
    if api not in ("responses", "chat_completions"):
        raise UserError("set_default_openai_api takes 'responses' or 'chat_completions'.")
    _defaults["api"] = api


def default_api() -> str:
    return str(_defaults["api"])


def default_client() -> AsyncOpenAI | None:
    client: AsyncOpenAI | None = _defaults["client"]
    return client


def create_client(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    organization: str | None = None,
    project: str | None = None,
    max_retries: int | None = None,
    timeout: float | None = None,
) -> AsyncOpenAI:
    """A new `AsyncOpenAI` client; a missing API key is a `UserError` that says what to set.

    Without `timeout`, requests time out after `DEFAULT_REQUEST_TIMEOUT` seconds of silence
    (`DEFAULT_CONNECT_TIMEOUT` to connect). Up to `DEFAULT_POOL_SIZE` connections stay
    open for reuse."""
    from openai import (
        DEFAULT_CONNECTION_LIMITS,
        AsyncOpenAI,
        DefaultAsyncHttpxClient,
        OpenAIError,
        Timeout,
    )

    options: dict[str, Any] = {
        "api_key": api_key or _defaults["key"] or os.environ.get("OPENAI_API_KEY"),
        "base_url": base_url,
        "organization": organization,
        "project": project,
    }
    if max_retries is not None:
        options["max_retries"] = max_retries
    options["timeout"] = (
        Timeout(DEFAULT_REQUEST_TIMEOUT, connect=DEFAULT_CONNECT_TIMEOUT)
        if timeout is None
        else timeout
    )
    limits = type(DEFAULT_CONNECTION_LIMITS)(
        max_connections=DEFAULT_POOL_SIZE, max_keepalive_connections=DEFAULT_POOL_SIZE
    )
    options["http_client"] = DefaultAsyncHttpxClient(limits=limits)
    try:
        client = AsyncOpenAI(**options)
    except OpenAIError as exc:
        raise UserError(
            "No OpenAI API key: set OPENAI_API_KEY, call set_default_openai_key(), or pass "
            "api_key= / openai_client= to OpenAIProvider (for a local OpenAI-compatible "
            "server, any non-empty key works)."
        ) from exc
    remember_origin(client, _origin_of(api_key, base_url))
    return client


def _origin_of(api_key: str | None, base_url: str | None) -> ClientOrigin:
    """Where `create_client`'s key and base URL come from (the order it reads them in)."""
    if api_key:
        key_source = "the api_key argument"
    elif _defaults["key"]:
        key_source = "set_default_openai_key()"
    else:
        key_source = "the OPENAI_API_KEY environment variable"
    if base_url:
        url_source = "set by the base_url argument"
    elif os.environ.get("OPENAI_BASE_URL"):
        url_source = "set by the OPENAI_BASE_URL environment variable"
    else:
        url_source = "the default (OPENAI_BASE_URL is not set)"
    return ClientOrigin(key_source, url_source)


async def stream_events(
    client: AsyncOpenAI, path: str, body: dict[str, Any], content: bytes, options: Any
) -> AsyncGenerator[dict[str, Any], None]:
    """POST the request (`content`, the JSON of `body`) and yield the server-sent events as
    JSON dicts, provider errors mapped.

    The HTTP response and the SDK's event readers are closed however the iteration ends,
    even when it is cancelled (bounded, so closing cannot hang).
    """
    from ._openai_request import open_stream

    with mapped_errors(client):
        stream = await open_stream(client, path, body, content, options, _json_event_stream())
    try:
        with mapped_errors(client):
            while True:
                try:
                    event = await stream.__anext__()
                except StopAsyncIteration:
                    break
                if isinstance(event, dict):
                    yield event
    finally:
        with anyio.move_on_after(_CLOSE_TIMEOUT, shield=True):
            await stream.close()


@functools.cache
def _json_event_stream() -> Any:
    """An `AsyncStream` of plain JSON events that owns (and always closes) its byte readers.

    The SDK's own stream leaves its reader generators unfinished when it stops at `[DONE]` or
    is closed early, which trio reports when they are garbage-collected."""
    from openai import APIConnectionError, APIError, APITimeoutError, AsyncStream
    from pydantic_core import from_json

    request_errors, timeout_errors = _transport_errors()

    class JSONEventStream(AsyncStream[object]):
        async def __stream__(self) -> AsyncIterator[object]:
            raw = self.response.aiter_bytes()
            events = sse_data(raw)
            try:
                async for sse in events:
                    if sse.startswith("[DONE]"):
                        continue  # read to the end, so the connection can be reused
                    try:
                        data = from_json(sse)
                    except ValueError as exc:  # not JSON, or nested too deep
                        raise APIError(
                            f"The stream sent an event that is not JSON: {sse[:200]!r}",
                            self.response.request,
                            body=None,
                        ) from exc
                    if isinstance(data, dict) and isinstance(data.get("error"), dict):
                        message = data["error"].get("message") or "Error while streaming"
                        raise APIError(message, self.response.request, body=data["error"])
                    yield data
            except UnicodeDecodeError as exc:
                raise APIError(
                    f"The stream is not UTF-8 text: {exc}", self.response.request, body=None
                ) from exc
            except timeout_errors as exc:
                raise APITimeoutError(request=self.response.request) from exc
            except request_errors as exc:
                raise APIConnectionError(request=self.response.request) from exc
            finally:
                await _run_out(raw)
                await events.aclose()
                await raw.aclose()
                await self.response.aclose()

        async def close(self) -> None:
            await self._iterator.aclose()  # type: ignore[attr-defined]
            await self.response.aclose()

    return JSONEventStream


async def _run_out(raw: AsyncIterator[bytes]) -> None:
    """End the HTTP library's byte generators, left suspended when reading stops early.

    The next read is cancelled at once, which finishes every generator below `raw` (closing
    `raw` alone would leave the inner ones to the garbage collector, which trio reports).
    Bytes already received are skipped."""
    with anyio.CancelScope() as scope, contextlib.suppress(Exception):
        scope.cancel()
        async for _ in raw:
            pass


def plain_json(value: Any) -> Any:
    """An SDK pydantic object (e.g. `Reasoning(effort="low")`) as plain JSON; other values as is."""
    dump = getattr(value, "model_dump", None)
    return dump(exclude_none=True) if callable(dump) else value


def _transport_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """The HTTP library's request and timeout errors: httpx2 for openai 3.x, httpx before."""
    try:
        from openai._httpx2 import request_exceptions, timeout_exceptions
    except ImportError:  # openai < 3 streams over httpx
        import httpx

        return (httpx.RequestError, anyio.EndOfStream), (httpx.TimeoutException,)
    return request_exceptions(), timeout_exceptions()


def extra_options(settings: ModelSettings) -> Any:
    """The per-request options (`extra_headers`, `extra_query`) for `client.post`.

    (Typed `Any`: the SDK's `RequestOptions` TypedDict is private.)"""
    options: dict[str, Any] = {}
    if settings.extra_headers:
        options["headers"] = dict(settings.extra_headers)
    if settings.extra_query:
        options["params"] = dict(settings.extra_query)
    return options


def merge_extras(body: dict[str, Any], settings: ModelSettings) -> dict[str, Any]:
    """Add `extra_args` (keys the request does not already have) and lay `extra_body` over a
    request body."""
    if settings.extra_args:
        taken = sorted(key for key in settings.extra_args if body.get(key) is not None)
        if taken:
            raise UserTypeError(
                "ModelSettings.extra_args gives multiple values for "
                f"{', '.join(map(repr, taken))}: the request already sets it (from the agent, "
                "its settings or the run). Set it there, or use extra_body to override what is "
                "sent."
            )
        body.update(settings.extra_args)
    if settings.extra_body:
        body.update(settings.extra_body)
    return body


def function_schema_of(tool: FunctionTool) -> tuple[str, str, dict[str, Any], bool]:
    """Name, description, parameters and strictness of a function tool."""
    return tool.name, tool.description, tool.params_json_schema, tool.strict_json_schema


def function_tools_only(tools: list[Tool], model: str) -> list[FunctionTool]:
    """`tools`, which must all be function tools: the others are Responses-API tools, so a
    model on another API refuses them before any request."""
    from .._tool_search import responses_only_features
    from .._tools import FunctionTool

    for tool in tools:
        if not isinstance(tool, FunctionTool):
            raise UserError(
                f"{type(tool).__name__} runs only with the OpenAI Responses API, and model "
                f"{model!r} uses Chat Completions: use OpenAIResponsesModel (the default for "
                "model names) or remove the tool."
            )
        features = responses_only_features(tool)
        if features:
            raise UserError(
                "The following function-tool features are only supported with OpenAI "
                f"Responses models: {', '.join(features)}. Tool `{tool.qualified_name}` cannot "
                f"be used with model {model!r}, which uses Chat Completions."
            )
    return tools  # type: ignore[return-value]


def handoff_schema_of(handoff: Handoff[Any]) -> tuple[str, str, dict[str, Any], bool]:
    """A handoff as a function tool: name, description, parameters and strictness."""
    return (
        handoff.tool_name,
        handoff.tool_description,
        handoff.input_json_schema,
        handoff.strict_json_schema,
    )


def output_format(schema: AgentOutputSchemaBase | None) -> dict[str, Any] | None:
    """The JSON-schema response format for a structured `output_type`, if any."""
    if schema is None or schema.is_plain_text():
        return None
    return {
        "type": "json_schema",
        "name": "final_output",
        "schema": schema.json_schema(),
        "strict": schema.is_strict_json_schema(),
    }
