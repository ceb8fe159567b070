"""The reference SDK's `agents.computer` module path: the computer a `ComputerTool` drives."""

from ._computer import AsyncComputer as AsyncComputer
from ._computer import Button as Button
from ._computer import Computer as Computer
from ._computer import Environment as Environment

__all__ = ["AsyncComputer", "Button", "Computer", "Environment"]
