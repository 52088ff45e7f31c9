"""An OpenAI-compatible API over the assistant, so any OpenAI client or chat front end (the
openai SDK, Open WebUI, LibreChat) can ask the corpus.

    assistant api                       # http://127.0.0.1:8800/v1, model "papers"

The "model" is the corpus: /v1/models lists one, named after the index's collection. A reply's
text carries the [n] markers; the response (for a stream, its last chunk before [DONE]) carries
the cited papers in `citations`, the retrieved but uncited ones in `uncited`, and `refused`
and `note`. Earlier user and assistant messages are the chat history, as in the UI; system
messages and sampling options (temperature, max_tokens, ...) are accepted and not used. Extra
body fields `k` (papers to retrieve) and `years` ("2023", "2022-2024") narrow the search.
"""

from __future__ import annotations

import hmac
import itertools
import json
import time
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from .errors import AssistantError
from .types import Answer


class Message(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            if any(part.get("type") != "text" for part in self.content):
                raise AssistantError("only text message content is supported")
            return "".join(str(part.get("text", "")) for part in self.content)
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # sampling options and the like: accepted, not used
    model: str
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    k: int | None = Field(None, ge=1, le=50)
    years: str | None = None


def conversation(messages: list[Message]) -> tuple[str, list[tuple[str, str]]]:
    """The question (the last user message) and the earlier (question, answer) pairs."""
    turns = [(m.role, m.text()) for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user":
        raise AssistantError("the last message must be the user's question")
    history, asked = [], None
    for role, text in turns[:-1]:
        if role == "user":
            asked = text
        elif asked is not None:
            history.append((asked, text))
            asked = None
    return turns[-1][1], history


def error(status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "param": None, "code": None}}, status_code=status)


def answer_fields(answer: Answer) -> dict:
    data = answer.to_dict()
    return {key: data[key] for key in ("citations", "uncited", "refused", "note")}


def build_app(assistant, api_key: str | None = None) -> Starlette:
    model_id = assistant.settings.collection

    def refused(request: Request) -> JSONResponse | None:
        """The error response for a request without the key, when one is set."""
        if not api_key:
            return None
        given = request.headers.get("authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {api_key}".encode()):
            return None
        return error(401, "missing or wrong API key (send it as 'Authorization: Bearer KEY')", "authentication_error")

    async def models(request: Request):
        return refused(request) or JSONResponse({"object": "list", "data": [
            {"id": model_id, "object": "model", "created": 0, "owned_by": "paper-assistant"}]})

    async def chat_completions(request: Request):
        if denied := refused(request):
            return denied
        try:
            body = ChatRequest.model_validate(json.loads(await request.body()))
        except ValueError as exc:  # not JSON, or JSON of the wrong shape
            if isinstance(exc, ValidationError):
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"]) or "body"
                return error(400, f"{where}: {first['msg']}")
            return error(400, "the request body is not valid JSON")
        if body.model != model_id:
            return error(404, f"the model {body.model!r} does not exist; this server's model is {model_id!r}", "not_found_error")
        try:
            question, history = conversation(body.messages)
            events = assistant.stream(question, history=history, k=body.k, years=body.years)
            # The first event runs the checks (empty question, bad bytes, year filter): an error
            # there is a 400, not a broken stream.
            first = await run_in_threadpool(next, events)
        except AssistantError as exc:
            return error(400, str(exc))
        ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        events = itertools.chain([first], events)
        if body.stream:
            return StreamingResponse(stream_events(events, ident, created, model_id), media_type="text/event-stream")
        try:
            answer = await run_in_threadpool(lambda: next(e for e in events if isinstance(e, Answer)))
        except AssistantError as exc:  # e.g. --mode model and the model is down
            return error(500, str(exc), "server_error")
        return JSONResponse({
            "id": ident, "object": "chat.completion", "created": created, "model": model_id,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text}, "finish_reason": "stop"}],
            **answer_fields(answer),
        })

    async def not_found(request: Request, exc):
        return error(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}", "not_found_error")

    return Starlette(routes=[Route("/v1/models", models), Route("/v1/chat/completions", chat_completions, methods=["POST"])],
                     exception_handlers={404: not_found, 405: not_found})


def stream_events(events, ident: str, created: int, model_id: str):
    """Server-sent events in the OpenAI chunk format (a sync generator: Starlette runs it in a thread)."""

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        data = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model_id,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(data)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    streamed = ""
    try:
        for event in events:
            if isinstance(event, Answer):
                if rest := event.after(streamed):
                    yield chunk({"content": rest})
                yield chunk({}, "stop", **answer_fields(event))
            else:
                streamed += event
                yield chunk({"content": event})
    except AssistantError as exc:  # after the headers went out: an error event the openai client raises
        yield f"data: {json.dumps({'error': {'message': str(exc), 'type': 'server_error'}})}\n\n"
    yield "data: [DONE]\n\n"


def serve(assistant, host: str, port: int, api_key: str | None = None) -> None:
    import uvicorn

    assistant.warm_up()
    print(f"OpenAI-compatible API on http://{host}:{port}/v1 (model {assistant.settings.collection!r})"
          + (", API key required" if api_key else ""), flush=True)
    uvicorn.run(build_app(assistant, api_key), host=host, port=port, log_level="warning")
