"""The `openai` SDK's errors as our `ModelProviderError` family, with a hint at the cause.

A connection error names the URL and where the base URL came from (`base_url=` or
`OPENAI_BASE_URL`); a 401 names where the API key came from (never the key itself). The
clients `create_client` makes remember their origin here; any other client is "yours".
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..exceptions import ModelConnectionError, ModelProviderError, ModelRateLimitError

if TYPE_CHECKING:
    from openai import APIConnectionError, AsyncOpenAI

__all__ = ["ClientOrigin", "mapped_errors", "remember_origin"]

_YOUR_CLIENT = "the AsyncOpenAI client you passed (openai_client= or set_default_openai_client)"


@dataclass(frozen=True)
class ClientOrigin:
    """Where a client's API key and base URL came from, in the user's words."""

    key_source: str
    base_url_source: str


_origins: weakref.WeakKeyDictionary[AsyncOpenAI, ClientOrigin] = weakref.WeakKeyDictionary()


def remember_origin(client: AsyncOpenAI, origin: ClientOrigin) -> None:
    """Record how `client` was configured, for the hints of its errors."""
    _origins[client] = origin


@contextmanager
def mapped_errors(client: AsyncOpenAI | None = None) -> Iterator[None]:
    """Re-raise the `openai` SDK's errors as our `ModelProviderError` family (`from` them).

    With `client` (the one making the request), the message says how it was configured."""
    import openai

    try:
        yield
    except openai.APIStatusError as exc:
        kind = ModelRateLimitError if exc.status_code == 429 else ModelProviderError
        message = f"{type(exc).__name__} ({exc.status_code}): {exc.message}"
        if exc.status_code == 401 and client is not None:
            message += f" Check the API key: it came from {_origin(client).key_source}."
        raise kind(
            message,
            status_code=exc.status_code,
            request_id=exc.request_id,
            code=exc.code,
            body=exc.body,
        ) from exc
    except openai.APIConnectionError as exc:
        raise ModelConnectionError(_connection_message(exc, client)) from exc
    except openai.APIError as exc:
        raise ModelProviderError(
            f"{type(exc).__name__}: {exc.message}", code=exc.code, body=exc.body
        ) from exc


def _origin(client: AsyncOpenAI) -> ClientOrigin:
    return _origins.get(client) or ClientOrigin(_YOUR_CLIENT, f"set on {_YOUR_CLIENT}")


def _connection_message(exc: APIConnectionError, client: AsyncOpenAI | None) -> str:
    """What failed, where, and which setting points there."""
    import openai

    url = getattr(exc.request, "url", None)
    cause = exc.__cause__
    detail = f" ({type(cause).__name__}: {cause})" if cause is not None and str(cause) else ""
    if isinstance(exc, openai.APITimeoutError):
        return (
            f"{type(exc).__name__}: {url} did not answer in time{detail}. A slow server needs a "
            "longer client timeout (OpenAIProvider(timeout=...) or ModelSettings.timeout)."
        )
    message = f"{type(exc).__name__}: cannot connect to {url}{detail}. Is a server listening there?"
    if client is not None:
        message += (
            f" The base URL {client.base_url} is {_origin(client).base_url_source}; set the "
            "OPENAI_BASE_URL environment variable or pass base_url= to point elsewhere."
        )
    return message
