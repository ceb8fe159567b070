"""Rich function tool outputs reach the Responses request body as content parts."""

from __future__ import annotations

from typing import Any

import pytest
from openai import AsyncOpenAI

from structagents import (
    Agent,
    OpenAIResponsesModel,
    Runner,
    ToolOutputFileContent,
    ToolOutputImage,
    ToolOutputText,
    function_tool,
)
from structagents.testing import FakeOpenAIServer, function_call

pytestmark = pytest.mark.anyio

IMAGE = "data:image/png;base64,iVBORw0KGgo="

CASES: list[tuple[Any, Any]] = [
    (ToolOutputText(text="hello"), [{"type": "input_text", "text": "hello"}]),
    (
        ToolOutputImage(image_url=IMAGE, detail="low"),
        [{"type": "input_image", "image_url": IMAGE, "detail": "low"}],
    ),
    (
        ToolOutputFileContent(file_data="JVBERi0=", filename="a.pdf"),
        [{"type": "input_file", "file_data": "JVBERi0=", "filename": "a.pdf"}],
    ),
    ({"type": "image", "file_id": "file_1"}, [{"type": "input_image", "file_id": "file_1"}]),
    (
        [ToolOutputText(text="see"), {"type": "file", "file_url": "https://x/a.txt"}],
        [
            {"type": "input_text", "text": "see"},
            {"type": "input_file", "file_url": "https://x/a.txt"},
        ],
    ),
    # not rich outputs: sent as text (JSON for other values)
    ({"type": "image"}, '{"type":"image"}'),
    ({"answer": 42}, '{"answer":42}'),
    ([], "[]"),
    ([ToolOutputText(text="a"), 3], None),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
async def test_rich_outputs_in_the_request_body(value: Any, expected: Any) -> None:
    @function_tool
    def produce() -> Any:
        """Produce the value."""
        return value

    steps: list[Any] = [[function_call("produce", {}, call_id="c1")], "done"]
    async with FakeOpenAIServer(steps) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        async with client:
            agent = Agent(
                "a", model=OpenAIResponsesModel("m", openai_client=client), tools=[produce]
            )
            result = await Runner.run(agent, "go")
    assert result.final_output == "done"
    sent = server.requests[1].body["input"][-1]
    assert sent["type"] == "function_call_output"
    if expected is None:
        assert isinstance(sent["output"], str)
    else:
        assert sent["output"] == expected


def test_rich_outputs_validate_their_sources() -> None:
    with pytest.raises(ValueError, match="image_url or file_id"):
        ToolOutputImage()
    with pytest.raises(ValueError, match="file_data, file_url or file_id"):
        ToolOutputFileContent(filename="x")
