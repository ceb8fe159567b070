"""The reference SDK's module paths (`agents.run`, `agents.items`, ...) as `structagents.<path>`:
pure re-exports of our public names, and the reference's helpers that live there."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types
from typing import Any

import pytest

import structagents
from structagents import Agent, RunContextWrapper, ToolContext, handoff
from structagents.agent_output import AgentOutputSchema, AgentOutputSchemaBase
from structagents.function_schema import FuncSchema, function_schema
from structagents.strict_schema import ensure_strict_json_schema

# What users of the reference import from each path (counted in its tests, examples and docs).
REFERENCE_IMPORTS = {
    "run": ["RunConfig", "AgentRunner", "Runner", "set_default_agent_runner",
            "get_default_agent_runner", "RunOptions", "ModelInputData", "CallModelData"],
    "items": ["TResponseInputItem", "TResponseStreamEvent", "ToolCallOutputItem",
              "ToolApprovalItem", "ModelResponse",
              "TResponseOutputItem", "ToolCallItem", "ItemHelpers", "RunItem",
              "MessageOutputItem", "ReasoningItem"],
    "memory": ["SessionSettings", "Session", "SQLiteSession"],
    "exceptions": ["UserError", "ModelBehaviorError", "AgentsException", "MaxTurnsExceeded",
                   "InputGuardrailTripwireTriggered", "ModelTimeoutError", "ToolTimeoutError"],
    "run_context": ["RunContextWrapper", "AgentHookContext", "TContext"],
    "tool_context": ["ToolContext"],
    "model_settings": ["ModelSettings"],
    "usage": ["Usage", "RequestUsage", "InputTokensDetails"],
    "agent": ["Agent", "ToolsToFinalOutputResult", "StopAtTools"],
    "lifecycle": ["RunHooks", "AgentHooks", "AgentHookContext"],
    "models.interface": ["ModelTracing", "Model", "ModelProvider"],
    "guardrail": ["GuardrailFunctionOutput", "OutputGuardrail", "InputGuardrail",
                  "input_guardrail", "output_guardrail", "InputGuardrailResult"],
    "result": ["RunResultStreaming", "RunResult", "ToInputListMode"],
    "stream_events": ["RunItemStreamEvent", "RawResponsesStreamEvent", "StreamEvent",
                      "AgentUpdatedStreamEvent"],
    "handoffs": ["Handoff", "handoff", "HandoffInputData", "nest_handoff_history",
                 "set_conversation_history_wrappers", "reset_conversation_history_wrappers",
                 "get_conversation_history_wrappers"],
    "handoffs.history": ["nest_handoff_history", "default_handoff_history_mapper",
                         "set_conversation_history_wrappers"],
    "agent_output": ["AgentOutputSchema", "AgentOutputSchemaBase"],
    "function_schema": ["function_schema", "FuncSchema"],
    "strict_schema": ["ensure_strict_json_schema"],
    "extensions.handoff_filters": ["remove_all_tools", "nest_handoff_history"],
    "tool": ["function_tool", "FunctionTool", "Tool"],
    "run_error_handlers": ["RunErrorHandlers"],
    "run_state": ["RunState"],
    "decorators": ["function_tool", "tool", "input_guardrail", "output_guardrail",
                   "tool_input_guardrail", "tool_output_guardrail"],
    "memory.session": ["Session", "SessionABC"],
    "memory.session_settings": ["SessionSettings"],
    "memory.sqlite_session": ["SQLiteSession"],
    "memory.openai_conversations_session": ["OpenAIConversationsSession"],
    "memory.openai_responses_compaction_session": ["OpenAIResponsesCompactionSession"],
    "memory.util": ["SessionInputCallback"],
    "models.openai_chatcompletions": ["OpenAIChatCompletionsModel"],
    "models.openai_responses": ["OpenAIResponsesModel"],
    "models.openai_provider": ["OpenAIProvider"],
    "models.multi_provider": ["MultiProvider", "MultiProviderMap"],
    "mcp.server": ["MCPServerStdio", "MCPServerSse", "MCPServerStreamableHttp", "MCPServer"],
    "mcp.util": ["MCPUtil", "ToolFilterContext", "create_static_tool_filter"],
    "extensions.memory": ["SQLAlchemySession", "RedisSession"],
    "extensions.memory.sqlalchemy_session": ["SQLAlchemySession"],
    "extensions.memory.redis_session": ["RedisSession"],
    "tool_guardrails": ["tool_input_guardrail", "ToolGuardrailFunctionOutput"],
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(REFERENCE_IMPORTS))
def test_reference_module_paths_import_the_same_objects(path: str) -> None:
    module = importlib.import_module(f"structagents.{path}")
    for name in REFERENCE_IMPORTS[path]:
        assert hasattr(module, name), f"structagents.{path}.{name}"
    # The same objects as where we export them (the top level, or `structagents.mcp`):
    home = importlib.import_module("structagents.mcp") if path.startswith("mcp.") else structagents
    for name in getattr(module, "__all__", ()):
        value = getattr(module, name)
        top = getattr(home, name, None)
        if top is not None and not isinstance(top, types.ModuleType):
            assert value is top, f"structagents.{path}.{name}"


def test_database_session_paths_do_not_import_their_drivers() -> None:
    code = (
        "import sys, structagents.extensions.memory; "
        "assert not {'sqlalchemy', 'redis'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_decorators_tool_is_function_tool() -> None:
    from structagents.decorators import tool

    @tool
    def shout(text: str) -> str:
        """Shout it."""
        return text.upper()

    assert isinstance(shout, structagents.FunctionTool)
    assert shout.name == "shout"


def test_output_schema_base_and_strictness() -> None:
    schema = AgentOutputSchema(list[int])
    assert isinstance(schema, AgentOutputSchemaBase)
    assert schema.is_strict_json_schema()
    assert not AgentOutputSchema(dict[str, int], strict_json_schema=False).is_strict_json_schema()
    assert schema.name() == "list[int]"  # as the reference names it
    assert schema.json_schema()["type"] == "object"  # wrapped as {"response": [...]}


def test_function_schema_and_strict_schema_helpers() -> None:
    def add(a: int, b: int = 2) -> int:
        """Add two numbers.

        Args:
            a: The first.
            b: The second.
        """
        return a + b

    schema = function_schema(add)
    assert isinstance(schema, FuncSchema)
    assert schema.name == "add"
    assert schema.params_json_schema["properties"]["a"]["description"] == "The first."
    strict = ensure_strict_json_schema({"type": "object", "properties": {"x": {"type": "string"}}})
    assert strict["additionalProperties"] is False
    assert strict["required"] == ["x"]


def test_handoff_transfer_message_and_tool_context_from_agent_context() -> None:
    billing = Agent(name="Billing")
    assert json.loads(handoff(billing).get_transfer_message(billing)) == {"assistant": "Billing"}

    run_ctx: RunContextWrapper[Any] = RunContextWrapper({"user": 1})
    call = {"type": "function_call", "call_id": "c1", "name": "lookup", "arguments": '{"q":1}'}
    tool_ctx = ToolContext.from_agent_context(run_ctx, "c1", call)
    assert (tool_ctx.tool_name, tool_ctx.tool_call_id, tool_ctx.tool_arguments) == (
        "lookup",
        "c1",
        '{"q":1}',
    )
    assert tool_ctx.context == {"user": 1}
    assert tool_ctx.usage is run_ctx.usage
    named = ToolContext.from_agent_context(run_ctx, "c2", tool_name="other", tool_arguments="{}")
    assert named.tool_name == "other"
    with pytest.raises(structagents.UserError, match="tool_name"):
        ToolContext.from_agent_context(run_ctx, "c3")


def test_item_conveniences_of_the_reference() -> None:
    from structagents import ItemHelpers, ToolCallItem, ToolCallOutputItem
    from structagents.testing import assistant_message

    agent = Agent(name="a")
    output = ToolCallOutputItem(agent, {"type": "function_call_output", "call_id": "c9"}, "x")
    assert output.call_id == "c9"
    call = ToolCallItem(agent, {"type": "function_call", "call_id": "c9", "name": "f"}, title="F")
    assert (call.title, call.description) == ("F", None)
    assert ItemHelpers.extract_last_content(assistant_message("hi")) == "hi"
    refusal = {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "refusal", "refusal": "no"}],
    }
    assert ItemHelpers.extract_last_content(refusal) == "no"
    assert ItemHelpers.extract_last_content({"type": "function_call", "name": "f"}) == ""
    # The reference passes the call itself; a call id works too.
    expected = {"type": "function_call_output", "call_id": "c9", "output": "4"}
    assert ItemHelpers.tool_call_output_item(call.raw_item, 4) == expected
    assert ItemHelpers.tool_call_output_item(call.raw_item_dict, 4) == expected
    assert ItemHelpers.tool_call_output_item("c9", 4) == expected


async def test_conversation_history_wrappers_mark_the_nested_transcript() -> None:
    from structagents import (
        RunConfig,
        Runner,
        get_conversation_history_wrappers,
        reset_conversation_history_wrappers,
        set_conversation_history_wrappers,
    )
    from structagents.testing import ScriptedModel, assistant_message, function_call

    def run_once() -> Any:
        last = Agent(name="last", model=ScriptedModel(["done"]))
        middle = Agent(
            name="middle",
            model=ScriptedModel([[function_call("transfer_to_last", {}, call_id="h2")]]),
            handoffs=[last],
        )
        first = Agent(
            name="first",
            model=ScriptedModel(
                [
                    [
                        assistant_message("hello"),
                        function_call("transfer_to_middle", {}, call_id="h1"),
                    ]
                ]
            ),
            handoffs=[middle],
        )
        return last, Runner.run(first, "question", run_config=RunConfig(nest_handoff_history=True))

    assert get_conversation_history_wrappers() == (
        "<CONVERSATION HISTORY>",
        "</CONVERSATION HISTORY>",
    )
    set_conversation_history_wrappers(start="<<H>>")
    try:
        assert get_conversation_history_wrappers() == ("<<H>>", "</CONVERSATION HISTORY>")
        last, run = run_once()
        await run
        [summary] = last.model.calls[0].input
        text = summary["content"]
        assert "\n<<H>>\n" in text
        assert text.endswith("</CONVERSATION HISTORY>")
        assert text.count("<<H>>") == 1  # the second handoff unpacked the first summary
        assert "question" in text
        assert "hello" in text
    finally:
        reset_conversation_history_wrappers()
    assert get_conversation_history_wrappers()[0] == "<CONVERSATION HISTORY>"


def test_extract_text_is_none_without_text_as_in_the_reference() -> None:
    from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage

    from structagents import ItemHelpers

    call = ResponseFunctionToolCall(type="function_call", call_id="c", name="f", arguments="{}")
    assert ItemHelpers.extract_text(call) is None
    empty = ResponseOutputMessage.model_construct(
        id="m", type="message", role="assistant", status="completed",
        content=[{"type": "output_text", "text": None, "annotations": []}],
    )  # fmt: skip
    assert ItemHelpers.extract_text(empty) is None
    parts = [{"type": "output_text", "text": "a"}, {"type": "output_text", "text": "b"}]
    message = {"type": "message", "role": "assistant", "content": parts}
    assert ItemHelpers.extract_text(message) == "ab"
