"""Tool search survives the Temporal model activity's JSON boundary: deferred and namespaced
function tools, `ToolSearchTool` and deferred hosted MCP servers reach the request as the
workflow's agent declared them (the activity called in-process, the request JSON-encoded)."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("temporalio")

from structagents import (
    HostedMCPTool,
    ModelSettings,
    OpenAIProvider,
    ToolSearchTool,
    function_tool,
    tool_namespace,
)
from structagents.models.interface import ModelTracing
from structagents.temporal import _model
from structagents.testing import FakeOpenAIServer

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # Temporal workflows run on asyncio


async def test_tool_search_tools_cross_the_model_activity(monkeypatch: pytest.MonkeyPatch) -> None:
    def lookup(customer_id: str) -> str:
        """Look a customer up."""
        return customer_id

    crm = tool_namespace(
        name="crm", description="CRM.", tools=[function_tool(lookup, defer_loading=True)]
    )
    mcp = {"type": "mcp", "server_label": "docs", "server_url": "https://x", "defer_loading": True}
    tools: list[Any] = [*crm, HostedMCPTool(tool_config=mcp), ToolSearchTool(execution="server")]
    async with FakeOpenAIServer(["ok"]) as server:
        provider = OpenAIProvider(base_url=server.base_url, api_key="test-key")
        activity = _model.ModelActivity(provider)

        async def in_process(name: str, request: dict[str, Any], **options: Any) -> Any:
            return await activity.invoke_model(json.loads(json.dumps(request)))

        monkeypatch.setattr(_model, "execute_activity", in_process)
        model = _model.TemporalModel("gpt-test", _model.ModelActivityParameters())
        response = await model.get_response(
            None,
            "hi",
            ModelSettings(),
            tools,
            None,
            [],
            ModelTracing.DISABLED,
            previous_response_id=None,
            conversation_id=None,
            prompt=None,
        )
        await provider.aclose()
    assert response.to_input_items()[0]["type"] == "message"
    [namespace, sent_mcp, search] = server.requests[0].body["tools"]
    assert (namespace["type"], namespace["name"], namespace["description"]) == (
        "namespace",
        "crm",
        "CRM.",
    )
    assert namespace["tools"][0]["defer_loading"] is True
    assert sent_mcp == mcp
    assert search == {"type": "tool_search", "execution": "server"}
