"""The reference SDK's `agents.prompts` module path: prompt templates for `Agent.prompt`."""

from ._prompts import DynamicPromptFunction as DynamicPromptFunction
from ._prompts import GenerateDynamicPromptData as GenerateDynamicPromptData
from ._prompts import Prompt as Prompt

__all__ = ["DynamicPromptFunction", "GenerateDynamicPromptData", "Prompt"]
