"""The public names: everything in __all__ exists, and nothing private leaks out."""

from __future__ import annotations

from typing import Any

import structagents
import structagents.mcp
import structagents.testing


def test_exported_members_are_public_and_listed() -> None:
    for module in (structagents, structagents.testing, structagents.mcp):
        exported = set(module.__all__)
        assert len(exported) == len(module.__all__), "duplicates in __all__"
        for name in exported:
            assert hasattr(module, name), f"{module.__name__}.{name} is listed but missing"
        public = {
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and not isinstance(value, type(structagents))
        }
        assert public == exported


def test_core_names_match_the_reference_sdk() -> None:
    expected = {
        "Agent",
        "Runner",
        "RunConfig",
        "RunResult",
        "RunContextWrapper",
        "ToolContext",
        "function_tool",
        "FunctionTool",
        "input_guardrail",
        "output_guardrail",
        "GuardrailFunctionOutput",
        "InputGuardrail",
        "OutputGuardrail",
        "ModelSettings",
        "Model",
        "ModelResponse",
        "ModelProvider",
        "Usage",
        "StopAtTools",
        "ToolsToFinalOutputResult",
        "MessageOutputItem",
        "ToolCallItem",
        "ToolCallOutputItem",
        "ReasoningItem",
        "ItemHelpers",
        "RunHooks",
        "AgentHooks",
        "AgentsException",
        "MaxTurnsExceeded",
        "ModelBehaviorError",
        "UserError",
        "InputGuardrailTripwireTriggered",
        "OutputGuardrailTripwireTriggered",
        "ModelRetrySettings",
        "ModelTimeoutError",
        "Prompt",
        "retry_policies",
        "ToolNameCollisionPolicy",
        "ToolSearchTool",
        "ToolSearchCallItem",
        "ToolSearchOutputItem",
        "tool_namespace",
        "AgentRunner",
        "RunOptions",
        "set_default_agent_runner",
        "get_default_agent_runner",
        "AgentHookContext",
    }
    assert expected <= set(structagents.__all__)


def test_tracing_names_match_the_reference_sdk() -> None:
    import structagents.tracing

    expected = {
        "trace", "Trace", "Span", "SpanError", "TracingProcessor", "add_trace_processor",
        "set_trace_processors", "set_tracing_disabled", "flush_traces", "gen_trace_id",
        "gen_span_id", "get_current_trace", "get_current_span", "agent_span", "custom_span",
        "function_span", "generation_span", "response_span", "handoff_span", "guardrail_span",
        "enable_verbose_stdout_logging", "set_tracing_export_api_key",
    }  # fmt: skip
    assert expected <= set(structagents.__all__)
    assert expected - {"enable_verbose_stdout_logging"} <= set(structagents.tracing.__all__)
    for name in structagents.tracing.__all__:
        assert hasattr(structagents.tracing, name), name


def test_public_errors_share_one_root() -> None:
    for name in structagents.__all__:
        value = getattr(structagents, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, structagents.AgentsException), name
    assert issubclass(structagents.RunTimeoutError, TimeoutError)


def test_importing_the_package_does_not_import_openai() -> None:
    import subprocess
    import sys

    code = "import sys, structagents; print('openai' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _never_trips(ctx: Any, agent: Any, input: Any) -> Any:
    return None


def test_errors_survive_pickle_and_copy() -> None:
    import copy
    import pickle

    from structagents import (
        GuardrailFunctionOutput,
        InputGuardrail,
        InputGuardrailResult,
        InputGuardrailTripwireTriggered,
        MaxTurnsExceeded,
        MCPToolCancellationError,
        ModelProviderError,
        RunTimeoutError,
        ToolTimeoutError,
    )

    tripped = InputGuardrailResult(
        guardrail=InputGuardrail(guardrail_function=_never_trips, name="g"),
        output=GuardrailFunctionOutput(output_info="why", tripwire_triggered=True),
    )
    errors = [
        MaxTurnsExceeded("Max turns (3) exceeded"),
        ToolTimeoutError("slow", 1.5),
        MCPToolCancellationError("cut off"),
        RunTimeoutError(2.0),
        ModelProviderError("boom", status_code=500, request_id="req_1"),
        InputGuardrailTripwireTriggered(tripped),
    ]
    for error in errors:
        for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
            assert type(clone) is type(error)
            assert str(clone) == str(error)
            assert vars(clone).keys() == vars(error).keys()
    provider_error = pickle.loads(pickle.dumps(errors[4]))
    assert (provider_error.status_code, provider_error.request_id) == (500, "req_1")


def test_tool_kind_names_match_the_reference_sdk() -> None:
    expected = {
        "tool_input_guardrail",
        "tool_output_guardrail",
        "ToolGuardrailFunctionOutput",
        "ToolInputGuardrail",
        "ToolOutputGuardrail",
        "ToolInputGuardrailData",
        "ToolOutputGuardrailData",
        "ToolInputGuardrailResult",
        "ToolOutputGuardrailResult",
        "ToolInputGuardrailTripwireTriggered",
        "ToolOutputGuardrailTripwireTriggered",
    }
    assert expected <= set(structagents.__all__)


def test_mcp_names_match_the_reference_sdk() -> None:
    expected = {
        "MCPServer",
        "MCPServerStdio",
        "MCPServerStdioParams",
        "MCPServerSse",
        "MCPServerSseParams",
        "MCPServerStreamableHttp",
        "MCPServerStreamableHttpParams",
        "MCPUtil",
        "ToolFilter",
        "ToolFilterCallable",
        "ToolFilterContext",
        "ToolFilterStatic",
        "create_static_tool_filter",
    }
    assert expected <= set(structagents.mcp.__all__)
    assert {"MCPToolCancellationError", "MCPConfig"} <= set(structagents.__all__)


def test_tool_module_paths_of_the_reference_re_export_the_same_objects() -> None:
    import structagents.computer
    import structagents.editor
    import structagents.tool
    import structagents.tool_guardrails

    for module in (
        structagents.tool,
        structagents.computer,
        structagents.editor,
        structagents.tool_guardrails,
    ):
        for name in module.__all__:
            if hasattr(structagents, name):
                assert getattr(module, name) is getattr(structagents, name), name
    assert {"FunctionTool", "ShellTool", "WebSearchTool", "ToolOutputImage"} <= set(
        structagents.tool.__all__
    )
