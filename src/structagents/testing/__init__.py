"""Test doubles for agents: `ScriptedModel` replays scripted replies and records each call;
`FakeOpenAIServer` serves scripted replies over real loopback HTTP in the OpenAI wire format."""

from ._fake_openai import FakeOpenAIServer as FakeOpenAIServer
from ._fake_openai import Fault as Fault
from ._fake_openai import RecordedRequest as RecordedRequest
from ._scripted_model import InvalidModelStep as InvalidModelStep
from ._scripted_model import ModelCall as ModelCall
from ._scripted_model import ModelScriptError as ModelScriptError
from ._scripted_model import ModelStep as ModelStep
from ._scripted_model import ModelStepSpec as ModelStepSpec
from ._scripted_model import ScriptedModel as ScriptedModel
from ._scripted_model import UnconsumedModelSteps as UnconsumedModelSteps
from ._scripted_model import UnexpectedModelCall as UnexpectedModelCall
from ._scripted_model import assistant_message as assistant_message
from ._scripted_model import function_call as function_call
from ._scripted_model import handoff_call as handoff_call
from ._tool_items import apply_patch_call as apply_patch_call
from ._tool_items import code_interpreter_call as code_interpreter_call
from ._tool_items import computer_call as computer_call
from ._tool_items import file_search_call as file_search_call
from ._tool_items import image_generation_call as image_generation_call
from ._tool_items import local_shell_call as local_shell_call
from ._tool_items import mcp_approval_request as mcp_approval_request
from ._tool_items import mcp_call as mcp_call
from ._tool_items import mcp_list_tools as mcp_list_tools
from ._tool_items import shell_call as shell_call
from ._tool_items import tool_search_call as tool_search_call
from ._tool_items import tool_search_output as tool_search_output
from ._tool_items import web_search_call as web_search_call

__all__ = [
    "FakeOpenAIServer",
    "Fault",
    "InvalidModelStep",
    "ModelCall",
    "ModelScriptError",
    "ModelStep",
    "ModelStepSpec",
    "RecordedRequest",
    "ScriptedModel",
    "UnconsumedModelSteps",
    "UnexpectedModelCall",
    "apply_patch_call",
    "assistant_message",
    "code_interpreter_call",
    "computer_call",
    "file_search_call",
    "function_call",
    "handoff_call",
    "image_generation_call",
    "local_shell_call",
    "mcp_approval_request",
    "mcp_call",
    "mcp_list_tools",
    "shell_call",
    "tool_search_call",
    "tool_search_output",
    "web_search_call",
]
