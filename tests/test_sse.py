"""The SSE decoder the OpenAI models stream through: the event-stream format, byte by byte."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import pytest

from structagents.models._sse import sse_data


async def decoded(*chunks: bytes) -> list[str]:
    async def stream() -> AsyncGenerator[bytes, None]:
        for chunk in chunks:
            yield chunk

    async with aclosing(stream()) as raw, aclosing(sse_data(raw)) as events:
        return [data async for data in events]


async def test_events_split_anywhere_decode_the_same() -> None:
    raw = (
        b'event: response.output_text.delta\ndata: {"delta": "h\xc3\xa9"}\n\n'
        b': a comment\r\nid: 7\r\ndata:{"n": 2}\r\n\r\n'
        b"data: line one\rdata: line two\r\r"
        b"event: no-data\n\n"
        b"data\n\n"
        b"data: [DONE]\n\n"
    )
    expected = ['{"delta": "hé"}', '{"n": 2}', "line one\nline two", "", "[DONE]"]
    assert await decoded(raw) == expected
    for size in (1, 2, 3, 7):  # every split point, including inside CRLF and UTF-8
        chunks = [raw[i : i + size] for i in range(0, len(raw), size)]
        assert await decoded(*chunks) == expected


async def test_a_last_event_without_a_blank_line_still_counts() -> None:
    assert await decoded(b"data: a\n\ndata: b") == ["a", "b"]
    assert await decoded(b"data: a\r\n") == ["a"]
    assert await decoded(b"", b"\n\n") == []


async def test_invalid_utf8_is_an_error() -> None:
    with pytest.raises(UnicodeDecodeError):
        await decoded(b"data: \xff\xfe\n\n")
