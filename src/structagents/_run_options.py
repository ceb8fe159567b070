"""`RunOptions`: the run keywords, as one TypedDict carried between the runner's layers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import NotRequired, TypedDict

from ._run_context import TContext

if TYPE_CHECKING:
    from ._config import RunConfig
    from ._error_handlers import RunErrorHandlers
    from ._hooks import RunHooks
    from .sessions.base import Session

__all__ = ["RunOptions"]


class RunOptions(TypedDict, Generic[TContext]):
    """The keywords of `Runner.run` / `run_streamed` / `run_sync` (and of `AgentRunner`'s
    methods). Left out means the default."""

    context: NotRequired[TContext | None]
    """Your context object, passed to tools, hooks and guardrails."""
    max_turns: NotRequired[int | None]
    """Model calls allowed before `MaxTurnsExceeded` (default `DEFAULT_MAX_TURNS`; None: none)."""
    hooks: NotRequired[RunHooks[TContext] | None]
    """Lifecycle hooks for the run."""
    run_config: NotRequired[RunConfig | dict[str, Any] | None]
    """Settings for the whole run."""
    previous_response_id: NotRequired[str | None]
    """Continue from this stored response (Responses API)."""
    auto_previous_response_id: NotRequired[bool]
    """Chain each turn to the previous response automatically."""
    conversation_id: NotRequired[str | None]
    """Continue this stored conversation (Conversations API)."""
    session: NotRequired[Session | None]
    """Conversation memory: loaded before the run, each turn saved to it."""
    error_handlers: NotRequired[RunErrorHandlers[TContext] | None]
    """Handlers that turn some run errors into a final output."""
