"""Request bodies as JSON bytes: the same JSON the SDK would send, each history item of a
conversation serialised once (counted), and a cache that stays bounded and never goes stale."""

from __future__ import annotations

import json
from typing import Any

import pytest

from structagents.models import _request_json
from structagents.models._request_json import InputCache, request_json


def history(turns: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"role": "user", "content": "héllo \u2603"}]
    for n in range(turns):
        items.append({"type": "function_call", "call_id": f"c{n}", "name": "f", "arguments": "{}"})
        items.append({"type": "function_call_output", "call_id": f"c{n}", "output": str(n)})
    return items


@pytest.fixture
def serialised(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many items each serialisation of new items covered."""
    counts: list[int] = []
    original = _request_json._items_json

    def counting(items: list[Any]) -> bytes:
        counts.append(len(items))
        return original(items)

    monkeypatch.setattr(_request_json, "_items_json", counting)
    return counts


def test_the_body_is_the_same_json_as_the_plain_dict() -> None:
    cache = InputCache()
    body = {"model": "m", "input": history(3), "tools": [{"type": "function"}], "stream": True}
    encoded = request_json(body, cache)
    assert json.loads(encoded) == body
    assert "\u2603".encode() in encoded  # UTF-8, not \\u escapes, as the SDK sends
    assert json.loads(request_json({"model": "m", "input": "hi"}, cache)) == {
        "model": "m",
        "input": "hi",
    }
    assert json.loads(request_json({"input": history(1)}, cache)) == {"input": history(1)}
    assert json.loads(request_json(body)) == body  # without a cache


def test_each_turn_serialises_only_its_new_items(serialised: list[int]) -> None:
    cache = InputCache()
    items = history(0)
    for turn in range(50):
        assert json.loads(cache.array(list(items))) == items  # a new list each turn, as the run
        items += history(turn + 1)[-2:]
    assert serialised == [1] + [2] * 49
    assert len(cache) == 1  # each turn's prefix replaces the one it extends
    cache.array(list(items))
    cache.array(list(items))  # a retry of the same request serialises nothing
    assert serialised[-1] == 2


def test_a_changed_list_or_item_object_is_serialised_afresh(serialised: list[int]) -> None:
    cache = InputCache()
    items = history(3)
    cache.array(items)
    changed = list(items)
    changed[2] = {"type": "function_call_output", "call_id": "c0", "output": "other"}
    assert json.loads(cache.array(changed)) == changed
    assert serialised[-1] == len(changed)  # no cached prefix holds the new object
    shorter = items[:3]
    assert json.loads(cache.array(shorter)) == shorter
    equal_copies = [dict(item) for item in items]  # equal but not the same objects
    assert json.loads(cache.array(equal_copies)) == items
    assert serialised[-1] == len(items)


def test_runs_sharing_their_first_items_share_only_that_prefix() -> None:
    cache = InputCache()
    shared = history(1)
    first = [*shared, {"role": "user", "content": "a"}]
    second = [*shared, {"role": "user", "content": "b"}]
    assert json.loads(cache.array(first)) == first
    assert json.loads(cache.array(second)) == second
    assert json.loads(cache.array([*first, {"role": "user", "content": "c"}]))[-2:] == [
        {"role": "user", "content": "a"},
        {"role": "user", "content": "c"},
    ]


def test_the_cache_is_bounded_in_bytes_and_entries() -> None:
    by_bytes = InputCache(max_bytes=1000)
    for _ in range(100):
        by_bytes.array(history(2))
    assert sum(len(entry.json) for entry in by_bytes._entries.values()) <= 1000
    assert 0 < len(by_bytes) < 100
    assert by_bytes.array([{"content": "x" * 2000}]).endswith(b'"}]')
    by_count = InputCache(max_entries=10)
    kept = [history(1) for _ in range(30)]  # alive, so their ids stay distinct
    for items in kept:
        by_count.array(items)
    assert len(by_count) == 10


def test_sdk_objects_as_input_items_are_sent_as_the_sdk_dumps_them() -> None:
    from openai.types.responses import EasyInputMessage

    message = EasyInputMessage(role="user", content="hi")
    body = json.loads(InputCache().array([message, {"role": "user", "content": "x"}]))
    assert body == [{"role": "user", "content": "hi"}, {"role": "user", "content": "x"}]


def test_an_sdk_without_a_content_parameter_gets_the_body_to_serialise() -> None:
    from openai import AsyncOpenAI

    from structagents.models._openai_shared import payload

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
