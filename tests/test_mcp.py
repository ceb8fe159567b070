"""MCP servers as tool sources, against real servers (the `mcp` SDK's server side) on both
backends: a stdio subprocess and Streamable HTTP on a loopback port.

One stdio server and one HTTP server are shared by the module (spawning is slow); tests that
kill or slow down a server start their own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

pytest.importorskip("mcp", reason="the mcp extra is not installed: pip install -e '.[mcp]'")

from mcp import MCPError

from structagents import (
    Agent,
    AgentsException,
    RunConfig,
    RunContextWrapper,
    RunHooks,
    Runner,
    RunResult,
    ToolCallOutputItem,
    UserError,
)
from structagents.mcp import (
    MCPServer,
    MCPServerSse,
    MCPServerStdio,
    MCPServerStreamableHttp,
    ToolFilterContext,
    create_static_tool_filter,
    open_mcp_servers,
)
from structagents.testing import ScriptedModel, function_call

SERVER_SCRIPT = str(Path(__file__).with_name("mcp_test_server.py"))


@pytest.fixture(scope="module", params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    """Both backends, on the real clock: the servers are other processes."""
    return request.param


def stdio_server(prefix: str = "", **kwargs: Any) -> MCPServerStdio:
    env = {"MCP_TEST_SERVER_NAME": prefix, **kwargs.pop("env", {})}
    return MCPServerStdio(
        {"command": sys.executable, "args": [SERVER_SCRIPT, "stdio"], "env": env}, **kwargs
    )


@pytest.fixture(scope="module")
async def stdio(anyio_backend: Any) -> AsyncIterator[MCPServerStdio]:
    """One stdio server per backend, shared by the module's tests."""
    async with stdio_server(name="stdio-test", cache_tools_list=True) as server:
        yield server


def serve(transport: str) -> Iterator[str]:
    """A test server process on a free loopback port; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, SERVER_SCRIPT, transport], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("PORT "), f"the {transport} test server did not start: {line!r}"
        yield f"http://127.0.0.1:{line.split()[1]}"
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="module")
def http_url() -> Iterator[str]:
    """One Streamable HTTP server process for the module (each test opens its own connection)."""
    for base in serve("http"):
        yield f"{base}/mcp"


@pytest.fixture(scope="module")
async def http(anyio_backend: Any, http_url: str) -> AsyncIterator[MCPServerStreamableHttp]:
    async with MCPServerStreamableHttp(
        {"url": http_url}, name="http-test", cache_tools_list=True
    ) as server:
        yield server


@pytest.fixture(params=["stdio", "http"])
def server(request: pytest.FixtureRequest) -> MCPServer:
    """A stdio server of its own, or a connection to the shared HTTP server."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture
def tag(request: pytest.FixtureRequest) -> str:
    """A name unique to this test, for state kept by the shared HTTP server."""
    return str(request.node.name)


def outputs(result: RunResult) -> list[Any]:
    """Each tool call's output; an MCP text result as its text."""
    return [
        item.output["text"] if isinstance(item.output, dict) else item.output
        for item in result.new_items
        if isinstance(item, ToolCallOutputItem)
    ]


def offered(model: ScriptedModel, call: int = 0) -> dict[str, Any]:
    """The tools the model was offered on its `call`-th call, by name."""
    return {tool.name: tool for tool in model.calls[call].tools}


async def test_tools_are_listed_and_called(server: MCPServer) -> None:
    seen: list[tuple[str, str, Any]] = []

    class Hooks(RunHooks[Any]):
        async def on_tool_start(self, context: Any, agent: Any, tool: Any) -> None:
            seen.append(("start", tool.name, None))

        async def on_tool_end(self, context: Any, agent: Any, tool: Any, result: Any) -> None:
            seen.append(("end", tool.name, result))

    model = ScriptedModel([[function_call("add", {"a": 2, "b": 3}, call_id="c1")], "five"])
    agent = Agent(name="calc", model=model, mcp_servers=[server])
    result = await Runner.run(agent, "2+3?", hooks=Hooks())
    assert result.final_output == "five"
    assert outputs(result) == ["5"]
    assert seen == [("start", "add", None), ("end", "add", {"type": "text", "text": "5"})]
    tools = offered(model)
    assert {"add", "echo", "rendezvous", "hang", "lookup"} <= set(tools)
    assert tools["add"].description == "Add two integers."
    assert tools["add"].params_json_schema["required"] == ["a", "b"]
    assert tools["add"].strict_json_schema is False


async def test_static_and_callable_filters(stdio: MCPServerStdio) -> None:
    seen: list[str] = []

    def only_add_and_echo(ctx: ToolFilterContext, tool: Any) -> bool:
        seen.append(ctx.server_name)
        assert isinstance(ctx.run_context, RunContextWrapper)
        assert ctx.agent.name == "filtered"
        return tool.name in ("add", "echo")

    model = ScriptedModel(["a", "b"])
    agent = Agent(name="filtered", model=model, mcp_servers=[stdio])
    stdio.tool_filter = create_static_tool_filter(
        allowed_tool_names=["add", "echo", "fail"], blocked_tool_names=["fail"]
    )
    try:
        await Runner.run(agent, "hi")
        stdio.tool_filter = only_add_and_echo
        await Runner.run(agent, "hi")
    finally:
        stdio.tool_filter = None
    assert set(offered(model, 0)) == {"add", "echo"}
    assert set(offered(model, 1)) == {"add", "echo"}
    assert set(seen) == {"stdio-test"}
    assert create_static_tool_filter() is None


async def test_three_tools_run_in_parallel_in_one_turn(server: MCPServer) -> None:
    calls = [function_call("rendezvous", {"n": 3, "tag": t}, call_id=t) for t in "xyz"]
    model = ScriptedModel([calls, "met"])
    agent = Agent(name="parallel", model=model, mcp_servers=[server])
    result = await Runner.run(agent, "meet")
    assert outputs(result) == ["met x", "met y", "met z"]


async def test_max_concurrent_tools_limits_mcp_calls(stdio: MCPServerStdio) -> None:
    # With one call at a time, the rendezvous of two can never complete: both calls time out.
    calls = [function_call("rendezvous", {"n": 2, "tag": t}, call_id=t) for t in "xy"]
    model = ScriptedModel([calls, "done"])
    agent = Agent(name="limited", model=model, mcp_servers=[stdio])
    config = RunConfig(max_concurrent_tools=1, tool_timeout=0.3)
    result = await Runner.run(agent, "meet", run_config=config)
    assert outputs(result) == ["Tool 'rendezvous' timed out after 0.3 seconds."] * 2


async def test_cancelling_the_run_cancels_the_call_on_the_server(
    server: MCPServer, tag: str
) -> None:
    model = ScriptedModel([[function_call("hang", {"tag": tag}, call_id="c1")], "never"])
    agent = Agent(name="hanger", model=model, mcp_servers=[server])
    async with anyio.create_task_group() as tg:
        tg.start_soon(Runner.run, agent, "hang")
        await server.call_tool("wait_hanging", {"tag": tag})
        tg.cancel_scope.cancel()
    # The server saw the cancellation, and the connection still works.
    check = await server.call_tool("wait_cancelled", {"tag": tag})
    assert check.content[0].text == "cancelled"  # type: ignore[union-attr]


async def test_tool_timeout_cancels_the_call_and_tells_the_model(
    http: MCPServerStreamableHttp, tag: str
) -> None:
    model = ScriptedModel([[function_call("hang", {"tag": tag}, call_id="c1")], "gave up"])
    agent = Agent(name="hanger", model=model, mcp_servers=[http])
    result = await Runner.run(agent, "hang", run_config=RunConfig(tool_timeout=0.2))
    assert outputs(result) == ["Tool 'hang' timed out after 0.2 seconds."]
    assert result.final_output == "gave up"
    check = await http.call_tool("wait_cancelled", {"tag": tag})
    assert check.content[0].text == "cancelled"  # type: ignore[union-attr]


async def test_error_results_and_bad_arguments_reach_the_model(stdio: MCPServerStdio) -> None:
    calls = [
        function_call("fail", {}, call_id="f"),
        {"type": "function_call", "call_id": "j", "name": "add", "arguments": "{not json"},
        function_call("add", {"a": "x"}, call_id="v"),
    ]
    model = ScriptedModel([calls, "ok"])
    agent = Agent(name="errors", model=model, mcp_servers=[stdio])
    result = await Runner.run(agent, "go")
    failed, bad_json, invalid = outputs(result)
    assert "Error executing tool fail" in failed
    assert "Invalid JSON input for tool add" in bad_json
    assert "validation error" in invalid.lower() or "error" in invalid.lower()
    assert result.final_output == "ok"


async def test_strict_schema_conversion(stdio: MCPServerStdio) -> None:
    model = ScriptedModel(["a", "b"])
    loose = Agent(name="loose", model=model, mcp_servers=[stdio])
    strict = loose.clone(mcp_config={"convert_schemas_to_strict": True})
    await Runner.run(loose, "hi")
    await Runner.run(strict, "hi")
    before, after = offered(model, 0), offered(model, 1)
    assert before["describe"].strict_json_schema is False
    assert before["describe"].params_json_schema["required"] == ["item"]
    described = after["describe"].params_json_schema
    assert after["describe"].strict_json_schema is True
    assert described["required"] == ["item", "verbose"]
    assert described["additionalProperties"] is False
    # An open object (dict[str, Any]) cannot be strict: that tool keeps its original schema.
    assert after["lookup"].strict_json_schema is False
    assert after["lookup"].params_json_schema == before["lookup"].params_json_schema


async def test_caching_and_invalidation(http_url: str) -> None:
    async with MCPServerStreamableHttp({"url": http_url}, cache_tools_list=True) as server:
        before = server.cached_tools
        first = await server.list_tools()
        after = server.cached_tools
        assert before is None
        assert after is not None
        assert [t.name for t in after] == [t.name for t in first]
        server.invalidate_tools_cache()
        assert [t.name for t in await server.list_tools()] == [t.name for t in first]


async def test_a_crash_mid_call_becomes_an_error_message(anyio_backend: Any) -> None:
    model = ScriptedModel([[function_call("crash", {}, call_id="c1")], "it crashed"])
    async with stdio_server(cache_tools_list=True) as server:
        agent = Agent(name="crasher", model=model, mcp_servers=[server])
        result = await Runner.run(agent, "crash")
        assert result.final_output == "it crashed"
        [message] = outputs(result)
        assert "closed the connection" in message
        # Without a cached list the next run cannot list tools: a clear error, no hang.
        server.invalidate_tools_cache()
        with pytest.raises(AgentsException, match="closed the connection"):
            await Runner.run(agent, "again")


async def test_closing_the_server_during_a_call_cancels_it(http_url: str, tag: str) -> None:
    model = ScriptedModel([[function_call("hang", {"tag": tag}, call_id="c1")], "never"])
    server = MCPServerStreamableHttp({"url": http_url}, cache_tools_list=True)
    errors: list[UserError] = []
    agent = Agent(name="cut", model=model, mcp_servers=[server])

    async def run() -> None:
        try:
            await Runner.run(agent, "hang")
        except UserError as exc:
            errors.append(exc)

    async with anyio.create_task_group() as tg:
        await server.connect()  # in this task, inside the task group: so cleanup() may run here
        tg.start_soon(run)
        await server.call_tool("wait_hanging", {"tag": tag})
        await server.cleanup()
    # The call was cut off: the model was told, and the next turn found the server closed.
    [error] = errors
    assert "not connected" in str(error)
    assert error.run_data is not None
    [cut] = [i for i in error.run_data.new_items if isinstance(i, ToolCallOutputItem)]
    assert "tool execution was cancelled" in str(cut.output)


async def test_slow_list_tools_times_out(http_url: str) -> None:
    model = ScriptedModel(["never"])
    slow = MCPServerStreamableHttp({"url": http_url}, client_session_timeout_seconds=0.5)
    async with slow:
        await slow.list_tools()  # the SDK lists before a first call (to check results)
        await slow.call_tool("set_slow_list", {"seconds": 30})
        try:
            agent = Agent(name="slow", model=model, mcp_servers=[slow])
            with pytest.raises(MCPError, match="timed out"):
                await Runner.run(agent, "hi")
        finally:
            await slow.call_tool("set_slow_list", {"seconds": 0})
    assert model.calls == ()


@pytest.fixture(scope="module")
def sse_url() -> Iterator[str]:
    for base in serve("sse"):
        yield f"{base}/sse"


async def test_sse_transport(sse_url: str) -> None:
    model = ScriptedModel([[function_call("add", {"a": 20, "b": 22}, call_id="c1")], "42"])
    async with MCPServerSse({"url": sse_url}) as server:
        agent = Agent(name="sse", model=model, mcp_servers=[server])
        result = await Runner.run(agent, "20+22")
    assert outputs(result) == ["42"]
    assert server.name.startswith("sse: http://127.0.0.1:")


async def test_an_unconnected_server_is_a_user_error(anyio_backend: Any) -> None:
    agent = Agent(name="a", model=ScriptedModel(["x"]), mcp_servers=[stdio_server()])
    with pytest.raises(UserError, match="async with server"):
        await Runner.run(agent, "hi")


async def test_a_server_that_fails_to_start_is_a_user_error(anyio_backend: Any) -> None:
    broken = MCPServerStdio({"command": "/nonexistent/mcp-server"})
    with pytest.raises(UserError, match="Failed to connect to MCP server"):
        async with broken:
            pass


async def test_duplicate_names_and_prefixed_names(stdio: MCPServerStdio, http_url: str) -> None:
    call = function_call("mcp_other__add", {"a": 1, "b": 1}, call_id="c")
    model = ScriptedModel(["x", [call], "2"])
    other = MCPServerStreamableHttp({"url": http_url}, name="other", cache_tools_list=True)
    async with open_mcp_servers(other) as servers:
        both = Agent(name="both", model=model, mcp_servers=[stdio, *servers])
        with pytest.raises(UserError, match="Duplicate tool names"):
            await Runner.run(both, "hi")
        prefixed = both.clone(mcp_config={"include_server_in_tool_names": True})
        await Runner.run(prefixed, "hi")
        assert {"mcp_stdio-test__add", "mcp_other__add"} <= set(offered(model, 0))
        result = await Runner.run(prefixed, "1+1")
        assert outputs(result) == ["2"]
    with pytest.raises(UserError, match="not connected"):
        await other.list_tools()


async def test_prompts_and_resources(stdio: MCPServerStdio) -> None:
    prompts = await stdio.list_prompts()
    assert [p.name for p in prompts.prompts] == ["greeting"]
    prompt = await stdio.get_prompt("greeting", {"name": "Ada"})
    assert "Ada" in json.dumps(prompt.model_dump(mode="json"))
    resources = await stdio.list_resources()
    assert [str(r.uri) for r in resources.resources] == ["memo://notes"]
    read = await stdio.read_resource("memo://notes")
    assert read.contents[0].text == "remember the milk"  # type: ignore[union-attr]


async def test_require_approval_pauses_the_call_until_approved(http_url: str) -> None:
    model = ScriptedModel([[function_call("add", {"a": 2, "b": 2}, call_id="c1")], "four"])
    gated = MCPServerStreamableHttp({"url": http_url}, require_approval={"add": "always"})
    async with gated:
        agent = Agent(name="gated", model=model, mcp_servers=[gated])
        paused = await Runner.run(agent, "2+2?")
        [request] = paused.interruptions
        assert request.tool_name == "add"
        assert outputs(paused) == []
        state = paused.to_state()
        state.approve(request)
        result = await Runner.run(agent, state)
    assert outputs(result) == ["4"]
    assert result.final_output == "four"


async def test_server_guardrails_apply_to_its_tools(http_url: str) -> None:
    from structagents import ToolGuardrailFunctionOutput, tool_input_guardrail

    @tool_input_guardrail
    def no_echo(data: Any) -> ToolGuardrailFunctionOutput:
        if data.context.tool_name == "echo":
            return ToolGuardrailFunctionOutput.reject_content("echo is not allowed")
        return ToolGuardrailFunctionOutput.allow()

    calls = [
        function_call("echo", {"text": "hi"}, call_id="e"),
        function_call("add", {"a": 1, "b": 1}, call_id="a"),
    ]
    model = ScriptedModel([calls, "ok"])
    guarded = MCPServerStreamableHttp({"url": http_url}, tool_input_guardrails=[no_echo])
    async with guarded:
        result = await Runner.run(Agent(name="g", model=model, mcp_servers=[guarded]), "go")
    assert outputs(result) == ["echo is not allowed", "2"]


def test_require_approval_settings() -> None:
    from mcp.types import Tool as MCPTool

    add, echo = (MCPTool(name=n, input_schema={"type": "object"}) for n in ("add", "echo"))
    agent = Agent(name="a")

    def needs(setting: Any, tool: Any = add) -> Any:
        return stdio_server(require_approval=setting).needs_approval_for(tool, agent)

    assert needs(None) is False
    assert needs("always") is True
    assert needs(True) is True
    assert needs({"add": "always", "echo": "never"}) is True
    assert needs({"add": "always"}, echo) is False
    assert needs({"always": {"tool_names": ["echo"]}, "never": {"tool_names": ["add"]}}) is False
    assert callable(needs(lambda ctx, agent, tool: tool.name == "add"))
    with pytest.raises(UserError, match="expected 'always' or 'never'"):
        needs("sometimes")
    with pytest.raises(UserError, match="both"):
        needs({"always": {"tool_names": ["add"]}, "never": {"tool_names": ["add"]}})


async def test_listing_and_calls_are_traced(stdio: MCPServerStdio) -> None:
    from structagents import Span, Trace, TracingProcessor, set_trace_processors

    class Recorder(TracingProcessor):
        def __init__(self) -> None:
            self.spans: list[Span[Any]] = []

        def on_trace_start(self, trace: Trace) -> None: ...
        def on_trace_end(self, trace: Trace) -> None: ...
        def on_span_start(self, span: Span[Any]) -> None: ...
        def on_span_end(self, span: Span[Any]) -> None:
            self.spans.append(span)

        def shutdown(self) -> None: ...
        def force_flush(self) -> None: ...

    recorder = Recorder()
    set_trace_processors([recorder])
    try:
        model = ScriptedModel([[function_call("add", {"a": 1, "b": 2}, call_id="c1")], "3"])
        await Runner.run(Agent(name="traced", model=model, mcp_servers=[stdio]), "1+2")
    finally:
        set_trace_processors([])
    listed = [s.span_data for s in recorder.spans if s.span_data.type == "mcp_tools"]
    assert [d.server for d in listed] == ["stdio-test", "stdio-test"]
    assert "add" in listed[0].result
    [called] = [s.span_data for s in recorder.spans if s.span_data.type == "function"]
    assert (called.name, called.mcp_data) == ("add", {"server": "stdio-test"})


def test_agent_rejects_what_is_not_a_server() -> None:
    with pytest.raises(UserError, match="mcp_servers takes MCP servers"):
        Agent(name="a", mcp_servers=["not a server"])  # type: ignore[list-item]


def test_importing_structagents_mcp_does_not_import_the_sdk() -> None:
    code = "import structagents, structagents.mcp, sys; print('mcp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
