"""Citations in a model's answer, made valid whatever the model wrote.

Small models cite sloppily: "[1, 2]", "[1-3]", "(1)", "【1】", "[Source 1]", ids that match no
source, or nothing at all. `normalise` rewrites every variant as [n], drops ids that refer to
no source, and renumbers the cited sources 1..n in order of first appearance. `cite` then
builds the Answer, keeping only sentences their sources support (support.py): a sentence is
re-cited or given a citation when another source supports it, and left out when none does;
a model's refusal is kept as it is.
`CitationStream` applies the same rewriting to a stream, so what is shown while tokens arrive
is already the checked text.
"""

from __future__ import annotations

import re

from .retrieve import Hit
from .support import RELATED, Claim, Support, check_claims, claims, restates
from .types import Answer, Sentence, Source

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
# A marker that opens a sentence and is followed by a lowercase word is its subject ("[2] proposes
# GreenAug ..."): small models write lists so however told to name the papers.
# So is one after a preposition ("used in [1] to finetune", "shown by [2] that"): both would read
# "used in to finetune" once the marker moves to the sentence's end.
SUBJECT = re.compile(r"(^|[.!?]\s+|\b(?:in|by|from|of)\s+)\[(\d+)\]\s+(?=[a-z])", re.M)
SUPPORT_SENTENCES = 2  # source sentences kept per cited paper
NOT_IN_SOURCES = "The corpus does not cover this question: the papers found do not say what was asked."


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


def short_name(title: str) -> str:
    """What a paper is called in a sentence: the name before its title's colon ("LIMO: Less is
    More for Reasoning" -> "LIMO") when short, else the whole title."""
    head, colon, _ = title.partition(":")
    name = head.strip() if colon and len(head.split()) <= 4 else title
    return name.rstrip("?!. ")  # "Can LLMs Solve Longer Math Word Problems Better?" must not end the sentence


def is_refusal(text: str) -> bool:
    return bool(REFUSAL.search(text))


def cite(question: str, raw: str, hits: list[Hit], n_sources: int, embed=None, asked: str | None = None,
         premise: str | None = None) -> Answer:
    """The model's answer with valid, supported citations only. `hits[:n_sources]` were shown
    to the model as sources 1..n_sources; every hit not cited is listed as uncited.

    Each sentence is judged against the sources it cites (support.py): kept with the citations
    it needs when they support it, re-cited when another source does, and left out of the text
    when none does (it stays in `Answer.sentences`, marked unsupported). So is a sentence that
    only restates `asked` (the question as the model saw it; None for a list, whose lines may
    name the asked topic and a title only). `premise`: the question the model answered (default
    `question`), whose words a sentence may repeat (Support). An answer with no supported
    sentence has an empty text; the caller answers otherwise."""
    text, order = normalise(raw.strip(), n_sources)
    text = SUBJECT.sub(lambda m: f"{m[1]}{short_name(hits[order[int(m[2]) - 1] - 1].paper.title)} [{m[2]}] ", text)
    found = claims(text)
    for claim in found:  # back to the numbering the model saw
        claim.citations = [order[n - 1] for n in claim.citations]
    if found and all(is_refusal(c.text) for c in found):
        refusal = " ".join(c.text for c in found)
        return Answer(question, refusal, [], [Source.from_hit(i, h) for i, h in enumerate(hits, 1)], "model", refused=True)
    support = Support([(h.paper.title, h.paper.abstract) for h in hits[:n_sources]], embed, premise=premise or question)
    model_cited = any(c.citations for c in found)
    check_claims(found, support)
    for claim in found:
        if claim.supported and asked and restates(claim.text, asked):
            claim.supported, claim.citations, claim.evidence, claim.restated = False, [], None, True
    kept = [c for c in found if c.supported]
    if found and not kept and max(c.score for c in found) < RELATED:
        # Nothing the model said is even near a source: it answered from its own knowledge.
        answer = Answer(question, NOT_IN_SOURCES, [], [Source.from_hit(i, h) for i, h in enumerate(hits, 1)], "model", refused=True,
                        note="no sentence of the model's answer is in the sources; it answered from its own knowledge")
        answer.sentences = [Sentence(c.text, [], False, None) for c in found]
        return answer
    text, order = normalise("".join(_with_markers(c, first=i == 0) for i, c in enumerate(kept)), n_sources)
    renumber = {original: new for new, original in enumerate(order, 1)}
    sources = []
    for number, original in enumerate(order, 1):
        source = Source.from_hit(number, hits[original - 1])
        evidence = (support.judge(c.text, [original]).evidence for c in kept if original in c.citations)
        source.sentences = [e for e in dict.fromkeys(evidence) if e][:SUPPORT_SENTENCES]
        sources.append(source)
    cited_ids = {hits[i - 1].paper.id for i in order}
    rest = [h for h in hits if h.paper.id not in cited_ids]
    uncited = [Source.from_hit(len(sources) + i, h) for i, h in enumerate(rest, 1)]
    answer = Answer(question, text, sources, uncited, "model", note=_note(found, model_cited))
    answer.sentences = [Sentence(c.text, [renumber[n] for n in c.citations] if c.supported else [], bool(c.supported), c.evidence) for c in found]
    return answer


def _with_markers(claim: Claim, first: bool) -> str:
    """A claim back in the text, its [n] before the closing punctuation."""
    return ("" if first else "\n" if claim.newline else " ") + marked(claim.text, claim.citations)


def marked(text: str, numbers: list[int], stop: str = "") -> str:
    """A sentence with its [n] markers before its closing punctuation (`stop` when it has none)."""
    end = re.search(r"[.!?:;]+$", text)
    body, stop = (text[: end.start()], end.group()) if end else (text, stop)
    return f"{body} {''.join(f'[{n}]' for n in numbers)}{stop}"


def _note(found: list[Claim], model_cited: bool) -> str | None:
    """What the support check changed, in words, or None when nothing."""
    dropped = sum(not c.supported for c in found)
    recited = sum(bool(c.recited) for c in found)
    restated = sum(c.restated for c in found)
    if found and restated == len(found):
        return "the model's answer only restated the question"
    if not found or dropped == len(found):
        return "no sentence of the model's answer is supported by the sources"
    bits = []
    if recited and not model_cited:
        bits.append("the model cited no source; citations were attached by matching its sentences to the abstracts")
    elif recited:
        bits.append(f"{recited} sentence{'s' * (recited > 1)} re-cited to the source that supports {'them' if recited > 1 else 'it'}")
    if dropped - restated:
        bits.append(f"{dropped - restated} sentence{'s' * (dropped - restated > 1)} not supported by the sources left out")
    if restated:
        bits.append(f"{restated} sentence{'s' * (restated > 1)} that only restated the question left out")
    return "; ".join(bits) or None


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
