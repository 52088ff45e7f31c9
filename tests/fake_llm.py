"""A scripted OpenAI-compatible server, for deterministic tests of edge cases.

It is a real HTTP server on 127.0.0.1 speaking the wire format of /v1/models and
/v1/chat/completions (plain and server-sent-event streams), so the code under test uses its
ordinary client. Each chat request is answered by the script: a Reply, a list of Replies used in
turn (the last one repeats), or a function of the request body returning a Reply.

    with FakeLLM(Reply("Grokking is delayed generalisation [1].")) as llm:
        ... settings.llm_base_url = llm.base_url ...
        llm.requests  # the JSON bodies received (llm.headers: their HTTP headers)
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Reply:
    text: str = "The answer [1]."
    delay: float = 0.0  # seconds before anything is sent
    status: int = 200  # anything else sends an OpenAI-style error body
    fault: str | None = None  # "malformed": body is not JSON; "empty": no content; "cut": stream closes halfway
    # (cleanly, without a finish_reason); "drop": the connection is lost halfway (a body shorter than announced)
    chunk_delay: float = 0.0  # seconds between streamed pieces
    finish: str = "stop"  # the finish_reason sent at the end; "length": stopped at the token limit


class FakeLLM:
    def __init__(self, script: Reply | list[Reply] | Callable[[dict], Reply] = Reply(), models=("fake-model",)):
        self.script, self.models = script, list(models)
        self.requests: list[dict] = []
        self.headers: list[dict] = []  # the HTTP headers of each chat request, e.g. Authorization
        self._turn = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeLLM:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def next_reply(self, body: dict) -> Reply:
        with self._lock:
            self.requests.append(body)
            if callable(self.script):
                return self.script(body)
            if isinstance(self.script, list):
                reply = self.script[min(self._turn, len(self.script) - 1)]
                self._turn += 1
                return reply
            return self.script

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def send_json(self, status: int, payload, raw: bytes | None = None):
                body = raw if raw is not None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path.rstrip("/").endswith("/models"):
                    return self.send_json(200, {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "fake"} for m in fake.models]})
                self.send_json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self.send_json(404, {"error": {"message": "not found"}})
                fake.headers.append(dict(self.headers))
                reply = fake.next_reply(body)
                time.sleep(reply.delay)
                if reply.status != 200:
                    return self.send_json(reply.status, {"error": {"message": f"scripted failure {reply.status}", "type": "server_error"}})
                if reply.fault == "malformed":
                    return self.send_json(200, None, raw=b"this is not JSON")
                text = "" if reply.fault == "empty" else reply.text
                model = body.get("model") or fake.models[0]
                if body.get("stream"):
                    try:
                        return self.stream(reply, text, model)
                    except (BrokenPipeError, ConnectionResetError):
                        return  # the client gave up (e.g. its timeout): nothing to report
                self.send_json(200, {
                    "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": reply.finish}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

            def stream(self, reply: Reply, text: str, model: str):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                if reply.fault == "drop":
                    self.send_header("Content-Length", "1000000")
                self.end_headers()
                pieces = [text[i : i + 8] for i in range(0, len(text), 8)]
                if reply.fault in ("cut", "drop"):
                    pieces = pieces[: max(1, len(pieces) // 2)]
                for piece in pieces:
                    chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                             "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(reply.chunk_delay)
                if reply.fault in ("cut", "drop"):
                    self.close_connection = True  # the stream ends without a finish_reason or [DONE]
                    return
                done = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                        "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish}]}
                self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()
                self.close_connection = True

        return Handler


def quoting_first_source(body: dict, delay: float = 0.0) -> Reply:
    """A script: the reply is the first sentence of source [1] of the prompt, cited [1], an
    answer the support check accepts whatever was retrieved (for tests of everything else)."""
    user = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user" and "[1] " in m["content"])
    abstract = re.search(r"^\[1\] .*\n(.+)$", user, re.M)[1].removeprefix("... ")
    first = re.split(r"(?<=[.!?])\s+", abstract)[0].rstrip(".")
    return Reply(f"{first} [1].", delay=delay)


def unreachable_url() -> str:
    """An endpoint on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"
