"""Server-sent events: the `data` of each event from a byte stream, parsed with bytes
operations per frame (the SDK's decoder works line by line in Python, about three calls per
line, which dominates a stream of small text deltas)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

__all__ = ["sse_data"]


async def sse_data(chunks: AsyncIterator[bytes]) -> AsyncGenerator[str, None]:
    """The data of each event of an SSE byte stream (its `data:` lines joined by newlines).

    Follows the event-stream format: lines end in LF, CRLF or CR; a blank line ends an event;
    `data:` drops one leading space; comments and other fields are skipped; an event with no
    data yields nothing. Invalid UTF-8 raises `UnicodeDecodeError`.
    """
    buffer = b""
    async for chunk in chunks:
        buffer += chunk
        if b"\r" in buffer:
            if buffer.endswith(b"\r"):  # may be the first half of a CRLF: wait for more
                continue
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        start = 0
        while (end := buffer.find(b"\n\n", start)) != -1:
            data = _frame_data(buffer[start:end])
            start = end + 2
            if data is not None:
                yield data
        buffer = buffer[start:]
    if buffer.strip(b"\r\n"):
        data = _frame_data(buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n").rstrip(b"\n"))
        if data is not None:
            yield data


def _frame_data(frame: bytes) -> str | None:
    if frame.startswith(b"data:") and b"\n" not in frame:  # the usual case: one data line
        value = frame[5:]
        return (value[1:] if value.startswith(b" ") else value).decode("utf-8")
    parts = []
    for line in frame.split(b"\n"):
        if line.startswith(b"data:"):
            value = line[5:]
            parts.append(value[1:] if value.startswith(b" ") else value)
        elif line == b"data":
            parts.append(b"")
    return b"\n".join(parts).decode("utf-8") if parts else None
