"""Request bodies as JSON bytes: the same JSON the SDK would send, and never JSON kept from an
earlier request when the caller edited a history item in place."""

from __future__ import annotations

import json
from typing import Any

from openai import AsyncOpenAI

from structagents import Agent, OpenAIResponsesModel, Runner
from structagents.models._request_json import request_json
from structagents.testing import FakeOpenAIServer


def history(turns: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"role": "user", "content": "héllo \u2603"}]
    for n in range(turns):
        items.append({"type": "function_call", "call_id": f"c{n}", "name": "f", "arguments": "{}"})
        items.append({"type": "function_call_output", "call_id": f"c{n}", "output": str(n)})
    return items


def test_the_body_is_the_same_json_as_the_plain_dict() -> None:
    body = {"model": "m", "input": history(3), "tools": [{"type": "function"}], "stream": True}
    encoded = request_json(body)
    assert json.loads(encoded) == body
    assert "\u2603".encode() in encoded  # UTF-8, not \\u escapes, as the SDK sends
    assert json.loads(request_json({"model": "m", "input": "hi"})) == {"model": "m", "input": "hi"}


def test_sdk_objects_as_input_items_are_sent_as_the_sdk_dumps_them() -> None:
    from openai.types.responses import EasyInputMessage

    message = EasyInputMessage(role="user", content="hi")
    body = json.loads(request_json({"input": [message, {"role": "user", "content": "x"}]}))
    assert body == {"input": [{"role": "user", "content": "hi"}, {"role": "user", "content": "x"}]}


async def test_a_history_item_edited_in_place_is_sent_as_edited() -> None:
    """A caller redacting a message of `to_input_list()` before the next run must not have
    the old text sent: a request's JSON is never reused from an earlier one."""
    async with FakeOpenAIServer(steps=["one", "two"]) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="k")
        agent = Agent(name="a", model=OpenAIResponsesModel("gpt-test", openai_client=client))
        first = await Runner.run(agent, [{"role": "user", "content": "secret 123"}])
        items = first.to_input_list()
        items[0]["content"] = "REDACTED"
        await Runner.run(agent, [*items, {"role": "user", "content": "next"}])
        await client.close()
    sent = server.requests[-1].body
    assert isinstance(sent, dict)
    assert sent["input"][0]["content"] == "REDACTED"
    assert "secret 123" not in json.dumps(sent)


def test_an_sdk_without_a_content_parameter_gets_the_body_to_serialise() -> None:
    from openai import AsyncOpenAI

    from structagents.models._openai_request import payload

    class OldSDKClient(AsyncOpenAI):
        async def post(self, path: str, *, cast_to: Any, body: Any = None) -> Any:  # type: ignore[override]
            raise NotImplementedError

    body = {"model": "m", "input": "hi"}
    new = AsyncOpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")
    old = OldSDKClient(api_key="k", base_url="http://127.0.0.1:9/v1")
    assert payload(new, body, b"{}") == {"content": b"{}"}
    assert payload(old, body, b"{}") == {"body": body}


def test_clients_we_create_keep_enough_connections_for_many_concurrent_runs() -> None:
    from structagents import OpenAIProvider, OpenAIResponsesModel
    from structagents.models._openai_shared import DEFAULT_POOL_SIZE

    model = OpenAIProvider(api_key="k", base_url="http://127.0.0.1:9/v1").get_model("m")
    assert isinstance(model, OpenAIResponsesModel)
    pool = model.client._client._transport._pool  # type: ignore[attr-defined]
    assert pool._max_connections == pool._max_keepalive_connections == DEFAULT_POOL_SIZE
