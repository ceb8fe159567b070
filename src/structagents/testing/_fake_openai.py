"""`FakeOpenAIServer`: a real loopback HTTP server speaking the OpenAI Responses and Chat
Completions APIs (JSON and SSE streaming), replying from a script and injecting faults.

It is an anyio TCP listener with h11 parsing HTTP/1.1, so it runs inside the test's own event
loop on asyncio and trio alike, needs no thread and no server dependency beyond h11 (which
httpx already brings), and its lifetime is a structured `async with`: one task per connection
(keep-alive, several at once), all in the server's task group, all cancelled on exit.
"""

from __future__ import annotations

import inspect
import json
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, TypeAlias

import anyio
import h11
from anyio.abc import Listener, SocketAttribute, SocketStream, TaskGroup

from ._echo import echo_last_user_message
from ._fake_openai_chat import call_from_chat_request, chat_completion, chat_completion_sse_events
from ._fake_openai_responses import (
    call_from_responses_request,
    response_object,
    response_sse_events,
)
from ._fake_openai_state import CompactionHold, CompactionStep, ServerState, StateReply
from ._model_steps import DEFAULT_RESPONSE_ID, ModelStepResult, coerce_step
from ._scripted_model import ModelCall, ModelStep

__all__ = ["Fault", "FakeOpenAIServer", "RecordedRequest"]

_ENDPOINTS: dict[str, Literal["responses", "chat"]] = {
    "/v1/responses": "responses",
    "/v1/chat/completions": "chat",
}
_ERROR_TYPES = {
    400: ("invalid_request_error", None),
    401: ("authentication_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("not_found_error", None),
    429: ("rate_limit_error", "rate_limit_exceeded"),
}


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received: `headers` has lower-case keys, `body` is parsed JSON
    (`None` when the body is empty or not JSON)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Fault:
    """A scripted failure; build one with `http_error`, `delay`, `cut_stream`,
    `pause_stream` or `raw_body`. Faults wrap a step (`then`), so they nest:
    `delay(1, then=cut_stream(...))`.
    """

    kind: Literal["http_error", "delay", "cut_stream", "pause_stream", "raw_body"]
    then: ModelStep | Fault | None = None
    status: int = 500
    message: str = ""
    code: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    after_events: int = 0
    body: bytes = b""

    @classmethod
    def http_error(
        cls,
        status: int,
        message: str = "Injected error from FakeOpenAIServer.",
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Reply `status` with an OpenAI-style error body (`{"error": {"message", ...}}`)."""
        return cls("http_error", status=status, message=message, code=code, headers=headers or {})

    @classmethod
    def raw_body(cls, body: bytes) -> Fault:
        """Reply 200 with `body` as it is (a malformed reply): as the `application/json` body
        of a plain request, or as the `text/event-stream` body of a streamed one."""
        return cls("raw_body", body=body)

    @classmethod
    def delay(cls, seconds: float, then: ModelStepResult | Fault) -> Fault:
        """Wait `seconds` (a client may hang up meanwhile), then answer with `then`."""
        return cls("delay", then=_coerce(then, 0), seconds=seconds)

    @classmethod
    def cut_stream(cls, *, after_events: int, then: ModelStepResult | Fault) -> Fault:
        """Stream the first `after_events` SSE events of `then`, then drop the connection
        with no terminating chunk; a non-streaming request gets no response at all."""
        return cls("cut_stream", then=_coerce(then, 0), after_events=after_events)

    @classmethod
    def pause_stream(
        cls, *, after_events: int, then: ModelStepResult | Fault, seconds: float = math.inf
    ) -> Fault:
        """Stream the first `after_events` SSE events of `then`, pause `seconds` (by default
        until the client hangs up), then finish; a non-streaming request waits, then gets
        its answer."""
        return cls(
            "pause_stream", then=_coerce(then, 0), after_events=after_events, seconds=seconds
        )


ServerStep: TypeAlias = "ModelStepResult | Fault"
_ECHO = ModelStep.respond(echo_last_user_message)


def _coerce(step: ServerStep, index: int) -> ModelStep | Fault:
    return step if isinstance(step, Fault) else coerce_step(step, index)


@dataclass(frozen=True)
class _ErrorReply:
    status: int
    message: str
    code: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _RawReply:
    body: bytes


@dataclass(frozen=True)
class _OutputReply:
    step: ModelStep
    cut_after: int | None = None  # send this many events, then hang up; None: all of them
    pause: tuple[int, float] | None = None  # after this many events, sleep this long


class FakeOpenAIServer:
    """A loopback OpenAI server: each `POST /v1/responses` or `/v1/chat/completions` takes
    the next scripted step (any `ScriptedModel` step, or a `Fault`), whatever the endpoint.

        async with FakeOpenAIServer(steps=["Hello!"]) as server:
            client = openai.AsyncOpenAI(base_url=server.base_url, api_key="test")
            ...
            assert server.requests[0].body["input"] == "Hi"

    A step's `error` becomes a 500 reply (streamed: its output, then a cut), and so does a
    responder that raises. When the script has run out the server replies 500 saying so (the
    request is still recorded), or, with `echo=True`, with the text of the request's last user
    message; unknown paths get 404. `port` chooses the loopback port (0, the default, picks a
    free one). The Conversations API (`/v1/conversations`
    and its items) keeps conversations in memory (`conversations`), and `POST
    /v1/responses/compact` answers from `compactions` (see `enqueue_compaction`) or, unscripted,
    with the input's user messages and one `compaction` item. Only real time passes: on trio,
    use the real clock, since an autojumping `MockClock` fires the client's timeouts while it
    waits on the socket.
    """

    def __init__(
        self,
        steps: Iterable[ServerStep] = (),
        *,
        compactions: Iterable[CompactionStep] = (),
        port: int = 0,
        echo: bool = False,
    ) -> None:
        self._steps: deque[ModelStep | Fault] = deque(
            _coerce(step, index) for index, step in enumerate(steps)
        )
        self._listen_port = port
        self._echo = echo
        self._state = ServerState(deque(compactions))
        self._requests: list[RecordedRequest] = []
        self._disconnects = 0
        self._replies = 0
        self._port: int | None = None
        self._listener: Listener[SocketStream] | None = None
        self._task_group: TaskGroup | None = None

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>/v1`, the `base_url` to give an OpenAI client."""
        if self._port is None:
            raise RuntimeError("FakeOpenAIServer has no address until it is entered (async with).")
        return f"http://127.0.0.1:{self._port}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order."""
        return list(self._requests)

    @property
    def disconnects(self) -> int:
        """How many times a client hung up while a reply was being produced or sent."""
        return self._disconnects

    @property
    def remaining_steps(self) -> int:
        """How many scripted steps have not been used yet."""
        return len(self._steps)

    @property
    def conversations(self) -> dict[str, list[dict[str, Any]]]:
        """The Conversations API's conversations so far: id -> items, oldest first."""
        return self._state.conversations

    def enqueue_compaction(self, step: CompactionStep) -> None:
        """Append one `POST /v1/responses/compact` reply (output items, or a function of the
        request body returning them) to the compaction script."""
        self._state.compactions.append(step)

    def hold_compactions(self) -> CompactionHold:
        """Make compact requests wait (to test a compaction cancelled mid-request): the
        hold's `arrived` event is set when one comes in, and `release.set()` lets them go."""
        self._state.compaction_hold = CompactionHold()
        return self._state.compaction_hold

    def enqueue(self, step: ServerStep) -> None:
        """Append one step to the script."""
        self._steps.append(_coerce(step, 0))

    def extend(self, steps: Iterable[ServerStep]) -> None:
        """Append several steps to the script."""
        self._steps.extend([_coerce(step, index) for index, step in enumerate(steps)])

    async def __aenter__(self) -> FakeOpenAIServer:
        if self._task_group is not None:
            raise RuntimeError("FakeOpenAIServer is already running.")
        listener = await anyio.create_tcp_listener(
            local_host="127.0.0.1", local_port=self._listen_port
        )
        task_group = anyio.create_task_group()
        try:
            await task_group.__aenter__()
        except BaseException:
            await anyio.aclose_forcefully(listener)
            raise
        self._listener, self._task_group = listener, task_group
        self._port = listener.extra(SocketAttribute.local_port)
        task_group.start_soon(listener.serve, self._serve_connection, task_group)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        task_group, listener = self._task_group, self._listener
        assert task_group is not None
        assert listener is not None
        self._task_group = self._listener = None
        task_group.cancel_scope.cancel()
        try:
            # The body's own exception propagates as is, not wrapped in a group.
            await task_group.__aexit__(None, None, None)
        finally:
            await anyio.aclose_forcefully(listener)

    async def _serve_connection(self, stream: SocketStream) -> None:
        connection = _HTTPConnection(stream)
        try:
            while True:
                request = await connection.read_request()
                if request is None:
                    return
                self._requests.append(request)
                if not await self._answer(connection, request):
                    return
                if not connection.start_next_cycle():
                    return
        except (h11.ProtocolError, anyio.BrokenResourceError, anyio.ClosedResourceError):
            return
        finally:
            await anyio.aclose_forcefully(stream)

    async def _answer(self, connection: _HTTPConnection, request: RecordedRequest) -> bool:
        """Reply to `request`; False when the connection must be closed afterwards."""
        state_reply = self._state.answer(request.method, request.path, request.body)
        if state_reply is not None:
            is_open = await connection.while_watching(
                lambda: self._send_state_reply(connection, state_reply)
            )
            if is_open is None:
                self._disconnects += 1
                return False
            return True
        endpoint = _ENDPOINTS.get(request.path.partition("?")[0])
        if endpoint is None or request.method != "POST":
            message = f"FakeOpenAIServer: no endpoint {request.method} {request.path}."
            await connection.send_json(404, _error_body(404, message))
            return True
        if not isinstance(request.body, dict):
            message = "FakeOpenAIServer: the request body must be a JSON object."
            await connection.send_json(400, _error_body(400, message))
            return True
        if not self._steps and not self._echo:
            message = (
                f"FakeOpenAIServer: the script ran out; request #{len(self._requests)} "
                f"({request.method} {request.path}) has no step left to answer it."
            )
            await connection.send_json(500, _error_body(500, message))
            return True
        step = self._steps.popleft() if self._steps else _ECHO
        self._replies += 1
        number = self._replies
        body: dict[str, Any] = request.body
        is_open = await connection.while_watching(
            lambda: self._reply(connection, endpoint, body, step, number)
        )
        if is_open is None:
            self._disconnects += 1
            return False
        return is_open

    async def _send_state_reply(self, connection: _HTTPConnection, reply: StateReply) -> bool:
        if reply.hold is not None:
            await reply.hold.wait()
        if reply.body is None:
            await connection.send_json(reply.status, _error_body(reply.status, reply.error))
        else:
            await connection.send_json(reply.status, reply.body)
        return True

    async def _reply(
        self,
        connection: _HTTPConnection,
        endpoint: Literal["responses", "chat"],
        body: dict[str, Any],
        step: ModelStep | Fault,
        number: int,
    ) -> bool:
        make_call = (
            call_from_responses_request if endpoint == "responses" else call_from_chat_request
        )
        try:
            reply = await _resolve(step, lambda: make_call(body))
        except Exception as exc:
            reply = _ErrorReply(500, f"FakeOpenAIServer: the step failed: {exc!r}")
        if isinstance(reply, _ErrorReply):
            headers = {"x-request-id": f"req_fake_{number}", **reply.headers}
            error = _error_body(reply.status, reply.message, reply.code)
            await connection.send_json(reply.status, error, headers)
            return True
        is_streamed = bool(body.get("stream"))
        if isinstance(reply, _RawReply):
            kind = "text/event-stream; charset=utf-8" if is_streamed else "application/json"
            headers = {"x-request-id": f"req_fake_{number}", "content-type": kind}
            await connection.send_bytes(200, reply.body, headers)
            return True
        if reply.cut_after is not None and not is_streamed:
            return False
        if reply.pause is not None and not is_streamed:
            await anyio.sleep(reply.pause[1])
        headers = {"x-request-id": reply.step.request_id or f"req_fake_{number}"}
        payload = _payload(endpoint, body, reply.step, number)
        if not is_streamed:
            await connection.send_json(200, payload, headers)
            return True
        frames = _sse_frames(endpoint, body, payload)
        cut_after = reply.cut_after
        if reply.step.error is not None:  # streamed output, then a broken stream
            cut_after = len(frames) - 1 if cut_after is None else min(cut_after, len(frames) - 1)
        return await connection.send_sse(frames, headers, cut_after=cut_after, pause=reply.pause)


def _payload(
    endpoint: Literal["responses", "chat"], body: dict[str, Any], step: ModelStep, number: int
) -> dict[str, Any]:
    """The reply object: a Responses-API `response` or a `chat.completion`. Replies get
    numbered ids unless their step names one (a server's ids are unique)."""
    own_id = step.response_id if step.response_id != DEFAULT_RESPONSE_ID else None
    if endpoint == "responses":
        return response_object(
            step.output,
            step.usage,
            response_id=own_id or f"resp_fake_{number}",
            request=body,
            created_at=int(time.time()),
        )
    return chat_completion(
        step.output,
        step.usage,
        completion_id=own_id or f"chatcmpl-fake-{number}",
        request=body,
        created=int(time.time()),
    )


def _sse_frames(
    endpoint: Literal["responses", "chat"], body: dict[str, Any], payload: dict[str, Any]
) -> list[bytes]:
    if endpoint == "responses":
        return response_sse_events(payload)
    options = body.get("stream_options")
    include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
    return chat_completion_sse_events(payload, include_usage=include_usage)


async def _resolve(
    step: ModelStep | Fault, make_call: Callable[[], ModelCall]
) -> _ErrorReply | _RawReply | _OutputReply:
    """Follow faults, responders and waits down to the reply `step` stands for."""
    cut_after: int | None = None
    pause: tuple[int, float] | None = None
    while True:
        if isinstance(step, Fault):
            if step.kind == "http_error":
                return _ErrorReply(step.status, step.message, step.code, step.headers)
            if step.kind == "raw_body":
                return _RawReply(step.body)
            if step.kind == "delay":
                await anyio.sleep(step.seconds)
            elif step.kind == "cut_stream":
                cut_after = step.after_events if cut_after is None else cut_after
            else:
                pause = (step.after_events, step.seconds) if pause is None else pause
            assert step.then is not None
            step = step.then
            continue
        if step.responder is not None:
            result: Any = step.responder(make_call())
            if inspect.isawaitable(result):
                result = await result
            step = _coerce(result, 0)
            continue
        if step.wait_for is not None:
            await step.wait_for.wait()
        if step.delay is not None:
            await anyio.sleep(step.delay)
        if step.error is not None and not (step.output and make_call().streamed):
            return _ErrorReply(500, str(step.error) or type(step.error).__name__)
        return _OutputReply(step, cut_after, pause)


def _error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    default_type = "server_error" if status >= 500 else "invalid_request_error"
    error_type, default_code = _ERROR_TYPES.get(status, (default_type, None))
    return {
        "error": {
            "message": message,
            "type": error_type,
            "param": None,
            "code": code if code is not None else default_code,
        }
    }


class _HTTPConnection:
    """One HTTP/1.1 connection: h11 state plus the socket stream it speaks over."""

    def __init__(self, stream: SocketStream) -> None:
        self._stream = stream
        self._h11 = h11.Connection(h11.SERVER)

    async def read_request(self) -> RecordedRequest | None:
        """The next complete request, or None when the client closed the connection."""
        start: h11.Request | None = None
        body = bytearray()
        while True:
            event = self._h11.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = await self._stream.receive()
                except (anyio.EndOfStream, anyio.BrokenResourceError):
                    data = b""
                self._h11.receive_data(data)
            elif isinstance(event, h11.Request):
                start = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage) and start is not None:
                return _record(start, bytes(body))
            else:
                return None

    def start_next_cycle(self) -> bool:
        """Get ready for the next request on this connection; False if it must close."""
        if self._h11.our_state is h11.DONE and self._h11.their_state is h11.DONE:
            self._h11.start_next_cycle()
            return True
        return False

    async def while_watching(self, reply: Callable[[], Awaitable[bool]]) -> bool | None:
        """Run `reply` while watching the socket: None if the client hung up before it
        finished (the reply is cancelled), else what `reply` returned."""
        result: bool | None = None
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(self._watch_for_hangup, task_group.cancel_scope)
            try:
                result = await reply()
            except anyio.BrokenResourceError:
                result = None
            task_group.cancel_scope.cancel()
        return result

    async def _watch_for_hangup(self, scope: anyio.CancelScope) -> None:
        while True:
            try:
                data = await self._stream.receive()
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                scope.cancel()
                return
            self._h11.receive_data(data)  # a pipelined request: kept for the next cycle

    async def send_json(
        self, status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        """Send a whole JSON response in one write."""
        payload = json.dumps(body, separators=(",", ":")).encode()
        await self.send_bytes(
            status, payload, {"content-type": "application/json", **(headers or {})}
        )

    async def send_bytes(self, status: int, payload: bytes, headers: Mapping[str, str]) -> None:
        """Send a whole response with `payload` as its body, in one write."""
        head = {"content-length": str(len(payload)), **headers}
        data = self._send(h11.Response(status_code=status, headers=list(head.items())))
        data += self._send(h11.Data(data=payload)) + self._send(h11.EndOfMessage())
        await self._stream.send(data)

    async def send_sse(
        self,
        frames: Sequence[bytes],
        headers: Mapping[str, str],
        *,
        cut_after: int | None,
        pause: tuple[int, float] | None,
    ) -> bool:
        """Stream `frames` as `text/event-stream`, sleeping at `pause` = (index, seconds);
        with `cut_after`, send only that many and return False (the caller then drops the
        connection without the terminating chunk)."""
        head = {"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache"}
        await self._stream.send(
            self._send(h11.Response(status_code=200, headers=[*head.items(), *headers.items()]))
        )
        for index, frame in enumerate(frames):
            if pause is not None and index == pause[0]:
                await anyio.sleep(pause[1])
            if cut_after is not None and index >= cut_after:
                return False
            await self._stream.send(self._send(h11.Data(data=frame)))
        if cut_after is not None:
            return False
        if pause is not None and pause[0] >= len(frames):
            await anyio.sleep(pause[1])
        await self._stream.send(self._send(h11.EndOfMessage()))
        return True

    def _send(self, event: h11.Event) -> bytes:
        return self._h11.send(event) or b""


def _record(request: h11.Request, body: bytes) -> RecordedRequest:
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return RecordedRequest(
        method=request.method.decode("ascii"),
        path=request.target.decode("ascii"),
        headers={
            name.decode("latin-1"): value.decode("latin-1") for name, value in request.headers
        },
        body=parsed,
    )
