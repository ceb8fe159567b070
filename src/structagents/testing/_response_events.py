"""Turn a complete Responses-API response into the stream events a real server would send."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = ["response_stream_events", "text_chunks"]

_CHUNK = re.compile(r"\S+\s*|\s+")


def text_chunks(text: str) -> list[str]:
    """`text` in word-sized pieces, the way the fakes stream it."""
    chunks: list[str] = _CHUNK.findall(text)
    return chunks


def response_stream_events(response: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The stream of `response`: created, each item added / its deltas / done, completed.

    Text is split into word-sized `response.output_text.delta` events; function-call arguments
    arrive in one delta.
    """
    seq = iter(range(1 << 62))
    skeleton = {**response, "status": "in_progress", "output": []}
    yield {"type": "response.created", "sequence_number": next(seq), "response": skeleton}
    for index, item in enumerate(response.get("output") or ()):
        item_id = item.get("id")
        base = {"item_id": item_id, "output_index": index}
        yield {
            "type": "response.output_item.added",
            "sequence_number": next(seq),
            "output_index": index,
            "item": _in_progress(item),
        }
        if item.get("type") == "message":
            for part_index, part in enumerate(item.get("content") or ()):
                if part.get("type") != "output_text":
                    continue
                where = {**base, "content_index": part_index}
                empty = {**part, "text": ""}
                yield {
                    "type": "response.content_part.added",
                    "sequence_number": next(seq),
                    **where,
                    "part": empty,
                }
                for chunk in text_chunks(part.get("text", "")):
                    yield {
                        "type": "response.output_text.delta",
                        "sequence_number": next(seq),
                        **where,
                        "delta": chunk,
                    }
                yield {
                    "type": "response.output_text.done",
                    "sequence_number": next(seq),
                    **where,
                    "text": part.get("text", ""),
                }
                yield {
                    "type": "response.content_part.done",
                    "sequence_number": next(seq),
                    **where,
                    "part": part,
                }
        elif item.get("type") == "function_call":
            arguments = item.get("arguments", "")
            yield {
                "type": "response.function_call_arguments.delta",
                "sequence_number": next(seq),
                **base,
                "delta": arguments,
            }
            yield {
                "type": "response.function_call_arguments.done",
                "sequence_number": next(seq),
                **base,
                "arguments": arguments,
            }
        yield {
            "type": "response.output_item.done",
            "sequence_number": next(seq),
            "output_index": index,
            "item": item,
        }
    yield {"type": "response.completed", "sequence_number": next(seq), "response": response}


def _in_progress(item: dict[str, Any]) -> dict[str, Any]:
    if item.get("type") == "message":
        return {**item, "status": "in_progress", "content": []}
    if item.get("type") == "function_call":
        return {**item, "status": "in_progress", "arguments": ""}
    return item
