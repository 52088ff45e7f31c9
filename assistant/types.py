"""What an answer is: its text, the sources it cites and those it does not.

Every front end (CLI, UI, batch, eval) and every way of answering (extractive, model) speaks
in these types.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .retrieve import Hit


@dataclass
class Source:
    number: int
    paper_id: str
    title: str
    date: str | None
    year: int | None
    authors: int | None
    upvotes: int | None
    score: float
    sentences: list[str] = field(default_factory=list)  # the sentences the answer rests on
    relevance: float | None = None  # the evidence gate's score of the paper (gate.py), when it scored it

    @classmethod
    def from_hit(cls, number: int, hit: Hit) -> Source:
        p = hit.paper
        return cls(number, p.id, p.title, p.date, p.year, p.authors, p.upvotes, round(hit.score, 4),
                   relevance=hit.extra.get("gate", {}).get("score"))


@dataclass
class Sentence:
    """One sentence of a model's answer and whether the sources back it (support.py)."""

    text: str  # without citation markers
    citations: list[int]  # the numbers of the cited sources in this answer
    supported: bool  # an unsupported sentence is not in Answer.text
    evidence: str | None = None  # the source sentence that supports it


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Source]  # cited papers; their numbers are the [n] in the text
    uncited: list[Source]  # retrieved but not cited
    mode: str  # "extractive" or "model"
    refused: bool = False
    model: str | None = None
    note: str | None = None  # e.g. why the model was not used
    latency: float = 0.0
    standalone_question: str | None = None  # a chat follow-up rewritten for retrieval
    sentences: list[Sentence] = field(default_factory=list)  # model answers: each sentence judged against its sources
    reply_problem: str | None = None  # why the model's reply was not an answer (degenerate), when it was not

    def to_dict(self) -> dict:
        return asdict(self)

    def after(self, streamed: str) -> str:
        """What a front end that has shown the `streamed` draft adds, so that the reader ends
        with the checked answer: its rest, or all of it under "Checked answer:" when it differs
        (citations attached, or the model failed midway and this is the extractive answer)."""
        if self.text.startswith(streamed):
            return self.text[len(streamed):]
        return ("\n\nChecked answer:\n" if streamed.strip() else "") + self.text
