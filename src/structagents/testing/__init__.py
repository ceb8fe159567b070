"""Test doubles for agents: `ScriptedModel` replays scripted replies and records each call;
`FakeOpenAIServer` serves scripted replies over real loopback HTTP in the OpenAI wire format."""

from ._fake_openai import FakeOpenAIServer as FakeOpenAIServer
from ._fake_openai import Fault as Fault
from ._fake_openai import RecordedRequest as RecordedRequest
from ._scripted_model import InvalidModelStep as InvalidModelStep
from ._scripted_model import ModelCall as ModelCall
from ._scripted_model import ModelScriptError as ModelScriptError
from ._scripted_model import ModelStep as ModelStep
from ._scripted_model import ScriptedModel as ScriptedModel
from ._scripted_model import UnconsumedModelSteps as UnconsumedModelSteps
from ._scripted_model import UnexpectedModelCall as UnexpectedModelCall
from ._scripted_model import assistant_message as assistant_message
from ._scripted_model import function_call as function_call
from ._scripted_model import handoff_call as handoff_call

__all__ = [
    "FakeOpenAIServer",
    "Fault",
    "InvalidModelStep",
    "ModelCall",
    "ModelScriptError",
    "ModelStep",
    "RecordedRequest",
    "ScriptedModel",
    "UnconsumedModelSteps",
    "UnexpectedModelCall",
    "assistant_message",
    "function_call",
    "handoff_call",
]
