"""Hosted tools over real HTTP to FakeOpenAIServer: specs sent, their items passed through."""

from __future__ import annotations

from typing import Any

import pytest
from openai import AsyncOpenAI

from structagents import (
    Agent,
    CodeInterpreterTool,
    FileSearchTool,
    HostedMCPTool,
    ImageGenerationTool,
    LocalShellTool,
    MCPApprovalRequestItem,
    MCPApprovalResponseItem,
    MCPListToolsItem,
    MCPToolApprovalFunctionResult,
    MCPToolApprovalRequest,
    MessageOutputItem,
    ModelBehaviorError,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    RunItemStreamEvent,
    Runner,
    RunResult,
    RunResultStreaming,
    ShellTool,
    ToolCallItem,
    UserError,
    WebSearchTool,
)
from structagents.testing import (
    FakeOpenAIServer,
    ScriptedModel,
    assistant_message,
    code_interpreter_call,
    file_search_call,
    image_generation_call,
    mcp_approval_request,
    mcp_call,
    mcp_list_tools,
    web_search_call,
)

pytestmark = pytest.mark.anyio

MCP_CONFIG = {"type": "mcp", "server_label": "docs", "server_url": "https://mcp.example/sse"}

CASES: list[tuple[Any, dict[str, Any], dict[str, Any], type[Any]]] = [
    (
        WebSearchTool(search_context_size="low"),
        {
            "type": "web_search",
            "filters": None,
            "user_location": None,
            "search_context_size": "low",
        },
        web_search_call("weather oslo"),
        ToolCallItem,
    ),
    (
        FileSearchTool(vector_store_ids=["vs_1"], max_num_results=3, include_search_results=True),
        {"type": "file_search", "vector_store_ids": ["vs_1"], "max_num_results": 3},
        file_search_call(["oslo"], results=[{"file_id": "f1", "text": "hit"}]),
        ToolCallItem,
    ),
    (
        CodeInterpreterTool(tool_config={"container": {"type": "auto"}}),
        {"type": "code_interpreter", "container": {"type": "auto"}},
        code_interpreter_call("print(1)", logs="1"),
        ToolCallItem,
    ),
    (
        ImageGenerationTool(tool_config={"quality": "low"}),
        {"type": "image_generation", "quality": "low"},
        image_generation_call("aGk="),
        ToolCallItem,
    ),
    (HostedMCPTool(tool_config=MCP_CONFIG), MCP_CONFIG, mcp_call("docs", "search"), ToolCallItem),
    (
        HostedMCPTool(tool_config=MCP_CONFIG),
        MCP_CONFIG,
        mcp_list_tools("docs", [{"name": "search", "input_schema": {}}]),
        MCPListToolsItem,
    ),
]


def client_for(server: FakeOpenAIServer) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize(("tool", "spec", "item", "item_class"), CASES)
async def test_hosted_tool_round_trip(
    tool: Any, spec: dict[str, Any], item: dict[str, Any], item_class: type[Any], streamed: bool
) -> None:
    steps: list[Any] = [[item, assistant_message("found it")], "again"]
    async with FakeOpenAIServer(steps) as server, client_for(server) as client:
        agent = Agent(
            "a", model=OpenAIResponsesModel("gpt-test", openai_client=client), tools=[tool]
        )
        result: RunResult | RunResultStreaming
        if streamed:
            names = []
            async with Runner.run_streamed(agent, "look") as result:
                async for event in result.stream_events():
                    if isinstance(event, RunItemStreamEvent):
                        names.append(event.name)
            assert names[0] == (
                "mcp_list_tools" if item_class is MCPListToolsItem else "tool_called"
            )
            assert names[1:] == ["message_output_created"]
        else:
            result = await Runner.run(agent, "look")
        # a reply with only hosted calls and a message ends the run
        assert result.final_output == "found it"
        assert [type(i) for i in result.new_items] == [item_class, MessageOutputItem]
        assert result.new_items[0].to_input_item() == item
        follow_up = await Runner.run(
            agent, [*result.to_input_list(), {"role": "user", "content": "more"}]
        )
        assert follow_up.final_output == "again"
    first, second = (request.body for request in server.requests)
    assert first["tools"] == [spec]
    if isinstance(tool, FileSearchTool):
        assert first["include"] == ["file_search_call.results"]
    assert second["input"][1] == item  # the item is history for the next request


async def test_mcp_approval_requests_are_answered_by_on_approval_request() -> None:
    seen: list[Any] = []

    def approve(request: MCPToolApprovalRequest) -> MCPToolApprovalFunctionResult:
        seen.append(request.data["name"])
        if request.data["name"] == "delete":
            return {"approve": False, "reason": "never delete"}
        return {"approve": True}

    tool = HostedMCPTool(tool_config=MCP_CONFIG, on_approval_request=approve)
    steps: list[Any] = [
        [
            mcp_approval_request("docs", "search", item_id="r1"),
            mcp_approval_request("docs", "delete", item_id="r2"),
        ],
        [mcp_call("docs", "search", output="3 hits"), assistant_message("searched")],
    ]
    async with FakeOpenAIServer(steps) as server, client_for(server) as client:
        agent = Agent(
            "a", model=OpenAIResponsesModel("gpt-test", openai_client=client), tools=[tool]
        )
        result = await Runner.run(agent, "look")
    assert result.final_output == "searched"
    assert sorted(seen) == ["delete", "search"]
    kinds = [type(i) for i in result.new_items]
    assert kinds == [
        MCPApprovalRequestItem,
        MCPApprovalRequestItem,
        MCPApprovalResponseItem,
        MCPApprovalResponseItem,
        ToolCallItem,
        MessageOutputItem,
    ]
    answers = server.requests[1].body["input"][-2:]
    assert answers == [
        {"type": "mcp_approval_response", "approval_request_id": "r1", "approve": True},
        {
            "type": "mcp_approval_response",
            "approval_request_id": "r2",
            "approve": False,
            "reason": "never delete",
        },
    ]


async def test_mcp_approval_request_without_a_handler_ends_the_turn_for_the_caller() -> None:
    tool = HostedMCPTool(tool_config=MCP_CONFIG)
    async with FakeOpenAIServer([[mcp_approval_request("docs", "search")]]) as server:
        async with client_for(server) as client:
            model = OpenAIResponsesModel("gpt-test", openai_client=client)
            result = await Runner.run(Agent("a", model=model, tools=[tool]), "look")
    assert [type(i) for i in result.new_items] == [MCPApprovalRequestItem]
    assert len(server.requests) == 1


async def test_mcp_approval_request_for_an_unknown_server_is_a_model_behavior_error() -> None:
    model = ScriptedModel([[mcp_approval_request("elsewhere", "search")]])
    tool = HostedMCPTool(tool_config=MCP_CONFIG)
    with pytest.raises(ModelBehaviorError, match="elsewhere"):
        await Runner.run(Agent("a", model=model, tools=[tool]), "look")


@pytest.mark.parametrize(
    "tool",
    [
        WebSearchTool(),
        FileSearchTool(vector_store_ids=["v"]),
        HostedMCPTool(tool_config=MCP_CONFIG),
        CodeInterpreterTool(tool_config={}),
        ImageGenerationTool(tool_config={}),
        ShellTool(executor=lambda request: "ok"),
        LocalShellTool(executor=lambda request: "ok"),
    ],
)
async def test_hosted_tool_on_chat_completions_is_a_user_error_before_any_request(
    tool: Any,
) -> None:
    async with FakeOpenAIServer(["unused"]) as server, client_for(server) as client:
        model = OpenAIChatCompletionsModel("gpt-test", openai_client=client)
        with pytest.raises(UserError, match="Responses API"):
            await Runner.run(Agent("a", model=model, tools=[tool]), "look")
    assert server.requests == []


def test_bad_hosted_tool_configs_are_user_errors() -> None:
    with pytest.raises(UserError, match="server_label"):
        HostedMCPTool(tool_config={"type": "mcp"})
    with pytest.raises(UserError, match="max_num_results"):
        FileSearchTool(vector_store_ids=["v"], max_num_results=99)
