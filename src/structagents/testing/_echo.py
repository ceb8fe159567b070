"""The reply of a `FakeOpenAIServer(echo=True)` that has no scripted step left."""

from __future__ import annotations

from collections.abc import Mapping

from ._scripted_model import ModelCall, ModelStep, assistant_message

__all__ = ["echo_last_user_message"]


def echo_last_user_message(call: ModelCall) -> ModelStep:
    """An assistant message repeating the text of the last user message of `call`."""
    for item in reversed(call.input):
        if isinstance(item, Mapping) and item.get("role") == "user":
            content = item.get("content")
            if isinstance(content, str):
                return ModelStep(output=[assistant_message(content)])
            parts = content if isinstance(content, list) else []
            texts = [p["text"] for p in parts if isinstance(p, Mapping) and "text" in p]
            return ModelStep(output=[assistant_message(" ".join(texts))])
    return ModelStep(output=[assistant_message("(FakeOpenAIServer: no user message to echo)")])
