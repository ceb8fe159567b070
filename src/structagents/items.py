"""The reference SDK's `agents.items` module path: run items, model responses and item helpers."""

from ._items import HandoffCallItem as HandoffCallItem
from ._items import HandoffOutputItem as HandoffOutputItem
from ._items import InputItem as InputItem
from ._items import ItemHelpers as ItemHelpers
from ._items import MCPApprovalRequestItem as MCPApprovalRequestItem
from ._items import MCPApprovalResponseItem as MCPApprovalResponseItem
from ._items import MCPListToolsItem as MCPListToolsItem
from ._items import MessageOutputItem as MessageOutputItem
from ._items import ReasoningItem as ReasoningItem
from ._items import RunItem as RunItem
from ._items import ToolApprovalItem as ToolApprovalItem
from ._items import ToolCallItem as ToolCallItem
from ._items import ToolCallOutputItem as ToolCallOutputItem
from ._items import ToolSearchCallItem as ToolSearchCallItem
from ._items import ToolSearchOutputItem as ToolSearchOutputItem
from ._items import TResponseInputItem as TResponseInputItem
from ._items import TResponseOutputItem as TResponseOutputItem
from ._items import TResponseStreamEvent as TResponseStreamEvent
from ._tool_outputs import ToolOutputFileContent as ToolOutputFileContent
from ._tool_outputs import ToolOutputImage as ToolOutputImage
from ._tool_outputs import ToolOutputText as ToolOutputText
from ._usage import Usage as Usage
from .exceptions import AgentsException as AgentsException
from .exceptions import ModelBehaviorError as ModelBehaviorError
from .exceptions import UserError as UserError
from .models.interface import ModelResponse as ModelResponse

__all__ = [
    "AgentsException",
    "HandoffCallItem",
    "HandoffOutputItem",
    "InputItem",
    "ItemHelpers",
    "MCPApprovalRequestItem",
    "MCPApprovalResponseItem",
    "MCPListToolsItem",
    "MessageOutputItem",
    "ModelBehaviorError",
    "ModelResponse",
    "ReasoningItem",
    "RunItem",
    "TResponseInputItem",
    "TResponseOutputItem",
    "TResponseStreamEvent",
    "ToolApprovalItem",
    "ToolCallItem",
    "ToolCallOutputItem",
    "ToolOutputFileContent",
    "ToolOutputImage",
    "ToolOutputText",
    "ToolSearchCallItem",
    "ToolSearchOutputItem",
    "Usage",
    "UserError",
]
