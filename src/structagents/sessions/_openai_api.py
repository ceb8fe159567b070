"""The OpenAI calls the server-backed sessions make, through the same `AsyncOpenAI` client
the models use (auth, base URL, retries), with errors mapped as the models map them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models._openai_shared import create_client, default_client, mapped_errors

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["OpenAIEndpoint"]


class OpenAIEndpoint:
    """Plain-JSON requests to one OpenAI client, made on first use when none is given."""

    def __init__(self, client: AsyncOpenAI | None) -> None:
        self._client = client

    @property
    def client(self) -> AsyncOpenAI:
        """The given client, else `set_default_openai_client`'s, else a new one."""
        if self._client is None:
            self._client = default_client() or create_client()
        return self._client

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """The JSON reply of `method path`; HTTP errors raise `ModelProviderError` & co."""
        options: Any = {"params": params} if params else {}
        client = self.client
        with mapped_errors(client):
            if method == "GET":
                return await client.get(path, cast_to=object, options=options)
            if method == "DELETE":
                return await client.delete(path, cast_to=object, options=options)
            return await client.post(path, body=body, cast_to=object, options=options)
