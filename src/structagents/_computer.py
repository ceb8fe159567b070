"""`ComputerTool`: the model drives a computer you provide (`Computer` or `AsyncComputer`)."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias

from typing_extensions import TypeVar

from ._run_context import RunContextWrapper
from .exceptions import UserError

if TYPE_CHECKING:
    from ._agent import Agent

__all__ = [
    "AsyncComputer",
    "Button",
    "Computer",
    "ComputerTool",
    "ComputerToolSafetyCheckData",
    "Environment",
]

Environment: TypeAlias = Literal["mac", "windows", "ubuntu", "browser"]
Button: TypeAlias = Literal["left", "right", "wheel", "back", "forward"]


class Computer(abc.ABC):
    """A computer with blocking methods; the run calls each one in a worker thread.

    `screenshot()` returns a base64-encoded PNG. Set `environment` and `dimensions` to have the
    tool sent as `computer_use_preview` (what the preview computer-use models need)."""

    @property
    def environment(self) -> Environment | None:
        return None

    @property
    def dimensions(self) -> tuple[int, int] | None:
        return None

    @abc.abstractmethod
    def screenshot(self) -> str: ...

    @abc.abstractmethod
    def click(self, x: int, y: int, button: Button) -> None: ...

    @abc.abstractmethod
    def double_click(self, x: int, y: int) -> None: ...

    @abc.abstractmethod
    def scroll(self, x: int, y: int, scroll_x: int, scroll_y: int) -> None: ...

    @abc.abstractmethod
    def type(self, text: str) -> None: ...

    @abc.abstractmethod
    def wait(self) -> None: ...

    @abc.abstractmethod
    def move(self, x: int, y: int) -> None: ...

    @abc.abstractmethod
    def keypress(self, keys: list[str]) -> None: ...

    @abc.abstractmethod
    def drag(self, path: list[tuple[int, int]]) -> None: ...


class AsyncComputer(abc.ABC):
    """A computer with async methods, awaited in the call's own cancel scope."""

    @property
    def environment(self) -> Environment | None:
        return None

    @property
    def dimensions(self) -> tuple[int, int] | None:
        return None

    @abc.abstractmethod
    async def screenshot(self) -> str: ...

    @abc.abstractmethod
    async def click(self, x: int, y: int, button: Button) -> None: ...

    @abc.abstractmethod
    async def double_click(self, x: int, y: int) -> None: ...

    @abc.abstractmethod
    async def scroll(self, x: int, y: int, scroll_x: int, scroll_y: int) -> None: ...

    @abc.abstractmethod
    async def type(self, text: str) -> None: ...

    @abc.abstractmethod
    async def wait(self) -> None: ...

    @abc.abstractmethod
    async def move(self, x: int, y: int) -> None: ...

    @abc.abstractmethod
    async def keypress(self, keys: list[str]) -> None: ...

    @abc.abstractmethod
    async def drag(self, path: list[tuple[int, int]]) -> None: ...


@dataclass
class ComputerToolSafetyCheckData:
    """A pending safety check of a computer call, for `ComputerTool.on_safety_check`."""

    ctx_wrapper: RunContextWrapper[Any]
    agent: Agent[Any]
    tool_call: Mapping[str, Any]
    safety_check: Mapping[str, Any]


ComputerT = TypeVar("ComputerT", bound="Computer | AsyncComputer", default=Any)


@dataclass(eq=False)
class ComputerTool(Generic[ComputerT]):
    """Lets the model use `computer`. Each `computer_call` runs one action, then a screenshot
    goes back to the model. `on_safety_check` (sync or async) acknowledges the call's pending
    safety checks; one it refuses is a `UserError`. Without it, checks are not acknowledged."""

    computer: ComputerT
    on_safety_check: Callable[[ComputerToolSafetyCheckData], bool | Awaitable[bool]] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.computer, Computer | AsyncComputer):
            raise UserError(
                "ComputerTool needs a Computer or AsyncComputer instance (subclass one and "
                f"implement its actions), not {self.computer!r}."
            )

    @property
    def name(self) -> str:
        return "computer_use_preview"

    def tool_spec(self) -> dict[str, Any]:
        environment, dimensions = self.computer.environment, self.computer.dimensions
        if environment is None or dimensions is None:
            return {"type": "computer"}
        return {
            "type": "computer_use_preview",
            "environment": environment,
            "display_width": dimensions[0],
            "display_height": dimensions[1],
        }
