"""The one Python API every front end (CLI, chat UI, batch, eval) calls."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import cached_property

from .answer import Answer, extractive, refusal, refusal_reason, vocabulary
from .config import Settings, load_settings
from .errors import AssistantError
from .index import Index, SyncReport
from .retrieve import Hit, Retriever, YearFilter


class Assistant:
    """Ask questions of a paper corpus.

    >>> a = Assistant()                      # shipped corpus, ./index, settings from env/config
    >>> answer = a.ask("Which papers train process reward models?")
    >>> answer.text, [c.title for c in answer.citations]
    """

    def __init__(self, settings: Settings | None = None, **overrides):
        self.settings = settings or load_settings(**overrides)
        self.index = Index(self.settings)
        self.retriever = Retriever(self.index)

    def ensure_index(self, progress: bool = True) -> SyncReport | None:
        """Build the index on first use; an existing one is used as it is."""
        if self.index.exists():
            self.index.check_compatible()
            return None
        return self.index.sync(progress=progress)

    @cached_property
    def vocabulary(self) -> set[str]:
        """Every word of the corpus, to tell whether it mentions a name at all."""
        return vocabulary(p.title + " " + p.abstract for p in self.index.papers.values())

    def retrieve(self, question: str, k: int | None = None, years: YearFilter | str | None = None) -> list[Hit]:
        question = _checked(question)
        if not isinstance(years, YearFilter):
            years = YearFilter.parse(years)
        self.ensure_index()
        return self.retriever.search(question, k or self.settings.top_k, years)

    def stream(self, question: str, *, k: int | None = None, years: YearFilter | str | None = None,
               mode: str | None = None, history: list[tuple[str, str]] | None = None) -> Iterator[str | Answer]:
        """Yield pieces of answer text as they are produced, then the final Answer."""
        started = time.perf_counter()
        question = _checked(question)
        standalone = question  # follow-up rewriting needs a model; without one the question stands alone
        hits = self.retrieve(standalone, k, years)
        reason = refusal_reason(standalone, hits, self.vocabulary)
        if reason:
            answer = refusal(question, reason, hits)
        else:
            answer = extractive(question, hits, self.index.embedder.embed)
        yield answer.text
        answer.latency = round(time.perf_counter() - started, 3)
        answer.standalone_question = standalone if standalone != question else None
        yield answer

    def ask(self, question: str, **options) -> Answer:
        for event in self.stream(question, **options):
            if isinstance(event, Answer):
                return event
        raise AssertionError("stream ended without an answer")

    def chat(self, question: str, history: list[tuple[str, str]], **options) -> Answer:
        """A turn of a conversation: `history` holds earlier (question, answer) pairs."""
        return self.ask(question, history=history, **options)


def _checked(question: str) -> str:
    if not question or not question.strip():
        raise AssistantError("the question is empty")
    return question.strip()
