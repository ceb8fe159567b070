"""Tool search and deferred loading over real HTTP to FakeOpenAIServer: the `tools` sent, the
`tool_search_call` / `tool_search_output` items coming back, and deferred tools called after
a search (by `namespace`); the Responses-only rules as `UserError`s before any request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openai import AsyncOpenAI
from openai.types.responses import ResponseToolSearchCall, ResponseToolSearchOutputItem

from structagents import (
    Agent,
    FunctionTool,
    HostedMCPTool,
    MessageOutputItem,
    ModelBehaviorError,
    ModelSettings,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    RunConfig,
    RunItemStreamEvent,
    Runner,
    RunResult,
    RunResultStreaming,
    RunState,
    ToolCallItem,
    ToolCallOutputItem,
    ToolContext,
    ToolSearchCallItem,
    ToolSearchOutputItem,
    ToolSearchTool,
    UserError,
    function_tool,
    handoff,
    tool_namespace,
)
from structagents.testing import (
    FakeOpenAIServer,
    ScriptedModel,
    function_call,
    tool_search_call,
    tool_search_output,
)

pytestmark = pytest.mark.anyio


def client_for(server: FakeOpenAIServer) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)


def lookup_tool(
    calls: list[str], label: str, *, defer_loading: bool = True, name: str = "lookup"
) -> FunctionTool:
    def lookup(ctx: ToolContext[Any], customer_id: str) -> str:
        """Look a customer up."""
        calls.append(f"{label}:{customer_id}@{ctx.tool_namespace}")
        return f"{label} record of {customer_id}"

    return function_tool(lookup, name_override=name, defer_loading=defer_loading)


LOOKUP_PARAMS = {
    "type": "object",
    "properties": {"customer_id": {"title": "Customer Id", "type": "string"}},
    "required": ["customer_id"],
    "title": "lookup_args",
    "additionalProperties": False,
}


def lookup_spec(*, deferred: bool = True) -> dict[str, Any]:
    spec = {
        "type": "function",
        "name": "lookup",
        "description": "Look a customer up.",
        "parameters": LOOKUP_PARAMS,
        "strict": True,
    }
    return {**spec, "defer_loading": True} if deferred else spec


CRM_NAMESPACE = {
    "type": "namespace",
    "name": "crm",
    "description": "CRM records.",
    "tools": [lookup_spec()],
}


@pytest.mark.parametrize("streamed", [False, True])
async def test_a_deferred_namespaced_tool_is_called_after_a_tool_search(streamed: bool) -> None:
    calls: list[str] = []
    crm = tool_namespace(name="crm", description="CRM records.", tools=[lookup_tool(calls, "crm")])
    search = tool_search_call({"paths": ["crm"]}, item_id="tsc_1")
    loaded = tool_search_output([CRM_NAMESPACE], item_id="tso_1")
    loaded_with_creator = {**loaded, "created_by": "server"}  # output-only: never sent back
    steps: list[Any] = [
        [
            search,
            loaded_with_creator,
            function_call("lookup", {"customer_id": "c42"}, call_id="c1", namespace="crm"),
        ],
        "crm says c42 is fine",
    ]
    async with FakeOpenAIServer(steps) as server, client_for(server) as client:
        model = OpenAIResponsesModel("gpt-test", openai_client=client)
        agent = Agent("ops", model=model, tools=[*crm, ToolSearchTool()])
        result: RunResult | RunResultStreaming
        names: list[str] = []
        if streamed:
            async with Runner.run_streamed(agent, "look up c42") as result:
                async for event in result.stream_events():
                    if isinstance(event, RunItemStreamEvent):
                        names.append(event.name)
        else:
            result = await Runner.run(agent, "look up c42")
    assert result.final_output == "crm says c42 is fine"
    assert calls == ["crm:c42@crm"]
    assert [type(i) for i in result.new_items] == [
        ToolSearchCallItem,
        ToolSearchOutputItem,
        ToolCallItem,
        ToolCallOutputItem,
        MessageOutputItem,
    ]
    if streamed:
        assert names == [
            "tool_search_called",
            "tool_search_output_created",
            "tool_called",
            "tool_output",
            "message_output_created",
        ]
    search_item, output_item = result.new_items[:2]
    assert isinstance(search_item.raw_item, ResponseToolSearchCall)
    assert search_item.raw_item.arguments == {"paths": ["crm"]}
    assert isinstance(output_item.raw_item, ResponseToolSearchOutputItem)
    assert output_item.raw_item_dict["created_by"] == "server"

    first, second = (request.body for request in server.requests)
    assert first["tools"] == [CRM_NAMESPACE, {"type": "tool_search"}]
    assert second["input"][1:] == [
        search,
        loaded,
        function_call("lookup", {"customer_id": "c42"}, call_id="c1", namespace="crm")
        | {"id": "c1"},
        {"type": "function_call_output", "call_id": "c1", "output": "crm record of c42"},
    ]


async def test_a_reply_with_only_a_tool_search_asks_the_model_again() -> None:
    """A deferred top-level tool is called with its own name as the namespace; a visible tool
    of the same name is another tool. A search-only reply is not the final answer."""
    calls: list[str] = []
    visible = lookup_tool(calls, "visible", defer_loading=False)
    deferred = lookup_tool(calls, "deferred")
    steps: list[Any] = [
        [tool_search_call({"query": "customer"}), tool_search_output([lookup_spec()])],
        [function_call("lookup", {"customer_id": "c7"}, call_id="c1", namespace="lookup")],
        "found c7",
    ]
    async with FakeOpenAIServer(steps) as server, client_for(server) as client:
        model = OpenAIResponsesModel("gpt-test", openai_client=client)
        agent = Agent(
            "ops",
            model=model,
            tools=[visible, deferred, ToolSearchTool(description="Find tools.")],
            model_settings=ModelSettings(tool_choice="required"),
        )
        result = await Runner.run(agent, "find c7")
    assert result.final_output == "found c7"
    assert calls == ["deferred:c7@lookup"]
    bodies = [request.body for request in server.requests]
    assert len(bodies) == 3
    assert bodies[0]["tools"] == [
        lookup_spec(deferred=False),
        lookup_spec(),
        {"type": "tool_search", "description": "Find tools."},
    ]
    # a tool search counts as tool use: the forced tool_choice is sent only the first time
    assert [body.get("tool_choice") for body in bodies] == ["required", None, None]
    assert [i["type"] for i in bodies[1]["input"][1:]] == ["tool_search_call", "tool_search_output"]


async def test_namespaces_route_identically_named_tools() -> None:
    calls: list[str] = []
    tools: list[Any] = [
        *tool_namespace(name="billing", description="Billing.", tools=[lookup_tool(calls, "b")]),
        *tool_namespace(name="shipping", description="Shipping.", tools=[lookup_tool(calls, "s")]),
        ToolSearchTool(),
    ]
    target = Agent("lookup_desk", model=ScriptedModel(["never"]))
    model = ScriptedModel(
        [
            [function_call("lookup", {"customer_id": "c1"}, call_id="c1", namespace="shipping")],
            "shipped",
        ]
    )
    agent = Agent(
        "ops", model=model, tools=tools, handoffs=[handoff(target, tool_name_override="lookup")]
    )
    result = await Runner.run(agent, "ship")
    assert result.final_output == "shipped"
    assert calls == ["s:c1@shipping"]  # a namespaced call never goes to the handoff of that name
    assert [tool.qualified_name for tool in tools[:2]] == ["billing.lookup", "shipping.lookup"]

    bare = ScriptedModel([[function_call("lookup", {"customer_id": "c1"}, call_id="c1")]])
    with pytest.raises(ModelBehaviorError, match=r"'lookup'.*billing\.lookup.*shipping\.lookup"):
        await Runner.run(Agent("ops", model=bare, tools=tools), "ship")


async def test_an_approved_namespaced_call_resumes_from_json() -> None:
    calls: list[str] = []
    tool = lookup_tool(calls, "crm")
    tool.needs_approval = True
    crm = tool_namespace(name="crm", description="CRM records.", tools=[tool])
    model = ScriptedModel(
        [
            [
                tool_search_call({"paths": ["crm"]}),
                tool_search_output([CRM_NAMESPACE]),
                function_call("lookup", {"customer_id": "c9"}, call_id="c1", namespace="crm"),
            ],
            "done",
        ]
    )
    agent = Agent("ops", model=model, tools=[*crm, ToolSearchTool()])
    paused = await Runner.run(agent, "go")
    saved = paused.to_state().to_json()
    assert [item["type"] for item in saved["generated_items"]][:2] == [
        "tool_search_call_item",
        "tool_search_output_item",
    ]
    state = RunState.from_json(agent, saved)
    [waiting] = state.get_interruptions()
    state.approve(waiting)
    result = await Runner.run(agent, state)
    assert result.final_output == "done"
    assert calls == ["crm:c9@crm"]


async def test_a_client_executed_tool_search_call_is_a_model_behavior_error() -> None:
    calls: list[str] = []
    model = ScriptedModel([[tool_search_call({"query": "x"}, execution="client", call_id="t1")]])
    tools: list[Any] = [lookup_tool(calls, "x"), ToolSearchTool(execution="client")]
    with pytest.raises(ModelBehaviorError, match="client-executed tool_search_call"):
        await Runner.run(Agent("ops", model=model, tools=tools), "go")


async def test_with_a_prompt_template_the_searchable_tools_may_be_the_templates() -> None:
    async with FakeOpenAIServer(["ok"]) as server, client_for(server) as client:
        model = OpenAIResponsesModel("gpt-test", openai_client=client)
        agent = Agent("ops", model=model, tools=[ToolSearchTool()], prompt={"id": "pmpt_1"})
        assert (await Runner.run(agent, "go")).final_output == "ok"
    assert server.requests[0].body["tools"] == [{"type": "tool_search"}]


async def test_a_deferred_hosted_mcp_server_is_searchable() -> None:
    mcp = {"type": "mcp", "server_label": "docs", "server_url": "https://x", "defer_loading": True}
    async with FakeOpenAIServer(["ok"]) as server, client_for(server) as client:
        model = OpenAIResponsesModel("gpt-test", openai_client=client)
        tools: list[Any] = [HostedMCPTool(tool_config=mcp), ToolSearchTool(execution="server")]
        result = await Runner.run(Agent("ops", model=model, tools=tools), "go")
    assert result.final_output == "ok"
    assert server.requests[0].body["tools"] == [mcp, {"type": "tool_search", "execution": "server"}]


def _broken_setups() -> list[tuple[list[Any], ModelSettings, str]]:
    calls: list[str] = []
    deferred = lookup_tool(calls, "d")
    visible = lookup_tool(calls, "v", defer_loading=False)
    crm = tool_namespace(name="crm", description="CRM.", tools=[visible])
    return [
        ([deferred], ModelSettings(), "require ToolSearchTool"),
        ([visible, ToolSearchTool()], ModelSettings(), "searchable Responses surface"),
        (
            [deferred, ToolSearchTool(), ToolSearchTool()],
            ModelSettings(),
            "Only one ToolSearchTool",
        ),
        (
            [
                *crm,
                *tool_namespace(
                    name="crm", description="Other.", tools=[lookup_tool(calls, "o", name="find")]
                ),
                ToolSearchTool(),
            ],
            ModelSettings(),
            "share the same description",
        ),
        ([deferred, ToolSearchTool()], ModelSettings(tool_choice="tool_search"), "tool_search"),
        (
            [*crm, *tool_namespace(name="crm", description="CRM.", tools=[deferred])],
            ModelSettings(),
            "qualified name `crm.lookup`",
        ),
        ([*crm, ToolSearchTool()], ModelSettings(tool_choice="lookup"), "namespace wrapper"),
        ([deferred, ToolSearchTool()], ModelSettings(tool_choice="lookup"), "deferred-loading"),
        (
            [deferred, lookup_tool(calls, "e"), ToolSearchTool()],
            ModelSettings(),
            "deferred top-level tool name `lookup`",
        ),
    ]


@pytest.mark.parametrize(("tools", "settings", "message"), _broken_setups())
async def test_responses_tool_search_rules_are_user_errors_before_any_request(
    tools: list[Any], settings: ModelSettings, message: str
) -> None:
    async with FakeOpenAIServer(["never"]) as server, client_for(server) as client:
        model = OpenAIResponsesModel("gpt-test", openai_client=client)
        agent = Agent("ops", model=model, tools=tools, model_settings=settings)
        config = RunConfig(tool_name_collision_policy="warn")
        with pytest.raises(UserError, match=message):
            await Runner.run(agent, "go", run_config=config)
    assert server.requests == []


def test_tool_namespace_rejects_bad_input() -> None:
    tool = lookup_tool([], "x")
    with pytest.raises(UserError, match="non-empty namespace name"):
        tool_namespace(name=" ", description="d", tools=[tool])
    with pytest.raises(UserError, match="non-empty description"):
        tool_namespace(name="crm", description=None, tools=[tool])
    with pytest.raises(UserError, match="reserves the namespace"):
        tool_namespace(name="lookup", description="d", tools=[tool])
    with pytest.raises(UserError, match="only supports FunctionTool"):
        tool_namespace(name="crm", description="d", tools=[ToolSearchTool()])  # type: ignore[list-item]
    assert tool_namespace(name="crm", description="d", tools=[tool])[0] is not tool


@pytest.mark.parametrize("kind", ["search", "deferred", "namespace"])
async def test_chat_completions_refuses_tool_search_before_any_request(kind: str) -> None:
    tool = lookup_tool([], "x", defer_loading=kind == "deferred")
    options: dict[str, list[Any]] = {
        "search": [ToolSearchTool()],
        "deferred": [tool],
        "namespace": list(tool_namespace(name="crm", description="d", tools=[tool])),
    }
    tools = options[kind]
    async with FakeOpenAIServer(["never"]) as server, client_for(server) as client:
        model = OpenAIChatCompletionsModel("gpt-test", openai_client=client)
        with pytest.raises(UserError, match="Responses"):
            await Runner.run(Agent("ops", model=model, tools=tools), "go")
    assert server.requests == []


README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


async def test_the_readme_tool_search_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    readme = README
    section = readme.split("#### Tool search and deferred loading", 1)[1]
    code = section.split("```python\n", 1)[1].split("\n```", 1)[0]
    assert code.endswith("anyio.run(main)")
    namespace: dict[str, Any] = {}
    exec(compile(code.removesuffix("anyio.run(main)"), "README.md", "exec"), namespace)
    await namespace["main"]()
    assert capsys.readouterr().out.splitlines() == [
        "['tool_search_call_item', 'tool_search_output_item', 'tool_call_item', "
        "'tool_call_output_item', 'message_output_item']",
        "c42 is Avery Chen, an enterprise customer.",
    ]
