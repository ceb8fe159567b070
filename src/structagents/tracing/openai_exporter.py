"""`BackendSpanExporter`: sends traces and spans to the OpenAI traces dashboard (opt-in).

Unlike the reference SDK, structagents sends nothing to OpenAI unless you register it:

    from structagents import add_trace_processor
    from structagents.tracing.processors import default_processor
    add_trace_processor(default_processor())
"""

from __future__ import annotations

import os
import random
import threading
from typing import TYPE_CHECKING, Any

from ._export_key import get_tracing_export_api_key
from ._log import logger
from .processor_interface import TracingExporter

if TYPE_CHECKING:
    import httpx

    from .spans import Span
    from .traces import Trace

__all__ = ["BackendSpanExporter"]

_INGEST_ENDPOINT = "https://api.openai.com/v1/traces/ingest"
_RETRY_STATUSES = frozenset({408, 409, 429})


class BackendSpanExporter(TracingExporter):
    """Posts batches to the traces ingest endpoint, retrying transient failures with backoff.

    The key is, in order: the trace's own (`TracingConfig(api_key=...)`), `api_key`, the one
    from `set_tracing_export_api_key` / `set_default_openai_key(use_for_tracing=True)`, then
    `OPENAI_API_KEY`. It goes in the Authorization header only: never in a log line.
    """

    def __init__(
        self,
        api_key: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        endpoint: str = _INGEST_ENDPOINT,
        max_retries: int = 3,
        base_delay: float = 1.0,
        max_delay: float = 30.0,
        timeout: float = 30.0,
    ) -> None:
        self._api_key = api_key
        self.organization = organization or os.environ.get("OPENAI_ORG_ID")
        self.project = project or os.environ.get("OPENAI_PROJECT_ID")
        self.endpoint = endpoint
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._timeout = timeout
        self._client: httpx.Client | None = None
        self._closing = threading.Event()

    def set_api_key(self, api_key: str) -> None:
        self._api_key = api_key

    @property
    def api_key(self) -> str | None:
        return self._api_key or get_tracing_export_api_key() or os.environ.get("OPENAI_API_KEY")

    def export(self, items: list[Trace | Span[Any]]) -> None:
        by_key: dict[str | None, list[dict[str, Any]]] = {}
        for item in items:
            exported = item.export()
            if exported is not None:
                by_key.setdefault(item.tracing_api_key, []).append(exported)
        for item_key, data in by_key.items():
            api_key = item_key or self.api_key
            if not api_key:
                logger.warning(
                    "[non-fatal] Tracing: no OpenAI API key; %d items not sent", len(data)
                )
                continue
            self._post({"data": data}, api_key)

    def _post(self, payload: dict[str, Any], api_key: str) -> None:
        headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json",
            "OpenAI-Beta": "traces=v1",
        }
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        client = self._http()
        delay = self.base_delay
        for attempt in range(1, self.max_retries + 1):
            status: int | None = None
            try:
                status = client.post(self.endpoint, json=payload, headers=headers).status_code
            except Exception as exc:  # network trouble: retried
                logger.warning("[non-fatal] Tracing export failed: %s", type(exc).__name__)
            if status is not None and status < 300:
                return
            if status is not None and 400 <= status < 500 and status not in _RETRY_STATUSES:
                logger.error("[non-fatal] Tracing export rejected with HTTP %d", status)
                return
            if attempt == self.max_retries or self._closing.wait(
                min(delay, self.max_delay) * (1 + random.random() / 10)
            ):
                break
            delay *= 2
        logger.error("[non-fatal] Tracing export gave up after %d attempts", self.max_retries)

    def _http(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=httpx.Timeout(self._timeout, connect=5.0))
        return self._client

    def close(self) -> None:
        """Stop retrying and close the HTTP client."""
        self._closing.set()
        if self._client is not None:
            self._client.close()
