"""What stays fixed for the whole run: config, hooks, the tool limiter, resolved models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio

from .._agent import Agent
from .._config import RunConfig
from .._hooks import RunHooks
from .._usage_limits import UsageBudget, active_budgets
from ..models.interface import Model, ModelProvider
from ..models.provider import MultiProvider
from ._tracing import RunTracing

if TYPE_CHECKING:
    from .._error_handlers import RunErrorHandlers
    from ..sessions.base import Session
    from ._sink import EventSink

__all__ = ["RunEnv"]

_CLOSE_TIMEOUT = 5.0


@dataclass(eq=False)
class RunEnv:
    """Per-run constants shared by every turn."""

    config: RunConfig
    hooks: RunHooks[Any] | None
    limiter: anyio.CapacityLimiter | None
    session: Session | None = None
    events: EventSink | None = None
    """Where a streamed run sends its events; `None` when not streaming."""
    stop_after_turn: bool = False
    """Set by `cancel(mode="after_turn")`: end the run at the next turn boundary."""
    tracing: RunTracing | None = None
    """The run's spans; `None` when tracing is off (then no span is ever created)."""
    error_handlers: RunErrorHandlers[Any] | None = None
    budgets: tuple[UsageBudget, ...] = ()
    """The usage limits this run checks: its own and those of the runs it is nested in."""
    _models: dict[Agent[Any], Model] = field(default_factory=dict)
    _own_provider: ModelProvider | None = None

    @classmethod
    def create(
        cls, config: RunConfig, hooks: RunHooks[Any] | None, session: Session | None = None
    ) -> RunEnv:
        limit = config.max_concurrent_tools
        env = cls(
            config,
            hooks,
            anyio.CapacityLimiter(limit) if limit else None,
            session,
            budgets=active_budgets(config.usage_limits),
        )
        env.tracing = RunTracing.for_run(config)
        return env

    def model_for(self, agent: Agent[Any]) -> Model:
        """The model `agent` uses in this run (`RunConfig.model` wins over `Agent.model`)."""
        model = self._models.get(agent)
        if model is None:
            model = self._models[agent] = self._resolve_model(agent)
        return model

    def _resolve_model(self, agent: Agent[Any]) -> Model:
        chosen = self.config.model if self.config.model is not None else agent.model
        if isinstance(chosen, Model):
            return chosen
        provider = self.config.model_provider
        if provider is None:
            if self._own_provider is None:
                self._own_provider = MultiProvider()
            provider = self._own_provider
        return provider.get_model(chosen)

    async def aclose(self) -> None:
        """Close what the run opened for itself (the default provider's HTTP client)."""
        if self._own_provider is not None:
            with anyio.move_on_after(_CLOSE_TIMEOUT, shield=True):
                await self._own_provider.aclose()
            self._own_provider = None
