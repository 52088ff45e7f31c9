"""Is the model's reply an answer, and is each of its sentences said by the paper it cites?

Two checks run on a model's reply before anything is shown as checked:

- `reply_problem`: degenerate replies (empty, citation markers only, the question echoed, a
  repetition loop, cut off before its first sentence ended) are not answers, whatever their
  citations.
- `Support`: claim-level support, in the spirit of ALCE's citation recall. Each answer sentence
  is compared with the sources it cites: the share of its content words the source has
  (title + abstract), the best embedding cosine between it and one abstract sentence; every
  figure it states must appear in the source, and so must each name it writes ("Monte Carlo",
  "DRM", "GNNs") and a word of each kind of universal or negative claim it makes ("every",
  "never", "always", ...). `SUPPORT_THRESHOLD` and the weights were
  calibrated on labelled sentence/paper pairs (README, "Claim-level support").

Plain functions of text and an embedder; no model is called.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .gate import everyday, named_terms, writes
from .text import content_words, name_of, split_sentences, words

# A citation in any bracket form, before or after normalisation ("[1]", "[1, 2]", "[Source 3]").
ANY_MARKER = re.compile(r"\s*(?:\[[^\[\]]{0,20}\]|\u3010[^\u3010\u3011]{0,20}\u3011)")
MARKERS = re.compile(r"\s*\[(\d+)\]")
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*%?")
# Words that carry no answer: "The answer is [1]", "See the sources [2]".
FILLER = {"answer", "sourc", "abstract", "see", "refer", "provid", "question", "base", "accord", "follow", "mention"}
BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d{1,2}[.)])\s+")
COPIED = 0.6  # share of a reply's content words that come from the prompt's example answer
LOOP_MIN_WORDS = 24  # shorter replies cannot be told from legitimate repetition
LOOP_SHARE = 0.5  # a reply whose word trigrams are mostly repeats is looping

# A claim of universality or negation ("every", "never", "no loss") that its source makes in no
# words of the same kind overclaims it; each group counts as one kind.
QUANTIFIERS = [set(group.split()) for group in (
    "every all each any", "never no none cannot not without unseen", "always", "perfectly",
    "completely entirely fully", "guarantee guarantees guaranteed", "prove proves proved proof")]

# A reply none of whose sentences scores this high against any source talks about something
# the sources do not discuss (the model answered from its own knowledge): a refusal, not an
# extractive stand-in. Set from the model replies of the dev run (README, "A real instruction model").
RELATED = 0.55

# Calibration (README, "Claim-level support"): score = COSINE_WEIGHT * best sentence cosine
# + (1 - COSINE_WEIGHT) * content-word coverage; supported when >= SUPPORT_THRESHOLD.
COSINE_WEIGHT = 0.5
SUPPORT_THRESHOLD = 0.62
MIN_COVERAGE = 0.5  # below this, most of what the sentence says is not in the source at all


def said_words(text: str) -> set[str]:
    """Content-word stems, hyphenated compounds split ("source-trained" says "source" and
    "trained"): a paraphrase joins or splits compounds freely."""
    return content_words(text.replace("-", " "))


def strip_markers(text: str) -> str:
    return ANY_MARKER.sub("", text).strip()


ANAPHOR = re.compile(r"^\W*(?:it|its|they|their|this|these|that|those|such|both|each)\b", re.I)
YES_NO = re.compile(r"^\W*(?:does|do|did|is|are|was|were|can|could|will|would|has|have|had|should)\b", re.I)


def restates(sentence: str, question: str) -> bool:
    """The sentence says nothing the question does not: a small model's echo ("Prompting method,
    in which the model poses its own follow-up questions, is proposed to narrow it"). That is no
    answer to a what/which/how question, however well its source supports it; an answer to a
    yes/no question may say no more than the question ("X does improve Y"), nor may one that
    picks from the choices the question gives ("Which is better, A or B?" -> "B is better")."""
    asked = [s for s in split_sentences(question) if s.strip()]
    if not asked or YES_NO.match(asked[-1]) or re.search(r"\bor\b", question, re.I) or ANAPHOR.match(sentence):
        return False  # "It has several tasks" after "Delta describes a benchmark": its subject is the answer
    said = {w for w in said_words(sentence) if w not in FILLER}
    return bool(said) and not said - said_words(question)


def reply_problem(reply: str, question: str, cut_off: bool = False, example: str = "", titles: Iterable[str] = ()) -> str | None:
    """Why the model's reply is not an answer, or None when it may be one. `cut_off`: the
    model stopped at its token limit (finish_reason "length"); `example`: the example answer
    the prompt shows, which a small model may hand back as its answer; `titles`: the sources'
    titles, which a small model may string together as its whole answer to a list question."""
    text = strip_markers(reply)
    if not re.search(r"[A-Za-z]", text):
        return "the reply was empty" if not reply.strip() else "the reply was only citation markers"
    if only_titles(text, titles):
        return "the reply only listed the sources' titles"
    said = {w for w in content_words(text) if w not in FILLER}
    if not said:
        return "the reply was only citation markers"
    if not said - content_words(question):
        return "the reply only repeated the question"
    if example and len(said & content_words(example)) >= COPIED * len(said):
        return "the reply copied the prompt's example"
    tokens = words(text)
    if len(tokens) >= LOOP_MIN_WORDS:
        trigrams = list(zip(tokens, tokens[1:], tokens[2:]))
        if len(set(trigrams)) / len(trigrams) < LOOP_SHARE:
            return "the reply repeated itself in a loop"
    sentences = Counter(" ".join(words(s)) for s in split_sentences(text))
    if sentences and max(sentences.values()) >= 3:
        return "the reply repeated itself in a loop"
    if cut_off and not complete_sentences(text):
        return "the reply was cut off before its first sentence ended"
    return None


def only_titles(text: str, titles: Iterable[str]) -> bool:
    """Whether the text is nothing but source titles run together (and what a title carries in
    brackets: a date, an acronym): a small model's way of listing its sources as an answer."""
    untitled = text
    for title in sorted(titles, key=len, reverse=True):
        untitled = re.sub(re.escape(title), " ", untitled, flags=re.I)
    untitled = re.sub(r"\([^()]*\)", " ", untitled)
    return untitled != text and not {w for w in content_words(untitled) if w not in FILLER}


def complete_sentences(text: str) -> str:
    """The text up to the end of its last complete sentence (a reply cut off at the token
    limit loses its unfinished tail)."""
    end = max((m.end() for m in re.finditer(r"[.!?](?:\s*\[\d+\])*(?=\s|$)", text)), default=0)
    return text[:end].strip()


@dataclass
class Claim:
    """One sentence of an answer and what backs it."""

    text: str  # the sentence without its citation markers
    citations: list[int]  # source numbers, 1-based, in the numbering the model saw
    newline: bool = False  # it starts a new line (a list item) in the answer
    supported: bool | None = None
    evidence: str | None = None  # the source sentence that supports it best
    score: float = 0.0
    recited: bool = False  # its citations were changed to the source that supports it
    restated: bool = False  # it only said again what the question says (restates)


def claims(text: str) -> list[Claim]:
    """The sentences of an answer with the [n] that follow each one. A marker at the start of
    a sentence ("... done. [2] Next") belongs to the sentence before it."""
    out: list[Claim] = []
    for line_no, line in enumerate(text.splitlines()):
        line = BULLET.sub("", line).strip()
        for i, sentence in enumerate(split_sentences(line)):
            lead = re.match(r"(?:\s*\[\d+\])+", sentence)
            if lead and out:
                out[-1].citations += [int(n) for n in MARKERS.findall(lead.group())]
                sentence = sentence[lead.end() :]
            cited = [int(n) for n in MARKERS.findall(sentence)]
            plain = re.sub(r"\s+([.,;:!?])", r"\1", MARKERS.sub("", sentence)).strip()
            if re.search(r"[A-Za-z0-9]", plain):
                out.append(Claim(plain, list(dict.fromkeys(cited)), newline=line_no > 0 and i == 0 and bool(out)))
            elif out:
                out[-1].citations += cited
    for c in out:
        c.citations = list(dict.fromkeys(c.citations))
    return out


def names(text: str) -> list[str]:
    """The names a sentence writes (gate.named_terms: acronyms, CamelCase, capitalised words
    inside a sentence, words with digits), less a possessive's "'s" and the capitalised words
    of everyday English ("Neural", "Survey" in a title)."""
    found = [re.sub(r"['’]s$", "", term) for term in named_terms(text)]
    return list(dict.fromkeys(n for n in found if not everyday(n.lower()) and not everyday(name_of(n).lower())))


def says_name(name: str, text: str) -> bool:
    """Whether a source's text writes the name: in any form gate.writes accepts, less the
    ordinary words glued to it ("SAE-tuned" as "SAE"), or an acronym spelt out ("RL" as
    "reinforcement learning", "LLMs" as "large language models")."""
    if writes(name, text) or writes(name_of(name), text):
        return True
    letters = re.fullmatch(r"([A-Z]{2,6})s?", name)
    if not letters:
        return False
    spelt = r"[\s-]+".join(rf"{c}[a-z]*" for c in letters[1].lower())
    return bool(re.search(rf"(?<![a-z]){spelt}", text.lower()))


def numbers(text: str) -> set[str]:
    """Figures that must be found in a source to back a claim: "57.1%", "817", "1,000"
    (single digits are skipped: sources often spell them out)."""
    return {n.rstrip("%").replace(",", "") for n in NUMBER.findall(text) if len(n.rstrip("%")) > 1}


@dataclass
class Judgement:
    supported: bool
    score: float
    coverage: float
    cosine: float
    evidence: str | None
    missing: list[str] = field(default_factory=list)  # figures, names and quantifiers the sources do not state


class Support:
    """Judges sentences against a fixed list of sources, each (title, abstract); sources are
    addressed by their 1-based number. `embed` maps texts to unit vectors (None: words only).
    `premise`: the question answered. A small model restates it in its answer ("The branch of
    mathematics that supplies the framework of the paper that ... is category theory"); what a
    sentence takes from the question is given, and its claim is the rest (see judge)."""

    def __init__(self, sources: list[tuple[str, str]], embed=None, premise: str = ""):
        self.sources = sources
        self.embed = embed
        self.premise, self.premise_numbers = said_words(premise), numbers(premise)
        self.sentences = [split_sentences(abstract) for _, abstract in sources]
        self.words = [said_words(f"{title}. {abstract}") for title, abstract in sources]
        self.numbers = [numbers(f"{title} {abstract}") for title, abstract in sources]
        self.plain = [set(words(f"{title} {abstract}")) for title, abstract in sources]
        self.texts = [f"{title}. {abstract}" for title, abstract in sources]
        self._vectors: list[np.ndarray] | None = None

    def _source_vectors(self) -> list[np.ndarray]:
        if self._vectors is None:
            flat = [s for group in self.sentences for s in group]
            vectors = self.embed(flat) if flat else np.zeros((0, 1))
            self._vectors, start = [], 0
            for group in self.sentences:
                self._vectors.append(vectors[start : start + len(group)])
                start += len(group)
        return self._vectors

    def judge(self, sentence: str, numbers_: Iterable[int]) -> Judgement:
        """Whether the sources `numbers_` together say `sentence`: its content words (or those
        it adds to the premise), every figure it states that the premise does not and every name
        it writes are there, and it is close to one of their sentences."""
        chosen = [n for n in dict.fromkeys(numbers_) if 1 <= n <= len(self.sources)]
        said = said_words(sentence)
        if not chosen or not said or only_titles(sentence, [title for title, _ in self.sources]):
            return Judgement(False, 0.0, 0.0, 0.0, None)  # titles run together say what the sources are, not what they say
        known = set().union(*(self.words[n - 1] for n in chosen))
        coverage = len(said & known) / len(said)
        # What it repeats of the question is given when the sources are about it (they hold at
        # least half of those words): then the share of what it adds counts, when that is higher.
        claim, repeated = said - self.premise, said & self.premise
        if claim and repeated and 2 * len(repeated & known) >= len(repeated):
            coverage = max(coverage, len(claim & known) / len(claim))
        given = self.premise_numbers | set().union(*(self.numbers[n - 1] for n in chosen))
        missing = sorted(numbers(sentence) - given)
        # A name its sources do not write is the model's, whatever the question asked about: "Monte
        # Carlo dropout is used to estimate the uncertainty" of a paper that never says it (blind 20).
        missing += [name for name in names(sentence) if not any(says_name(name, self.texts[n - 1]) for n in chosen)]
        plain, found = set(words(sentence)), set().union(*(self.plain[n - 1] for n in chosen))
        missing += [" / ".join(sorted(group & plain)) for group in QUANTIFIERS if group & plain and not group & found]
        cosine, evidence = self._best_sentence(sentence, chosen)
        score = COSINE_WEIGHT * cosine + (1 - COSINE_WEIGHT) * coverage
        ok = score >= SUPPORT_THRESHOLD and coverage >= MIN_COVERAGE and not missing
        return Judgement(ok, round(score, 4), round(coverage, 4), round(cosine, 4), evidence, missing)

    def _best_sentence(self, sentence: str, chosen: list[int]) -> tuple[float, str | None]:
        candidates = [(n, j) for n in chosen for j in range(len(self.sentences[n - 1]))]
        if not candidates:
            return 0.0, None
        if self.embed is not None:
            vectors = self._source_vectors()
            mine = self.embed([sentence])[0]
            sims = [float(vectors[n - 1][j] @ mine) for n, j in candidates]
        else:  # word overlap with the sentence, when there is no embedder
            said = said_words(sentence)
            sims = [len(said & said_words(self.sentences[n - 1][j])) / max(len(said), 1) for n, j in candidates]
        best = int(np.argmax(sims))
        n, j = candidates[best]
        return sims[best], self.sentences[n - 1][j]

    def best_source(self, sentence: str, among: Iterable[int] | None = None) -> tuple[int | None, Judgement]:
        """The single source that supports `sentence` best (None when none does; then the
        judgement of the closest source, whose score says how near the sentence came)."""
        judged = [(n, self.judge(sentence, [n])) for n in among or range(1, len(self.sources) + 1)]
        if not judged:
            return None, Judgement(False, 0.0, 0.0, 0.0, None)
        n, best = max(judged, key=lambda item: (item[1].supported, item[1].score))
        return (n if best.supported else None), best

    def needed(self, sentence: str, cited: list[int]) -> list[int]:
        """The citations of a supported sentence that are needed (ALCE's citation precision):
        one that supports it alone, or without which the rest no longer does."""
        if len(cited) < 2:
            return list(cited)
        return [n for n in cited if self.judge(sentence, [n]).supported or not self.judge(sentence, [m for m in cited if m != n]).supported]


def check_claims(found: list[Claim], support: Support) -> list[Claim]:
    """Judge every claim: kept with the citations it needs when its sources support it;
    re-cited to another source that does; else marked unsupported (its citations cleared)."""
    for claim in found:
        verdict = support.judge(claim.text, claim.citations) if claim.citations else None
        if verdict and verdict.supported:
            # No citation is needed alone when any subset still supports the sentence (three
            # sources, each giving two of its three figures): keep them all, not none.
            claim.citations = support.needed(claim.text, claim.citations) or claim.citations
        else:
            number, verdict = support.best_source(claim.text)
            claim.recited = number is not None
            claim.citations = [number] if number is not None else []
        claim.supported, claim.evidence, claim.score = verdict.supported, verdict.evidence if verdict.supported else None, verdict.score
    return found


def citation_scores(found: list[Claim], support: Support) -> tuple[float | None, float | None]:
    """ALCE citation recall and precision of an answer's claims, judged by `support`:
    recall = share of sentences whose citations together support them; precision = share of
    citations that are needed (support their sentence alone, or it loses support without them)."""
    if not found:
        return None, None
    supported = [bool(c.citations) and support.judge(c.text, c.citations).supported for c in found]
    total = sum(len(c.citations) for c in found)
    needed = sum(len(support.needed(c.text, c.citations)) if ok else 0 for c, ok in zip(found, supported))
    return sum(supported) / len(found), (needed / total if total else None)
