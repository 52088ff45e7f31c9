"""Answers written by any OpenAI-compatible model, through llama-index.

`Endpoint` talks to the model (llama-index's OpenAILike) under one deadline: bounded retries
with backoff for failures that may pass (5xx, 429, lost connections), none for those that
will not (4xx, timeouts, malformed replies), and every failure turned into ModelUnavailable
with a plain message. `PaperRetriever` and `CitedAnswerEngine` put the foundation's hybrid
retriever and the model together as a llama-index query engine; the prompts are the text
files in prompts/, read once per process.

Imported only when a model is used: llama-index takes about 2 s to import.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import llama_index.core

# tiktoken would download its encoding; llama-index ships it (see ENVIRONMENT.md).
os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"))

import httpx  # noqa: E402
import numpy as np  # noqa: E402
import openai  # noqa: E402
from llama_index.core.base.response.schema import StreamingResponse  # noqa: E402
from llama_index.core.llms import ChatMessage  # noqa: E402
from llama_index.core.query_engine import CustomQueryEngine  # noqa: E402
from llama_index.core.retrievers import BaseRetriever  # noqa: E402
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode  # noqa: E402
from llama_index.llms.openai_like import OpenAILike  # noqa: E402

from .config import Settings  # noqa: E402
from .errors import AssistantError  # noqa: E402
from .paths import shipped  # noqa: E402
from .questions import facets  # noqa: E402
from .retrieve import Hit  # noqa: E402
from .text import content_words, split_sentences  # noqa: E402

PROMPTS = shipped("prompts")  # the checkout's prompts/, or the copy inside the installed package
BACKOFF = 0.5  # seconds before the first retry; doubled for each further one
MIN_SOURCE_TOKENS = 60  # a source cut shorter than this tells the model nothing


class ModelUnavailable(AssistantError):
    """The model could not be used; the message says why in words a user can act on."""

    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


def prompt(name: str, **values) -> str:
    return _template(name).format(**values)


@functools.cache  # read once per process, not once per source of every answer
def _template(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8")


def new_http() -> httpx.Client:
    """The connection pool of one Endpoint (one answer). Not shared across answers: a reply
    stream left unclosed (a cut-off reply, an error mid-stream) is finalised by the garbage
    collector at any moment, and when that moment falls inside another request on the same
    pool, httpcore waits for its own pool lock forever (seen as a hung test). A pool per answer
    costs about 0.1 s of CPU."""
    return httpx.Client(limits=httpx.Limits(max_connections=8, max_keepalive_connections=4))


class Endpoint:
    """One OpenAI-compatible endpoint, used under a single deadline of `settings.llm_timeout`
    seconds that starts with the first call."""

    def __init__(self, settings: Settings):
        if not settings.llm_base_url:
            raise AssistantError("no model endpoint: set --llm-base-url, ASSISTANT_LLM_BASE_URL or llm_base_url in assistant.toml")
        self.settings = settings
        self.url = settings.llm_base_url.rstrip("/")
        self.deadline: float | None = None
        self._model = settings.llm_model
        self.finish_reason: str | None = None  # of the last reply: "stop", or "length" at the token limit
        self.http = new_http()

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, *exc) -> None:
        self.http.close()

    # ---- the deadline and the failures -----------------------------------------------
    def remaining(self) -> float:
        if self.deadline is None:
            self.deadline = time.monotonic() + self.settings.llm_timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ModelUnavailable(f"no complete reply from {self.url} within the {self.settings.llm_timeout:g} s timeout")
        return left

    def problem(self, exc: Exception, midway: bool = False) -> ModelUnavailable:
        """What went wrong, and whether another attempt may succeed. `midway`: part of the
        reply had arrived."""
        if isinstance(exc, ModelUnavailable):
            return exc
        if isinstance(exc, (openai.APITimeoutError, httpx.TimeoutException)):
            return ModelUnavailable(f"no reply from {self.url} within the {self.settings.llm_timeout:g} s timeout")
        if isinstance(exc, openai.APIStatusError):
            body = exc.body if isinstance(exc.body, dict) else {}
            detail = str(body.get("message") or exc.message).split("\n")[0][:200]
            retry = exc.status_code >= 500 or exc.status_code == 429
            return ModelUnavailable(f"{self.url} answered HTTP {exc.status_code}: {detail}", retryable=retry)
        if isinstance(exc, (openai.APIConnectionError, httpx.TransportError)):
            cause = str(exc.__cause__ or exc)
            if midway:
                return ModelUnavailable(f"the reply from {self.url} was cut off: {cause.splitlines()[0][:200] if cause else 'connection lost'}")
            if "Name or service not known" in cause or "nodename nor servname" in cause or "getaddrinfo" in cause:
                return ModelUnavailable(f"cannot connect to {self.url}: host not found")
            reason = "connection refused" if "refused" in cause.lower() else cause.split("\n")[0][:200] or "connection failed"
            return ModelUnavailable(f"cannot connect to {self.url}: {reason}", retryable=True)
        if isinstance(exc, (openai.APIResponseValidationError, ValueError, KeyError, TypeError, AttributeError)):
            return ModelUnavailable(f"{self.url} sent a malformed reply")
        raise exc  # anything else is a bug, not the endpoint's fault

    def _attempts(self, attempt: Callable[[float], Iterator[str]]) -> Iterator[str]:
        """Run `attempt(timeout)`, retrying with backoff while nothing was yielded yet (text
        already shown cannot be taken back) and the deadline allows."""
        for n in range(self.settings.llm_retries + 1):
            yielded = False
            try:
                for piece in attempt(self.remaining()):
                    yielded = True
                    yield piece
                return
            except Exception as exc:  # noqa: BLE001 - problem() re-raises what is not the endpoint's fault
                problem = self.problem(exc, midway=yielded)
                pause = BACKOFF * 2**n
                if yielded or not problem.retryable or n == self.settings.llm_retries or pause >= self.deadline - time.monotonic():
                    raise problem from None
                time.sleep(pause)

    # ---- calls ------------------------------------------------------------------------
    def _client(self, timeout: float) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.url, api_key=self.settings.llm_api_key or "none", timeout=timeout, max_retries=0, http_client=self.http)

    def models(self) -> list[str]:
        def attempt(timeout: float) -> Iterator[str]:
            yield from (m.id for m in self._client(timeout).models.list().data)

        return list(self._attempts(attempt))

    @property
    def model(self) -> str:
        """The configured model, else the first one the endpoint lists."""
        if not self._model:
            try:
                names = self.models()
            except ModelUnavailable as exc:
                raise ModelUnavailable(f"{exc} (listing the models; name one with --llm-model)") from None
            if not names:
                raise ModelUnavailable(f"{self.url}/models lists no model; set --llm-model")
            self._model = names[0]
        return self._model

    def llm(self, timeout: float, max_tokens: int | None = None) -> OpenAILike:
        s = self.settings
        return OpenAILike(
            model=self.model, api_base=self.url, api_key=s.llm_api_key or "none", is_chat_model=True,
            timeout=timeout, max_retries=0, max_tokens=max_tokens or s.llm_max_tokens, temperature=s.llm_temperature,
            http_client=self.http,
        )

    def stream(self, messages: str | list[ChatMessage], max_tokens: int | None = None, require_text: bool = True) -> Iterator[str]:
        """The model's reply to a conversation (or to one user message, given as text), piece by
        piece. An empty reply is a failure unless `require_text` is false. Afterwards
        `finish_reason` says why the model stopped ("stop", or "length" at the token limit)."""
        if isinstance(messages, str):
            messages = [ChatMessage(role="user", content=messages)]
        model = self.model

        def attempt(timeout: float) -> Iterator[str]:
            finish, got_text, started = None, False, False
            self.finish_reason = None
            chunks = self.llm(timeout, max_tokens).stream_chat(messages)
            try:
                for chunk in chunks:
                    started = True
                    choices = getattr(chunk.raw, "choices", None) or []
                    finish = (choices[0].finish_reason if choices else None) or finish
                    if chunk.delta:
                        got_text = True
                        yield chunk.delta
                    self.remaining()  # a server trickling tokens must not outlast the deadline
            finally:
                if started and finish is None:  # left before its end: a loop cut short, the deadline, a fault
                    _close_now(chunks)
            if finish is None:
                what = "was cut off before it finished" if got_text else "was empty or malformed"
                raise ModelUnavailable(f"the reply of {model} at {self.url} {what}")
            if require_text and not got_text:
                raise ModelUnavailable(f"{model} at {self.url} sent an empty reply")
            self.finish_reason = finish

        return self._attempts(attempt)

    def complete(self, text: str) -> str:
        return "".join(self.stream(text))


def _close_now(chunks: Iterator) -> None:
    """Close a reply stream left before its end now. openai's Stream keeps itself alive in a
    reference cycle, so only the garbage collector would close its HTTP response: at any later
    allocation, possibly inside httpcore's pool lock while the next request holds it, and that
    request then waits for itself forever (encode/httpcore#990; seen here as an evaluation that
    hung for good on the question after a reply cut short in a loop)."""
    chunks.close()
    gc.collect()


# ---- the query engine ----------------------------------------------------------------
def source_date(hit: Hit) -> str:
    p = hit.paper
    if p.date and p.year and str(p.year) not in p.date:
        return f"{p.date} {p.year}"
    return p.date or (str(p.year) if p.year else "undated")


class PaperRetriever(BaseRetriever):
    """The foundation's hybrid retriever as a llama-index retriever: one node per paper,
    its abstract as text. The Hits are kept, for refusal and the extractive fallback."""

    def __init__(self, search: Callable[[str], list[Hit]]):
        super().__init__()
        self._search = search
        self.hits: dict[str, Hit] = {}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self._search(query_bundle.query_str)
        self.hits.update((h.paper.id, h) for h in hits)
        return [
            NodeWithScore(node=TextNode(id_=h.paper.id, text=h.paper.abstract, metadata={"title": h.paper.title, "date": source_date(h)}), score=h.score)
            for h in hits
        ]


class CitedAnswerEngine(CustomQueryEngine):
    """Retrieve papers, number them, pack them into the token budget and stream the model's answer."""

    retriever: PaperRetriever
    endpoint: Endpoint
    context_tokens: int

    embed: Any = None  # texts -> unit vectors, to pick the sentences of a long abstract; None: by shared words
    kind: str = "fact"  # the question's kind (questions.plan): the answer's shape the prompt asks for
    max_tokens: int | None = None  # None: the llm_max_tokens setting

    def sources(self, nodes: list[NodeWithScore], question: str = "") -> list[str]:
        """Numbered source blocks in rank order. The token budget is shared evenly: an abstract
        longer than its share keeps the sentences most related to the question, in their own
        order ("..." marks a gap). A prompt half the size halves the wait on a CPU model, and
        the support check still reads the whole abstract."""
        import tiktoken

        encoding = tiktoken.get_encoding("cl100k_base")
        nodes = nodes[: max(1, self.context_tokens // MIN_SOURCE_TOKENS)]
        share = self.context_tokens // max(len(nodes), 1)
        blocks = []
        for number, n in enumerate(nodes, 1):
            head = prompt("source", number=number, title=n.node.metadata["title"], abstract="")
            left = share - len(encoding.encode(head))
            blocks.append(head.strip() + "\n" + self._excerpt(n.node.get_content(), question, left, encoding))
        return blocks

    def _excerpt(self, abstract: str, question: str, budget: int, encoding) -> str:
        if len(encoding.encode(abstract)) <= budget:
            return abstract
        sentences = split_sentences(abstract)
        if self.embed is not None and question:
            vectors = self.embed([question, *sentences])
            relevance = list(vectors[1:] @ vectors[0])
        else:
            asked = content_words(question)
            relevance = [len(asked & content_words(s)) for s in sentences]
        kept, used = set(), 0
        for i in sorted(range(len(sentences)), key=lambda i: -relevance[i]):
            cost = len(encoding.encode(sentences[i])) + 1
            if used + cost <= budget:
                kept.add(i)
                used += cost
        if not kept:  # one sentence longer than the whole share: its beginning
            return encoding.decode(encoding.encode(sentences[int(np.argmax(relevance))])[:budget]) + " ..."
        text = ""
        for i in sorted(kept):
            text += ("" if not text and i == 0 else " ... " if i - 1 not in kept else " ") + sentences[i]
        return (text + (" ..." if max(kept) < len(sentences) - 1 else "")).strip()

    def stream_answer(self, question: str, sources: list[str], retry: tuple[str, str] | None = None) -> Iterator[str]:
        """The model's answer, streamed. `retry`: (its previous reply, the follow-up message):
        the conversation goes on with that reply and a request to answer properly."""
        return self.endpoint.stream(answer_messages(question, sources, retry, self.kind), max_tokens=self.max_tokens, require_text=False)

    def custom_query(self, query_str: str) -> StreamingResponse:
        nodes = self.retriever.retrieve(query_str)
        sources = self.sources(nodes, query_str)
        return StreamingResponse(self.stream_answer(query_str, sources), source_nodes=nodes[: len(sources)])


def example_answers() -> list[str]:
    """The example answers the system prompt shows: the text after each "Answer:", to the next
    blank line (a list example runs over several lines)."""
    found = re.findall(r"^Answer:(.*?)(?=\n\s*\n|\Z)", _template("answer_system"), re.M | re.S)
    return [" ".join(a.split()) for a in found if a.strip()]


SHAPES = {"list": "ask_list", "compare": "ask_compare"}  # question kind -> the closing instruction; others: ask_fact


def answer_messages(question: str, sources: list[str], retry: tuple[str, str] | None = None, kind: str = "fact") -> list[ChatMessage]:
    """The rules in the system message; the numbered sources, the question and the closing
    instruction in the user message (prompts/answer_system.txt, prompts/answer.txt). The
    instruction, last, where small models heed it most, asks for the answer's shape by the
    question's kind: a line per paper for a list, each side in turn for a comparison, each ask
    in turn, numbered, for a question that asks several things (questions.facets)."""
    asks = [f"{ask[0].upper()}{ask[1:].rstrip('?')}?" for ask in facets(question)]
    if kind == "compare":  # each source is one side, answered in turn by its number, the asks put to each
        order = ", then for ".join(f"[{i}]" for i in range(1, len(sources) + 1))
        instruction = prompt("ask_compare", order=order, asks=" ".join(asks)).strip()
    elif len(asks) > 1 and kind not in SHAPES:  # small models answer the first ask and drop the rest unless each is spelled out
        listed = "\n".join(f"{i}. {ask}" for i, ask in enumerate(asks, 1))
        instruction = prompt("ask_parts", count=len(asks), parts=listed).strip()
    else:
        instruction = prompt(SHAPES.get(kind, "ask_fact")).strip()
    messages = [
        ChatMessage(role="system", content=prompt("answer_system").strip()),
        ChatMessage(role="user", content=prompt("answer", sources="\n\n".join(sources), question=question, instruction=instruction).strip()),
    ]
    if retry:
        reply, follow_up = retry
        messages += [ChatMessage(role="assistant", content=reply), ChatMessage(role="user", content=follow_up)]
    return messages


def rewrite_question(endpoint: Endpoint, question: str, history: list[tuple[str, str]]) -> str:
    """The follow-up as a standalone question, written by the model from the conversation."""
    conversation = "\n".join(f"User: {q}\nAssistant: {a}" for q, a in history)
    reply = endpoint.complete(prompt("rewrite", history=conversation, question=question))
    lines = [line.strip().strip("\"'") for line in reply.strip().splitlines() if line.strip()]
    return lines[0][:500] if lines else question
