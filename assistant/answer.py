"""Answers and their sources, the no-answer rule, and extractive answering (no LLM).

An extractive answer is made of the abstract sentences that best match the question, each
followed by the [n] of its paper. Sentences are scored by embedding similarity to the
question plus the share of the question's content words they contain.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from .index import split_sentences
from .retrieve import Hit

MIN_DENSE = 0.30  # below this best-chunk cosine the corpus has nothing on the question (see README)
MAX_SENTENCES = 4
ANSWER_PAPERS = 3
STOPWORDS = set(
    "a an and are as at be by can do does for from has have how in into is it its of on or "
    "that the their them these they this to was were what when where which who why will with "
    "paper papers study approach method model models use used using show shows".split()
)


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

    @classmethod
    def from_hit(cls, number: int, hit: Hit) -> Source:
        p = hit.paper
        return cls(number, p.id, p.title, p.date, p.year, p.authors, p.upvotes, round(hit.score, 4))


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

    def to_dict(self) -> dict:
        return asdict(self)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[-.][a-z0-9]+)*", text.lower())


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOPWORDS and len(w) > 2}


def named_terms(question: str) -> list[str]:
    """Specific names in a question: acronyms, CamelCase, capitalised words past the first,
    words with digits ("BEIR", "CIFAR-100", "Chinchilla", "GPT-4")."""
    terms = []
    for i, token in enumerate(re.findall(r"[A-Za-z0-9][\w\-.]*[A-Za-z0-9]|[A-Z]", question)):
        specific = any(c.isdigit() for c in token) and any(c.isalpha() for c in token)
        specific |= sum(c.isupper() for c in token) >= 2 or (i > 0 and token[0].isupper())
        if specific:
            terms.append(token)
    return terms


def squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def vocabulary(texts) -> set[str]:
    """Every word of the texts, squashed, whole and split at hyphens and slashes."""
    vocab: set[str] = set()
    for text in texts:
        for token in text.split():
            vocab.add(squash(token))
            vocab.update(squash(part) for part in re.split(r"[-/]", token))
    return vocab


def uncovered_terms(question: str, vocab: set[str]) -> list[str]:
    """Named terms of the question that the corpus never mentions (whole words, compared
    without case or hyphens, so "GPT4" matches "GPT-4" but "SAM" does not match "same")."""
    return [t for t in named_terms(question) if squash(t) not in vocab]


def refusal_reason(question: str, hits: list[Hit], vocab: set[str]) -> str | None:
    """Why the corpus cannot answer the question, or None when it can."""
    if not hits:
        return "no paper in the corpus matches the question"
    missing = uncovered_terms(question, vocab)
    if missing:
        return f"the corpus never mentions {', '.join(missing)}"
    if max(h.dense for h in hits) < MIN_DENSE:
        return "no paper in the corpus is close enough to the question"
    return None


def refusal(question: str, reason: str, hits: list[Hit]) -> Answer:
    text = f"The corpus does not cover this question: {reason}."
    return Answer(question, text, [], [Source.from_hit(i, h) for i, h in enumerate(hits, 1)], "extractive", refused=True)


def extractive(question: str, hits: list[Hit], embed) -> Answer:
    """Pick the sentences that carry the answer from the top papers and cite each one."""
    top = hits[:ANSWER_PAPERS]
    candidates = [(rank, s) for rank, h in enumerate(top) for s in split_sentences(h.paper.abstract)]
    vectors = embed([question] + [s for _, s in candidates])
    similarity = vectors[1:] @ vectors[0]
    asked = content_words(question)
    scores = []
    for (rank, sentence), sim in zip(candidates, similarity):
        overlap = len(asked & content_words(sentence)) / max(len(asked), 1)
        scores.append(float(sim) + 0.5 * overlap - 0.03 * rank)
    order = np.argsort(scores)[::-1]
    best = scores[order[0]]
    chosen: list[int] = []
    per_paper: dict[int, int] = {}
    for i in order:
        rank = candidates[i][0]
        if len(chosen) >= MAX_SENTENCES or scores[i] < best - 0.25:
            break
        if per_paper.get(rank, 0) < 2:
            chosen.append(i)
            per_paper[rank] = per_paper.get(rank, 0) + 1
    # Read paper by paper, in the abstracts' own sentence order.
    chosen.sort(key=lambda i: (candidates[i][0], i))
    numbers: dict[int, int] = {}
    parts = []
    for i in chosen:
        rank, sentence = candidates[i]
        number = numbers.setdefault(rank, len(numbers) + 1)
        parts.append(f"{sentence} [{number}]")
    cited = []
    for rank, number in numbers.items():
        source = Source.from_hit(number, top[rank])
        source.sentences = [candidates[i][1] for i in chosen if candidates[i][0] == rank]
        cited.append(source)
    cited_ranks = set(numbers)
    uncited = [Source.from_hit(len(numbers) + j + 1, h) for j, h in enumerate(h for r, h in enumerate(hits) if r not in cited_ranks)]
    return Answer(question, " ".join(parts), cited, uncited, "extractive")
