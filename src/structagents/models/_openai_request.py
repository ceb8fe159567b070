"""One JSON POST through an `AsyncOpenAI` client: the SDK's request loop, without its overhead.

`client.post(path, content=..., cast_to=bytes)` spends about 1.7 M instructions a request on
top of its HTTP transport, most of it in work that is the same for every request of a model:
`FinalRequestOptions.construct` (0.23 M: it deep-copies field defaults), parsing and joining the
URL three times (`_prepare_url`, then `str()` and `build_request` parse it again: 0.5 M), and
the response wrapper. `post_json` runs the loop of `AsyncAPIClient.request` itself, calling the
client's own hooks for everything that carries behaviour, so a request does what the SDK does:

- options: `_prepare_options` (a callable API key refreshed, a provider's transform);
- headers: `_build_headers` (auth, default headers, their validation, the idempotency key,
  `x-stainless-retry-count`, `x-stainless-read-timeout`);
- the request: `_prepare_request`, `custom_auth`, `_send_request` (auth retry, provider hooks);
- retries: `max_retries`, `_should_retry`, `_sleep_for_retry` (back-off, `Retry-After`), the
  body (bytes) sent again;
- errors: `_make_status_error_from_response`, `APITimeoutError`, `APIConnectionError`.

What it saves: the options are copied from a prototype (not constructed), the URL joined once
per client and path (`_prepare_url`'s result, reused while `client.base_url` is the same
object), and the body bytes returned from the response as they are. A request with query
parameters, or not JSON, is built by the client's own `_build_request`.

This uses private SDK methods. A client whose class overrides a method this module replaces
(`request`, `post`, `_build_request`, `_prepare_url`, `_process_response`: Azure clients, for
instance), an SDK without one of the methods it calls, or the first request of the process
(the SDK reads the platform for its headers then, in a thread; other clients, `with_options`
copies among them, are given the same value) goes through `client.post`; a client that builds its
requests itself gets the body as a dict there (Azure routes Chat Completions by its `model`).
tests/test_openai_request.py fails when the SDK changes what this relies on.
"""

from __future__ import annotations

import functools
import inspect
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["CALLED", "REPLACED", "lean_client", "open_stream", "payload", "post_json"]

T = TypeVar("T")

REPLACED = ("request", "post", "_build_request", "_prepare_url", "_process_response")
"""The `AsyncAPIClient` methods `post_json` does the work of: a client overriding one is
sent through `client.post`."""
CALLED = (
    "_prepare_options",
    "_build_headers",
    "_auth_query",
    "_prepare_request",
    "_send_request",
    "_should_retry",
    "_sleep_for_retry",
    "_make_status_error_from_response",
    "_idempotency_key",
    "_validate_max_retries",
    "_should_stream_response_body",
)
"""The private client methods `post_json` calls (their behaviour stays the client's)."""


@dataclass(frozen=True)
class _SDK:
    """The `openai` pieces the lean path uses, imported once."""

    base: type[Any]
    prototype: Any
    model_copy: Any
    not_given: type[Any]
    timeout_errors: tuple[type[BaseException], ...]
    request_errors: tuple[type[BaseException], ...]
    status_errors: tuple[type[BaseException], ...]
    openai_error: type[BaseException]
    timeout_error: type[BaseException]
    connection_error: type[BaseException]
    is_httpx2: Any
    httpx2_timeout: Any
    legacy_timeout: Any
    httpx2_auth: Any
    legacy_auth: Any


@functools.cache
def _sdk() -> _SDK | None:
    """The private SDK pieces, or None when this `openai` lacks one of them."""
    try:
        from openai import APIConnectionError, APITimeoutError, NotGiven, OpenAIError
        from openai._base_client import AsyncAPIClient
        from openai._compat import model_copy
        from openai._httpx2 import (
            is_httpx2_async_client,
            normalize_httpx2_auth,
            normalize_httpx2_timeout,
            normalize_legacy_httpx_auth,
            normalize_legacy_httpx_timeout,
            request_exceptions,
            status_exceptions,
            timeout_exceptions,
        )
        from openai._models import FinalRequestOptions
    except ImportError:
        return None
    if not all(callable(getattr(AsyncAPIClient, name, None)) for name in REPLACED + CALLED):
        return None
    return _SDK(
        base=AsyncAPIClient,
        prototype=FinalRequestOptions.construct(method="post", url="/"),
        model_copy=model_copy,
        not_given=NotGiven,
        timeout_errors=timeout_exceptions(),
        request_errors=request_exceptions(),
        status_errors=status_exceptions(),
        openai_error=OpenAIError,
        timeout_error=APITimeoutError,
        connection_error=APIConnectionError,
        is_httpx2=is_httpx2_async_client,
        httpx2_timeout=normalize_httpx2_timeout,
        legacy_timeout=normalize_legacy_httpx_timeout,
        httpx2_auth=normalize_httpx2_auth,
        legacy_auth=normalize_legacy_httpx_auth,
    )


_lean_classes: dict[type[Any], bool] = {}
_body_readers: dict[type[Any], bool] = {}


def _reads_the_body(client: AsyncOpenAI) -> bool:
    """Whether `client`'s class builds its requests itself, and so may read the JSON body: an
    Azure client routes `/chat/completions` to `/deployments/{model}/...` by the body's
    `model`. Such a client is given the body, not its bytes."""
    cls = type(client)
    reads = _body_readers.get(cls)
    if reads is None:
        sdk = _sdk()
        reads = _body_readers[cls] = sdk is not None and (
            getattr(cls, "_build_request", None) is not sdk.base._build_request
        )
    return reads


def lean_client(client: AsyncOpenAI) -> bool:
    """Whether `post_json` runs its own loop for `client` (else it calls `client.post`)."""
    cls = type(client)
    lean = _lean_classes.get(cls)
    if lean is None:
        sdk = _sdk()
        lean = _lean_classes[cls] = (
            sdk is not None
            and issubclass(cls, sdk.base)
            and all(getattr(cls, name) is getattr(sdk.base, name) for name in REPLACED)
        )
    if not lean:
        return False
    c: Any = client
    if c._platform is None:  # the SDK reads it (blocking calls, in a thread) on a first request
        if _process["platform"] is None:
            return False
        c._platform = _process["platform"]  # what it reads is the same for every client
    return True


_process: dict[str, Any] = {"platform": None}


def _remember_platform(client: AsyncOpenAI) -> None:
    """Keep the platform the SDK read on `client`'s first request, for the other clients
    (`with_options` copies start without one)."""
    if _process["platform"] is None:
        _process["platform"] = getattr(client, "_platform", None)


async def post_json(
    client: AsyncOpenAI, path: str, body: dict[str, Any], content: bytes, options: dict[str, Any]
) -> bytes:
    """POST `content` (the JSON of `body`) to `path` and return the reply's body, as
    `client.post(path, content=content, cast_to=bytes, options=options)` does (`options`:
    `headers`, `params`). Through `client.post` an SDK too old for `content=` gets `body`."""
    if not lean_client(client):
        sent = _sent(client, body, content)
        raw: bytes = await client.post(path, cast_to=bytes, options=options, **sent)  # type: ignore[call-overload]
        _remember_platform(client)
        return raw
    response = await _send(client, path, content, options, stream=False)
    reply: bytes = await response.aread()
    return reply


async def open_stream(
    client: AsyncOpenAI,
    path: str,
    body: dict[str, Any],
    content: bytes,
    options: dict[str, Any],
    stream_cls: type[T],
) -> T:
    """POST as `post_json` does and return `stream_cls` (an `AsyncStream`) reading the reply's
    events, as `client.post(..., stream=True, stream_cls=stream_cls)` does."""
    if not lean_client(client):
        sent = _sent(client, body, content)
        stream: T = await client.post(  # type: ignore[call-overload]
            path, cast_to=object, options=options, stream=True, stream_cls=stream_cls, **sent
        )
        _remember_platform(client)
        return stream
    response = await _send(client, path, content, options, stream=True)
    return stream_cls(cast_to=object, response=response, client=client)  # type: ignore[call-arg]


def payload(client: AsyncOpenAI, body: dict[str, Any], content: bytes) -> dict[str, Any]:
    """How `client.post` takes the request: the prebuilt JSON `content` (sent as it is),
    or `body` for an SDK too old to take bytes (which serialises it itself)."""
    post = type(client).post
    takes = _takes_content.get(post)
    if takes is None:
        takes = _takes_content[post] = "content" in inspect.signature(post).parameters
    return {"content": content} if takes else {"body": body}


_takes_content: dict[Any, bool] = {}


def _sent(client: AsyncOpenAI, body: dict[str, Any], content: bytes) -> dict[str, Any]:
    """How `client.post` takes the body: as a dict for a client that reads it, else bytes."""
    return {"body": body} if _reads_the_body(client) else payload(client, body, content)


async def _send(
    client: AsyncOpenAI, path: str, content: bytes, options: dict[str, Any], *, stream: bool
) -> Any:
    """The loop of `AsyncAPIClient.request`: the successful response (unread when `stream`)."""
    sdk: Any = _sdk()
    c: Any = client
    input_options = sdk.model_copy(sdk.prototype)
    input_options.url = path
    input_options.content = content
    if "headers" in options:
        input_options.headers = options["headers"]
    if "params" in options:
        input_options.params = options["params"]
    input_options.idempotency_key = c._idempotency_key()
    max_retries = input_options.get_max_retries(c.max_retries)
    c._validate_max_retries(max_retries)
    response: Any = None
    for retries_taken in range(max_retries + 1):
        request_options = await c._prepare_options(sdk.model_copy(input_options))
        remaining = max_retries - retries_taken
        replayable = _replayable(request_options)
        request = _build_request(c, sdk, request_options, retries_taken)
        await c._prepare_request(request)
        kwargs: dict[str, Any] = {}
        auth = c.custom_auth
        if auth is not None:
            kwargs["auth"] = (
                sdk.httpx2_auth(auth) if sdk.is_httpx2(c._client) else sdk.legacy_auth(auth)
            )
        if request_options.follow_redirects is not None:
            kwargs["follow_redirects"] = request_options.follow_redirects
        try:
            response = await c._send_request(
                request, stream=stream or c._should_stream_response_body(request=request), **kwargs
            )
        except sdk.timeout_errors as exc:
            if remaining > 0 and replayable:
                await _sleep(c, retries_taken, max_retries, input_options, None)
                continue
            raise sdk.timeout_error(request=request) from exc
        except sdk.openai_error:
            raise
        except sdk.request_errors as exc:
            if remaining > 0 and replayable:
                await _sleep(c, retries_taken, max_retries, input_options, None)
                continue
            raise sdk.connection_error(request=request) from exc
        try:
            response.raise_for_status()
        except sdk.status_errors as exc:
            if remaining > 0 and c._should_retry(exc.response) and replayable:
                await exc.response.aclose()
                await _sleep(c, retries_taken, max_retries, input_options, response)
                continue
            if not exc.response.is_closed:
                await exc.response.aread()
            raise c._make_status_error_from_response(exc.response) from None
        break
    return response


def _replayable(options: Any) -> bool:
    """Whether the body can be sent again (the SDK's `_RequestBodyReplay`, for what a JSON POST
    holds: bytes, or what a client's `_prepare_options` may have put there instead)."""
    content = options.content
    return options.files is None and (content is None or isinstance(content, (bytes, bytearray)))


async def _sleep(
    client: Any, retries_taken: int, max_retries: int, options: Any, response: Any
) -> None:
    await client._sleep_for_retry(
        retries_taken=retries_taken, max_retries=max_retries, options=options, response=response
    )


def _build_request(client: Any, sdk: Any, options: Any, retries_taken: int) -> Any:
    """`client._build_request(options)`, for a JSON POST without query parameters: the headers
    the client builds, the URL it joined for an earlier request while its base URL stayed."""
    headers = client._build_headers(options, retries_taken=retries_taken)
    content_type = headers.get("Content-Type")
    if (
        options.params
        or client.default_query
        or client._auth_query(options.security)
        or options.json_data is not None
        or options.extra_json is not None
        or options.files is not None
        or (content_type is not None and content_type.startswith("multipart/form-data"))
    ):
        return client._build_request(options, retries_taken=retries_taken)
    timeout = client.timeout if isinstance(options.timeout, sdk.not_given) else options.timeout
    http = client._client
    url = _url(client, options.url)
    if sdk.is_httpx2(http):  # its own Headers are copied as they are, not parsed again
        timeout = sdk.httpx2_timeout(timeout)
    else:  # a legacy `httpx` client takes neither httpx2's timeout, URL nor Headers
        timeout, url, headers = sdk.legacy_timeout(timeout), str(url), list(headers.multi_items())
    return http.build_request(
        headers=headers,
        timeout=timeout,
        method=options.method,
        url=url,
        content=options.content,
        files=None,
    )


_urls: weakref.WeakKeyDictionary[Any, tuple[Any, dict[str, Any]]] = weakref.WeakKeyDictionary()


def _url(client: Any, path: str) -> Any:
    """`client._prepare_url(path)`, kept per client while `client.base_url` is the same."""
    base = client.base_url
    known = _urls.get(client)
    if known is None or known[0] is not base:
        known = _urls[client] = (base, {})
    url = known[1].get(path)
    if url is None:
        url = known[1][path] = client._prepare_url(path)
    return url
