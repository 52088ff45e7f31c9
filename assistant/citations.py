"""Citations in a model's answer, made valid whatever the model wrote.

Small models cite sloppily: "[1, 2]", "[1-3]", "(1)", "【1】", "[Source 1]", ids that match no
source, or nothing at all. `normalise` rewrites every variant as [n], drops ids that refer to
no source, and renumbers the cited sources 1..n in order of first appearance. `cite` then
builds the Answer: when no valid citation is left it attaches citations by matching answer
sentences to source sentences, or marks the answer uncited; a model's refusal is kept as it is.
`CitationStream` applies the same rewriting to a stream, so what is shown while tokens arrive
is already the checked text.
"""

from __future__ import annotations

import re

import numpy as np

from .text import content_words, split_sentences
from .types import Answer, Source
from .retrieve import Hit

IDS = r"(?:sources?\s*)?\d{1,4}(?:\s*(?:[-\u2013,;]|and)\s*(?:sources?\s*)?\d{1,4})*"
MARKER = re.compile(rf"(?P<space>\s*)(?:\[\s*(?P<b>{IDS})\s*\]|\u3010\s*(?P<l>{IDS})\s*\u3011|\(\s*(?P<p>{IDS})\s*\))", re.I)
REPEATED = re.compile(r"(\[\d+\])(?:\s*\1)+")
MAX_RANGE = 20  # "[1-1000]" is junk, not a citation of a thousand sources
REFUSAL = re.compile(
    r"\b(?:can ?not|can't|unable to|not able to)\b[^.]{0,40}\b(?:answer|determine|find)\b"
    r"|\b(?:sources?|abstracts?|context)\b[^.]{0,40}\b(?:do(?:es)? not|don't|doesn't)\b[^.]{0,20}\b(?:contain|mention|say|provide|answer|cover)"
    r"|\bno (?:relevant )?information\b",
    re.I,
)
LEXICAL_MATCH = 0.5  # share of an answer sentence's content words found in a source sentence
DENSE_MATCH = 0.6  # cosine between an answer sentence and a source sentence
SUPPORT_SENTENCES = 2  # source sentences kept per cited paper


def parse_ids(text: str) -> list[int]:
    ids: list[int] = []
    for part in re.split(r"\s*(?:[,;]|and)\s*", re.sub(r"(?i)sources?", "", text)):
        lo, _, hi = part.replace("\u2013", "-").partition("-")
        if not lo.strip():
            continue
        lo_n = int(lo)
        hi_n = int(hi) if hi.strip() else lo_n
        if 0 <= hi_n - lo_n < MAX_RANGE:
            ids.extend(range(lo_n, hi_n + 1))
    return ids


def normalise(text: str, n_sources: int) -> tuple[str, list[int]]:
    """Every citation as [n], renumbered by first appearance; returns the text and the
    original source numbers in their new order. A parenthesised number is a citation only
    when every id in it is a source ("(2023)" and "(1) first, (2) second" beyond the sources stay)."""
    order: dict[int, int] = {}

    def rewrite(m: re.Match) -> str:
        ids = parse_ids(m["b"] or m["l"] or m["p"])
        valid = [i for i in ids if 1 <= i <= n_sources]
        if m["p"] and (not ids or len(valid) != len(ids)):
            return m[0]
        new = list(dict.fromkeys(order.setdefault(i, len(order) + 1) for i in valid))
        return (m["space"] and " ") + "".join(f"[{n}]" for n in new) if new else ""

    text = REPEATED.sub(r"\1", MARKER.sub(rewrite, text))
    return text.strip(), list(order)


def is_refusal(text: str) -> bool:
    return bool(REFUSAL.search(text))


def _similarity(answer_sentences: list[str], source_sentences: list[str], embed) -> np.ndarray:
    """answer x source matrix; embedding cosine when an embedder is given, else word overlap."""
    if embed is not None:
        vectors = embed(answer_sentences + source_sentences)
        return vectors[: len(answer_sentences)] @ vectors[len(answer_sentences) :].T
    asked = [content_words(s) for s in answer_sentences]
    found = [content_words(s) for s in source_sentences]
    # One shared word ("long", "model") is chance, not support.
    return np.array([[len(a & f) / max(len(a), 1) if len(a & f) >= 2 else 0.0 for f in found] for a in asked])


def cite(question: str, raw: str, hits: list[Hit], n_sources: int, embed=None) -> Answer:
    """The model's answer with valid citations only. `hits[:n_sources]` were shown to the
    model as sources 1..n_sources; every hit not cited is listed as uncited."""
    text, cited = normalise(raw.strip(), n_sources)
    note = None
    refused = not cited and is_refusal(text)
    sentences = split_sentences(text)
    candidates = [(rank, s) for rank, h in enumerate(hits[:n_sources]) for s in split_sentences(h.paper.abstract)]
    sim = _similarity(sentences, [s for _, s in candidates], embed) if sentences and candidates else np.zeros((0, 0))
    threshold = LEXICAL_MATCH if embed is None else DENSE_MATCH
    if not cited and not refused:
        text, cited = _attach(sentences, candidates, sim, threshold, n_sources)
        if cited:
            note = "the model cited no source; citations were attached by matching its sentences to the abstracts"
        else:
            note = "uncited: the model cited no source and no sentence of its answer matches one in the sources"
    sources = []
    for number, original in enumerate(cited, 1):
        source = Source.from_hit(number, hits[original - 1])
        source.sentences = _support(text, number, original - 1, sentences, candidates, sim)
        sources.append(source)
    cited_ids = {h.paper.id for h in (hits[i - 1] for i in cited)}
    rest = [h for h in hits if h.paper.id not in cited_ids]
    uncited = [Source.from_hit(len(sources) + i, h) for i, h in enumerate(rest, 1)]
    return Answer(question, text, sources, uncited, "model", refused=refused, note=note)


def _attach(sentences, candidates, sim, threshold, n_sources) -> tuple[str, list[int]]:
    """Cite after each answer sentence the source whose sentence matches it best."""
    parts = []
    for i, sentence in enumerate(sentences):
        if sim.size and sim[i].max() >= threshold:
            sentence += f" [{candidates[int(sim[i].argmax())][0] + 1}]"
        parts.append(sentence)
    return normalise(" ".join(parts), n_sources)


def _support(text, number, rank, sentences, candidates, sim) -> list[str]:
    """The sentences of source `rank` that best match the answer sentences citing [number]."""
    mine = [j for j, (r, _) in enumerate(candidates) if r == rank]
    if not mine or not sim.size:
        return []
    citing = [i for i, s in enumerate(sentences) if f"[{number}]" in s] or range(len(sentences))
    best = dict.fromkeys(mine[int(sim[i, mine].argmax())] for i in citing)
    return [candidates[j][1] for j in list(best)[:SUPPORT_SENTENCES]]


class CitationStream:
    """Rewrites citations while the answer streams in: `feed` returns the new text that is
    safe to show. Text that could still become a citation ("... [1", a trailing space) is
    held back until it is complete."""

    def __init__(self, n_sources: int):
        self.n_sources = n_sources
        self.raw = ""
        self.shown = ""

    def feed(self, piece: str) -> str:
        self.raw += piece
        return self._show(self._safe(self.raw))

    def finish(self) -> str:
        return self._show(self.raw.strip())

    def _safe(self, raw: str) -> str:
        opener = max(raw.rfind("["), raw.rfind("("), raw.rfind("\u3010"))
        if opener >= 0 and not re.search(r"[\])\u3011]", raw[opener:]) and len(raw) - opener < 40:
            raw = raw[:opener]
        return raw.rstrip().lstrip()

    def _show(self, raw: str) -> str:
        text = normalise(raw, self.n_sources)[0]
        if not text.startswith(self.shown):
            return ""  # the checked final answer will replace what was shown
        new, self.shown = text[len(self.shown) :], text
        return new
