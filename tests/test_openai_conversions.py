"""The OpenAI models' pure translation steps, edge cases the fake server cannot produce."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from structagents import (
    Agent,
    ModelProviderError,
    ModelSettings,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    Runner,
    UserError,
)
from structagents.models._chat_convert import ChatStreamAssembler, items_to_messages
from structagents.testing import assistant_message, function_call


def test_text_after_tool_calls_joins_their_assistant_message() -> None:
    messages = items_to_messages(
        None,
        [
            {"role": "user", "content": "hi"},
            function_call("lookup", {"k": 1}, call_id="c1"),
            assistant_message("Let me check."),
            {"type": "function_call_output", "call_id": "c1", "output": "ok"},
        ],
    )
    assert [m["role"] for m in messages] == ["user", "assistant", "tool"]
    assert messages[1]["content"] == "Let me check."
    assert messages[1]["tool_calls"][0]["id"] == "c1"


def test_chat_refuses_images_by_file_id() -> None:
    item = {"role": "user", "content": [{"type": "input_image", "file_id": "file-abc"}]}
    with pytest.raises(UserError, match="file_id"):
        items_to_messages(None, [item])


def test_a_chat_stream_without_finish_reason_is_an_error() -> None:
    assembler = ChatStreamAssembler()
    chunk = {"id": "c", "choices": [{"index": 0, "delta": {"content": "The answer is"}}]}
    list(assembler.feed(chunk))
    with pytest.raises(ModelProviderError, match="finish_reason"):
        list(assembler.finish())


def test_chat_items_carry_no_ids_the_responses_api_would_reject() -> None:
    assembler = ChatStreamAssembler()
    chunks: list[dict[str, Any]] = [
        {"id": "chatcmpl-1", "choices": [{"index": 0, "delta": {"content": "Hi"}}]},
        {
            "id": "chatcmpl-1",
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "call_1",
                                "function": {"name": "f", "arguments": "{}"},
                            }
                        ]
                    },
                    "finish_reason": "tool_calls",
                }
            ],
        },
    ]
    for chunk in chunks:
        list(assembler.feed(chunk))
    completed = list(assembler.finish())[-1]["response"]["output"]
    assert [("id" in item, item["type"]) for item in completed] == [
        (False, "message"),
        (False, "function_call"),
    ]


def test_chat_sends_reasoning_effort_from_an_sdk_reasoning_object() -> None:
    from openai.types.shared import Reasoning

    model = OpenAIChatCompletionsModel("m", openai_client=object())  # type: ignore[arg-type]
    settings = ModelSettings(reasoning=Reasoning(effort="low"))
    body = model.build_body(None, "hi", settings, [], None, [], stream=False)
    assert body["reasoning_effort"] == "low"


def test_an_incomplete_response_is_an_error() -> None:
    model = OpenAIResponsesModel("m", openai_client=object())  # type: ignore[arg-type]
    with pytest.raises(ModelProviderError, match="max_output_tokens"):
        model.parse_response(
            {
                "id": "r",
                "status": "incomplete",
                "incomplete_details": {"reason": "max_output_tokens"},
            }
        )


async def test_items_sent_only_in_output_item_done_are_kept() -> None:
    item = assistant_message("Hello there", item_id="msg_1")

    async def events() -> AsyncIterator[dict[str, Any]]:
        yield {"type": "response.output_item.done", "output_index": 0, "item": item}
        yield {"type": "response.completed", "response": {"id": "r1", "output": []}}

    model = OpenAIResponsesModel("m", openai_client=object())  # type: ignore[arg-type]
    translated = [event async for event in model.translate_stream(events())]
    assert translated[-1]["response"]["output"] == [item]


async def test_stream_error_events_keep_their_code() -> None:
    async def events() -> AsyncIterator[dict[str, Any]]:
        yield {"type": "error", "code": "server_error", "message": "boom"}

    model = OpenAIResponsesModel("m", openai_client=object())  # type: ignore[arg-type]
    with pytest.raises(ModelProviderError) as info:
        async for _ in model.translate_stream(events()):
            pass
    assert info.value.code == "server_error"


async def test_chat_models_refuse_server_side_state_before_any_request() -> None:
    model = OpenAIChatCompletionsModel("m", openai_client=object())  # type: ignore[arg-type]
    with pytest.raises(UserError, match="keeps no conversation"):
        await Runner.run(Agent(name="a", model=model), "hi", auto_previous_response_id=True)
