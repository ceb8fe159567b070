"""Client-side built-in tools (computer, local shell, shell, apply_patch) run by the tool phase."""

from __future__ import annotations

import threading
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from structagents import (
    Agent,
    ApplyPatchOperation,
    ApplyPatchResult,
    ApplyPatchTool,
    AsyncComputer,
    Button,
    Computer,
    ComputerTool,
    ComputerToolSafetyCheckData,
    LocalShellCommandRequest,
    LocalShellTool,
    ModelBehaviorError,
    RunConfig,
    RunContextWrapper,
    RunHooks,
    Runner,
    ShellCallOutcome,
    ShellCommandOutput,
    ShellCommandRequest,
    ShellResult,
    ShellTool,
    ToolCallItem,
    ToolCallOutputItem,
    ToolTimeoutError,
    UserError,
)
from structagents.testing import (
    ScriptedModel,
    apply_patch_call,
    assistant_message,
    computer_call,
    local_shell_call,
    shell_call,
)

pytestmark = pytest.mark.anyio


def run_agent(tool: Any, *calls: dict[str, Any]) -> tuple[Agent[Any], ScriptedModel]:
    model = ScriptedModel([list(calls), [assistant_message("done")]])
    return Agent("a", model=model, tools=[tool]), model


def output_items(result: Any) -> list[dict[str, Any]]:
    return [i.raw_item for i in result.new_items if isinstance(i, ToolCallOutputItem)]


class SyncScreen(Computer):
    def __init__(self) -> None:
        self.actions: list[Any] = []
        self.threads: set[bool] = set()

    def _log(self, *action: Any) -> None:
        self.threads.add(threading.current_thread() is threading.main_thread())
        self.actions.append(action)

    def screenshot(self) -> str:
        self._log("screenshot")
        return "UE5H"

    def click(self, x: int, y: int, button: Button) -> None:
        self._log("click", x, y, button)

    def double_click(self, x: int, y: int) -> None:
        self._log("double_click", x, y)

    def scroll(self, x: int, y: int, scroll_x: int, scroll_y: int) -> None:
        self._log("scroll", x, y, scroll_x, scroll_y)

    def type(self, text: str) -> None:
        self._log("type", text)

    def wait(self) -> None:
        self._log("wait")

    def move(self, x: int, y: int) -> None:
        self._log("move", x, y)

    def keypress(self, keys: list[str]) -> None:
        self._log("keypress", keys)

    def drag(self, path: list[tuple[int, int]]) -> None:
        self._log("drag", path)


class AsyncScreen(AsyncComputer):
    def __init__(self) -> None:
        self.actions: list[Any] = []
        self.hang = False

    async def screenshot(self) -> str:
        return "QVNZTkM="

    async def click(self, x: int, y: int, button: Button) -> None:
        self.actions.append(("click", x, y, button))

    async def double_click(self, x: int, y: int) -> None: ...

    async def scroll(self, x: int, y: int, scroll_x: int, scroll_y: int) -> None: ...

    async def type(self, text: str) -> None:
        if self.hang:
            await anyio.sleep_forever()
        self.actions.append(("type", text))

    async def wait(self) -> None: ...

    async def move(self, x: int, y: int) -> None: ...

    async def keypress(self, keys: list[str]) -> None: ...

    async def drag(self, path: list[tuple[int, int]]) -> None: ...


async def test_sync_computer_actions_run_in_worker_threads_and_send_screenshots() -> None:
    screen = SyncScreen()
    agent, model = run_agent(
        ComputerTool(screen),
        computer_call({"type": "click", "x": 1, "y": 2, "button": "right"}, call_id="c1"),
        computer_call({"type": "drag", "path": [{"x": 0, "y": 0}, {"x": 5, "y": 5}]}, call_id="c2"),
        computer_call({"type": "keypress", "keys": ["CTRL", "C"]}, call_id="c3"),
        computer_call({"type": "scroll", "x": 1, "y": 1, "scroll_y": 3}, call_id="c4"),
        computer_call({"type": "screenshot"}, call_id="c5"),
    )
    result = await Runner.run(agent, "use it")
    assert screen.threads == {False}
    assert ("click", 1, 2, "right") in screen.actions
    assert ("drag", [(0, 0), (5, 5)]) in screen.actions
    assert ("keypress", ["CTRL", "C"]) in screen.actions
    assert ("scroll", 1, 1, 0, 3) in screen.actions
    assert output_items(result)[0] == {
        "type": "computer_call_output",
        "call_id": "c1",
        "output": {"type": "computer_screenshot", "image_url": "data:image/png;base64,UE5H"},
    }
    assert model.calls[0].tools[0].name == "computer_use_preview"
    assert [i["call_id"] for i in model.calls[1].input[-5:]] == ["c1", "c2", "c3", "c4", "c5"]


async def test_async_computer_and_its_safety_checks() -> None:
    screen = AsyncScreen()
    seen: list[str] = []

    async def acknowledge(data: ComputerToolSafetyCheckData) -> bool:
        seen.append(data.safety_check["code"])
        return True

    check = {"id": "sc1", "code": "malicious_instructions", "message": "careful"}
    call = computer_call(
        {"type": "type", "text": "hi"}, call_id="c1", pending_safety_checks=[check]
    )
    agent, _ = run_agent(ComputerTool(screen, on_safety_check=acknowledge), call)
    result = await Runner.run(agent, "go")
    assert screen.actions == [("type", "hi")]
    assert seen == ["malicious_instructions"]
    assert output_items(result)[0]["acknowledged_safety_checks"] == [check]

    refused = ComputerTool(AsyncScreen(), on_safety_check=lambda data: False)
    agent, _ = run_agent(refused, call)
    with pytest.raises(UserError, match="safety check"):
        await Runner.run(agent, "go")


async def test_computer_timeout_fails_the_run() -> None:
    screen = AsyncScreen()
    screen.hang = True
    agent, _ = run_agent(
        ComputerTool(screen), computer_call({"type": "type", "text": "x"}, call_id="c1")
    )
    with pytest.raises(ToolTimeoutError):
        await Runner.run(agent, "go", run_config=RunConfig(tool_timeout=0.01))


async def test_computer_call_mistakes() -> None:
    with pytest.raises(UserError, match="Computer or AsyncComputer"):
        ComputerTool(None)  # type: ignore[type-var]
    model = ScriptedModel([[computer_call({"type": "screenshot"}, call_id="c1")]])
    with pytest.raises(ModelBehaviorError, match="no ComputerTool"):
        await Runner.run(Agent("a", model=model), "go")
    agent, _ = run_agent(ComputerTool(AsyncScreen()), computer_call({"type": "fly"}, call_id="c1"))
    with pytest.raises(ModelBehaviorError, match="Malformed computer action"):
        await Runner.run(agent, "go")


async def test_local_shell_executor_output_goes_back() -> None:
    seen: list[Any] = []

    def execute(request: LocalShellCommandRequest) -> str:
        seen.append((request.data["action"]["command"], threading.current_thread().name))
        return "file.txt\n"

    agent, model = run_agent(LocalShellTool(execute), local_shell_call(["ls"], call_id="l1"))
    result = await Runner.run(agent, "list")
    assert seen[0][0] == ["ls"]
    assert seen[0][1] != threading.main_thread().name
    assert model.calls[1].input[-1] == {
        "type": "local_shell_call_output",
        "call_id": "l1",
        "output": "file.txt\n",
    }
    assert isinstance(result.new_items[0], ToolCallItem)


async def test_shell_text_structured_failed_and_timed_out_outputs() -> None:
    async def execute(request: ShellCommandRequest) -> str | ShellResult:
        command = request.data.action.commands[0]
        if command == "fail":
            raise RuntimeError("no such command")
        if command == "hang":
            await anyio.sleep_forever()
        if command == "text":
            return "plain"
        return ShellResult(
            output=[
                ShellCommandOutput(stdout="abcdef", command="ls"),
                ShellCommandOutput(stderr="oops", outcome=ShellCallOutcome("exit", 2)),
            ]
        )

    hooks = Seen()
    agent, model = run_agent(
        ShellTool(executor=execute),
        shell_call(["text"], call_id="s1"),
        shell_call(["ls"], call_id="s2", max_output_length=4),
        shell_call(["fail"], call_id="s3"),
        shell_call(["hang"], call_id="s4"),
    )
    result = await Runner.run(agent, "go", hooks=hooks, run_config=RunConfig(tool_timeout=0.01))
    text, structured, failed, timed_out = output_items(result)
    assert text == {
        "type": "shell_call_output",
        "call_id": "s1",
        "status": "completed",
        "output": [{"stdout": "plain", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}],
    }
    assert structured["max_output_length"] == 4
    assert structured["output"] == [
        {"stdout": "abcd", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}},
        {"stdout": "", "stderr": "", "outcome": {"type": "exit", "exit_code": 2}},
    ]
    assert failed["status"] == "failed"
    assert failed["output"][0]["stdout"] == "no such command"
    assert timed_out["status"] == "failed"
    assert timed_out["output"][0]["outcome"] == {"type": "timeout"}
    assert model.calls[1].input[-4:] == [text, structured, failed, timed_out]
    assert hooks.names == ["shell"] * 8


def test_shell_tool_configuration_errors() -> None:
    with pytest.raises(UserError, match="needs an executor"):
        ShellTool()
    with pytest.raises(UserError, match="no executor"):
        ShellTool(executor=lambda request: "x", environment={"type": "container_auto"})


async def test_hosted_shell_calls_pass_through() -> None:
    tool = ShellTool(environment={"type": "container_auto"})
    model = ScriptedModel([[shell_call(["ls"], call_id="s1"), assistant_message("ran remotely")]])
    result = await Runner.run(Agent("a", model=model, tools=[tool]), "go")
    assert result.final_output == "ran remotely"
    assert model.calls[0].tools == [tool]


class Editor:
    def __init__(self) -> None:
        self.files: dict[str, str] = {"old.txt": "x"}

    def create_file(self, operation: ApplyPatchOperation) -> ApplyPatchResult:
        assert operation.diff is not None
        self.files[operation.path] = operation.diff
        return ApplyPatchResult(output=f"created {operation.path}")

    async def update_file(self, operation: ApplyPatchOperation) -> str:
        if operation.path not in self.files:
            raise FileNotFoundError(operation.path)
        self.files[operation.path] += operation.diff or ""
        return "updated"

    def delete_file(self, operation: ApplyPatchOperation) -> ApplyPatchResult:
        return ApplyPatchResult(status="failed", output="read-only")


async def test_apply_patch_operations_and_failures() -> None:
    editor = Editor()
    agent, model = run_agent(
        ApplyPatchTool(editor),
        apply_patch_call({"type": "create_file", "path": "a.txt", "diff": "+a"}, call_id="p1"),
        apply_patch_call({"type": "update_file", "path": "old.txt", "diff": "+y"}, call_id="p2"),
        apply_patch_call({"type": "update_file", "path": "nope", "diff": "+y"}, call_id="p3"),
        apply_patch_call({"type": "delete_file", "path": "old.txt"}, call_id="p4"),
    )
    result = await Runner.run(agent, "edit")
    assert editor.files == {"a.txt": "+a", "old.txt": "x+y"}
    assert output_items(result) == [
        {
            "type": "apply_patch_call_output",
            "call_id": "p1",
            "status": "completed",
            "output": "created a.txt",
        },
        {
            "type": "apply_patch_call_output",
            "call_id": "p2",
            "status": "completed",
            "output": "updated",
        },
        {"type": "apply_patch_call_output", "call_id": "p3", "status": "failed", "output": "nope"},
        {
            "type": "apply_patch_call_output",
            "call_id": "p4",
            "status": "failed",
            "output": "read-only",
        },
    ]
    assert model.calls[0].tools[0].name == "apply_patch"
    agent, _ = run_agent(ApplyPatchTool(editor), apply_patch_call({"type": "rename"}, call_id="p"))
    with pytest.raises(ModelBehaviorError, match="apply_patch operation"):
        await Runner.run(agent, "edit")
    with pytest.raises(UserError, match="editor"):
        ApplyPatchTool(object())  # type: ignore[arg-type]


class Seen(RunHooks[Any]):
    def __init__(self) -> None:
        self.names: list[str] = []

    async def on_tool_start(self, context: RunContextWrapper[Any], agent: Any, tool: Any) -> None:
        self.names.append(tool.name)

    async def on_tool_end(
        self, context: RunContextWrapper[Any], agent: Any, tool: Any, result: Any
    ) -> None:
        self.names.append(tool.name)


async def test_built_in_calls_share_the_limiter_and_are_cancelled_with_the_run() -> None:
    running = 0
    peak = 0
    started = anyio.Event()
    cleaned: list[str] = []

    async def execute(request: LocalShellCommandRequest) -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        try:
            if request.data["action"]["command"] == ["block"]:
                started.set()
                await anyio.sleep_forever()
            await anyio.lowlevel.checkpoint()
            return "ok"
        finally:
            running -= 1
            cleaned.append(request.data["call_id"])

    calls = [local_shell_call(["x"], call_id=f"l{i}") for i in range(4)]
    agent, _ = run_agent(LocalShellTool(execute), *calls)
    await Runner.run(agent, "go", run_config=RunConfig(max_concurrent_tools=2))
    assert peak == 2

    cleaned.clear()
    agent, _ = run_agent(LocalShellTool(execute), local_shell_call(["block"], call_id="b"))
    async with anyio.create_task_group() as tg:
        tg.start_soon(Runner.run, agent, "go")
        await started.wait()
        tg.cancel_scope.cancel()
    assert cleaned == ["b"]


@pytest.mark.parametrize("streamed", [False, True])
async def test_built_in_calls_over_the_responses_api(streamed: bool) -> None:
    from openai import AsyncOpenAI

    from structagents import OpenAIResponsesModel
    from structagents.testing import FakeOpenAIServer

    editor = Editor()
    steps: list[Any] = [
        [
            shell_call(["echo hi"], call_id="s1"),
            apply_patch_call({"type": "create_file", "path": "n", "diff": "+n"}, call_id="p1"),
            computer_call({"type": "screenshot"}, call_id="c1"),
            local_shell_call(["ls"], call_id="l1"),
        ],
        "all done",
    ]
    tools: list[Any] = [
        ShellTool(executor=lambda request: "hi"),
        ApplyPatchTool(editor),
        ComputerTool(AsyncScreen()),
        LocalShellTool(lambda request: "a b"),
    ]
    async with FakeOpenAIServer(steps) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        async with client:
            agent = Agent("a", model=OpenAIResponsesModel("m", openai_client=client), tools=tools)
            if streamed:
                async with Runner.run_streamed(agent, "go") as streaming:
                    async for _ in streaming.stream_events():
                        pass
                final = streaming.final_output
            else:
                final = (await Runner.run(agent, "go")).final_output
    assert final == "all done"
    first, second = (request.body for request in server.requests)
    assert [spec["type"] for spec in first["tools"]] == [
        "shell",
        "apply_patch",
        "computer",
        "local_shell",
    ]
    assert [item["type"] for item in second["input"][-4:]] == [
        "shell_call_output",
        "apply_patch_call_output",
        "computer_call_output",
        "local_shell_call_output",
    ]
    assert editor.files["n"] == "+n"


async def test_built_in_calls_never_end_the_run_through_tool_use_behavior() -> None:
    model = ScriptedModel([[local_shell_call(["ls"], call_id="l1")], [assistant_message("after")]])
    agent = Agent(
        "a",
        model=model,
        tools=[LocalShellTool(lambda request: "x")],
        tool_use_behavior="stop_on_first_tool",
    )
    result = await Runner.run(agent, "go")
    assert result.final_output == "after"
    assert len(model.calls) == 2
