"""ModelSettings.retry and ModelSettings.timeout: retried requests, cancellable backoff,
no second send of a reply the user already saw, per-attempt timeouts."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from structagents import (
    Agent,
    ModelProviderError,
    ModelRetrySettings,
    ModelSettings,
    ModelTimeoutError,
    RetryDecision,
    RetryPolicyContext,
    Runner,
    open_run,
    retry_policies,
)
from structagents._retry import ModelRetryAdvice, ModelRetryBackoffSettings
from structagents._run._model_retry import retry_delay
from structagents.testing import ModelStep, ScriptedModel, assistant_message


def retrying(policy: Any = None, *, max_retries: int = 3, delay: float = 0.0) -> ModelSettings:
    return ModelSettings(
        retry=ModelRetrySettings(
            max_retries=max_retries,
            backoff={"initial_delay": delay, "jitter": False},
            policy=policy or retry_policies.provider_suggested(),
        )
    )


def server_error() -> ModelProviderError:
    return ModelProviderError("boom (500)", status_code=500)


async def test_a_failed_request_is_retried_and_counted_in_usage() -> None:
    model = ScriptedModel([server_error(), "ok"])
    seen: list[RetryPolicyContext] = []

    def policy(context: RetryPolicyContext) -> bool:
        seen.append(context)
        return context.normalized.status_code == 500

    agent = Agent(name="R", model=model, model_settings=retrying(policy))
    result = await Runner.run(agent, "hi")
    assert result.final_output == "ok"
    assert len(model.calls) == 2
    assert [c.attempt for c in seen] == [1]
    assert result.context_wrapper.usage.requests == 2
    assert len(result.context_wrapper.usage.request_usage_entries) == 2


async def test_without_retry_settings_nothing_is_retried() -> None:
    model = ScriptedModel([server_error(), "ok"])
    with pytest.raises(ModelProviderError):
        await Runner.run(Agent(name="R", model=model), "hi")
    assert model.remaining_steps == 1


async def test_max_retries_bounds_the_attempts() -> None:
    model = ScriptedModel([server_error(), server_error(), server_error(), "ok"])
    agent = Agent(name="R", model=model, model_settings=retrying(lambda ctx: True, max_retries=2))
    with pytest.raises(ModelProviderError):
        await Runner.run(agent, "hi")
    assert len(model.calls) == 3


async def test_a_cancel_during_backoff_stops_at_once() -> None:
    in_backoff = anyio.Event()

    def policy(context: RetryPolicyContext) -> RetryDecision:
        in_backoff.set()
        return RetryDecision(retry=True, delay=3600)

    model = ScriptedModel([server_error(), "never"])
    agent = Agent(name="R", model=model, model_settings=retrying(policy))
    with anyio.fail_after(60):  # a safety net; the cancel below must end the run at once
        async with anyio.create_task_group() as tg:
            tg.start_soon(Runner.run, agent, "hi")
            await in_backoff.wait()
            tg.cancel_scope.cancel()
    assert len(model.calls) == 1
    assert model.remaining_steps == 1


async def test_a_stream_the_user_already_saw_is_never_sent_again() -> None:
    cut = ModelStep(output=[assistant_message("half an answer")], error=server_error())
    model = ScriptedModel([cut, "second"])
    agent = Agent(name="R", model=model, model_settings=retrying(lambda ctx: True))
    deltas = []
    with pytest.raises(ModelProviderError):
        async with open_run(agent, "hi") as run:
            async for event in run.stream_events():
                if event.type == "raw_response_event":
                    data = event.data if isinstance(event.data, dict) else vars(event.data)
                    if str(data.get("type")).endswith(".delta"):
                        deltas.append(data["delta"])
    assert deltas
    assert len(model.calls) == 1


async def test_a_stream_that_failed_before_any_output_is_retried() -> None:
    model = ScriptedModel([server_error(), "second"])
    agent = Agent(name="R", model=model, model_settings=retrying(lambda ctx: True))
    async with open_run(agent, "hi") as run:
        async for _ in run.stream_events():
            pass
    assert run.final_output == "second"
    assert len(model.calls) == 2


async def test_provider_advice_vetoes_and_replay_safety() -> None:
    no = ModelStep.raise_error(server_error(), retry_advice=ModelRetryAdvice(suggested=False))
    model = ScriptedModel([no, "ok"])
    policy = retry_policies.any(retry_policies.provider_suggested(), lambda ctx: True)
    with pytest.raises(ModelProviderError):
        await Runner.run(Agent(name="R", model=model, model_settings=retrying(policy)), "hi")

    # A request continuing a server-side conversation is re-sent only when it is safe to.
    unknown = ModelStep.raise_error(server_error())
    model = ScriptedModel([unknown, "ok"])
    agent = Agent(name="R", model=model, model_settings=retrying(lambda ctx: True))
    with pytest.raises(ModelProviderError):
        await Runner.run(agent, "hi", previous_response_id="resp_0")
    safe = ModelStep.raise_error(
        server_error(), retry_advice=ModelRetryAdvice(suggested=True, replay_safety="safe")
    )
    model = ScriptedModel([safe, "ok"])
    agent = Agent(name="R", model=model, model_settings=retrying())
    result = await Runner.run(agent, "hi", previous_response_id="resp_0")
    assert result.final_output == "ok"


async def test_a_model_attempt_past_its_timeout_raises_model_timeout_error() -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("late")], delay=3600)])
    agent = Agent(name="T", model=model, model_settings=ModelSettings(timeout=0.05))
    with anyio.fail_after(60):
        with pytest.raises(ModelTimeoutError) as caught:
            await Runner.run(agent, "hi")
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.timeout_seconds == 0.05


def test_backoff_grows_to_its_cap() -> None:
    backoff = ModelRetryBackoffSettings(initial_delay=1, multiplier=3, max_delay=5, jitter=False)
    assert [retry_delay(n, backoff) for n in (1, 2, 3)] == [1, 3, 5]
    assert retry_delay(1, None) == pytest.approx(0.25, rel=0.13)


def test_policies_combine() -> None:
    from structagents._retry import ModelRetryNormalizedError

    def context(status: int) -> RetryPolicyContext:
        return RetryPolicyContext(
            error=server_error(),
            attempt=1,
            max_retries=3,
            stream=False,
            normalized=ModelRetryNormalizedError(status_code=status, retry_after=2.0),
        )

    async def decide(policy: Any, status: int) -> RetryDecision:
        from structagents._retry import evaluate_policy

        return await evaluate_policy(policy, context(status))

    both = retry_policies.all(retry_policies.http_status([429]), retry_policies.retry_after())
    either = retry_policies.any(retry_policies.http_status([503]), retry_policies.never())

    async def main() -> list[Any]:
        return [
            (await decide(both, 429)).delay,
            (await decide(both, 500)).retry,
            (await decide(either, 503)).retry,
            (await decide(either, 500)).retry,
        ]

    assert anyio.run(main) == [2.0, False, True, False]
