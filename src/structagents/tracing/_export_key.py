"""The API key the OpenAI traces exporter uses when a trace carries none of its own."""

from __future__ import annotations

__all__ = ["get_tracing_export_api_key", "set_tracing_export_api_key"]

_key: list[str | None] = [None]


def set_tracing_export_api_key(api_key: str | None) -> None:
    """The key for exporting traces to OpenAI (default: `OPENAI_API_KEY`)."""
    _key[0] = api_key


def get_tracing_export_api_key() -> str | None:
    return _key[0]
