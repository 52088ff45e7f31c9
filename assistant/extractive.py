"""Extractive answering (no LLM): the abstract sentences that carry the answer, each cited.

Sentences are scored by embedding similarity to the question, the question's words and
phrases they contain, and whether they introduce a contribution or hold a figure a numeric
question asks for (see `sentence_score` and `extractive`).
"""

from __future__ import annotations

import re

from .retrieve import Hit
from .text import content_words, phrases, split_sentences
from .types import Answer, Source

MAX_SENTENCES = 4
ANSWER_PAPERS = 3


# What makes a sentence carry an answer rather than restate the question: it introduces a
# contribution ("we propose X", "termed Y"), or it holds the figures a numeric question asks for.
INTRODUCES = re.compile(
    r"\b(?:we|this (?:paper|work|study)|our (?:paper|work))\s+(?:\w+\s+){0,2}?"
    r"(?:propose|introduce|present|develop|design|call|term|name|dub|define|coin)s?\b"
    r"|\b(?:termed|called|named|dubbed|coined|referred to as|known as)\b",
    re.I,
)
NUMERIC_QUESTION = re.compile(
    r"\b(?:how (?:many|much|large|big|long|often|fast)|by what|from what|to what"
    r"|what (?:\w+ ){0,2}(?:percentage|percent|number|rate|accuracy|score|value|size|share|proportion|improvement|gain|speed-?up))\b",
    re.I,
)
LIST_QUESTION = re.compile(r"^\s*(?:(?:which|what) (?:\w+ )?(?:papers|works|studies)|compare|contrast)\b", re.I)
COMPARE_QUESTION = re.compile(r"^\s*(?:compare|contrast)\b", re.I)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
# Weights measured with `assistant eval` (README, "Extractive answers"): results barely move
# across a grid around them, so they are not fitted to particular questions.
OVERLAP_WEIGHT = 0.7
PHRASE_WEIGHT = 0.12
INTRO_BONUS = 0.12
NUMBER_BONUS = 0.15
PAPER_MARGIN = 0.12  # another paper joins a one-paper answer only with a sentence this close to the best
LIST_SHARE = 0.7  # "which papers" lists the top papers whose retrieval score is this share of the best


def sentence_score(question: str, sentence: str, similarity: float, numeric: bool) -> float:
    """Embedding similarity, plus the share of the question's words the sentence contains,
    plus bonuses for what answers usually look like (see INTRODUCES, NUMBER)."""
    asked = content_words(question)
    score = similarity + OVERLAP_WEIGHT * len(asked & content_words(sentence)) / max(len(asked), 1)
    # A phrase of the question found whole ("curated training samples") is stronger evidence.
    score += PHRASE_WEIGHT * min(len(phrases(question) & phrases(sentence)), 2)
    if INTRODUCES.search(sentence):
        score += INTRO_BONUS
    if numeric and set(NUMBER.findall(sentence)) - set(NUMBER.findall(question)):
        score += NUMBER_BONUS
    return score


def short_title(title: str) -> str:
    """"RecGPT: A Foundation Model for ..." -> "RecGPT"; a title without such a name stays whole."""
    name, colon, _ = title.partition(":")
    return name if colon and len(name.split()) <= 4 else title


def extractive(question: str, hits: list[Hit], embed) -> Answer:
    """Pick the sentences that carry the answer from the top papers and cite each one.

    "Which papers ..." gets, for each top paper retrieved nearly as well as the first
    (LIST_SHARE), its name and its best sentence; "Compare/Contrast ..." the two best sentences
    of each of the two top papers; any other question up to three sentences of the paper with
    the best sentence, plus another paper's best sentence only when it is about as good
    (PAPER_MARGIN). At most MAX_SENTENCES in all, each followed by its paper's [n].
    """
    top = hits[:ANSWER_PAPERS]
    candidates = [(rank, s) for rank, h in enumerate(top) for s in split_sentences(h.paper.abstract)]
    vectors = embed([question] + [s for _, s in candidates])
    numeric = bool(NUMERIC_QUESTION.search(question))
    scores = [sentence_score(question, s, float(sim), numeric) for (_, s), sim in zip(candidates, vectors[1:] @ vectors[0])]
    ranked: dict[int, list[int]] = {}  # paper rank -> its sentences, best first
    for i in sorted(range(len(candidates)), key=lambda i: -scores[i]):
        ranked.setdefault(candidates[i][0], []).append(i)
    papers = sorted(ranked, key=lambda r: -scores[ranked[r][0]])
    best = scores[ranked[papers[0]][0]]
    listing = bool(LIST_QUESTION.search(question))
    if COMPARE_QUESTION.search(question):
        papers = sorted(ranked)[:2]
        quota = {r: 2 for r in papers}
    elif listing:
        papers = [r for r in sorted(ranked) if top[r].score >= LIST_SHARE * top[0].score]
        quota = {r: 1 for r in papers}
    else:
        others = [r for r in papers[1:] if scores[ranked[r][0]] >= best - PAPER_MARGIN]
        papers = [papers[0], *others]
        quota = {r: 1 for r in others} | {papers[0]: MAX_SENTENCES - 1}
    chosen = [i for r in papers for i in ranked[r][: quota[r]]][:MAX_SENTENCES]
    # Read paper by paper, in the abstracts' own sentence order.
    chosen.sort(key=lambda i: (candidates[i][0], i))
    numbers: dict[int, int] = {}
    text = ""
    for i in chosen:
        rank, sentence = candidates[i]
        if listing and rank not in numbers:  # a list of papers names each paper, one a line
            sentence = ("\n" if text else "") + f"{short_title(top[rank].paper.title)}: {sentence}"
        elif text:
            sentence = " " + sentence
        number = numbers.setdefault(rank, len(numbers) + 1)
        text += f"{sentence} [{number}]"
    cited = []
    for rank, number in numbers.items():
        source = Source.from_hit(number, top[rank])
        source.sentences = [candidates[i][1] for i in chosen if candidates[i][0] == rank]
        cited.append(source)
    uncited = [Source.from_hit(len(numbers) + j + 1, h) for j, h in enumerate(h for r, h in enumerate(hits) if r not in numbers)]
    return Answer(question, text, cited, uncited, "extractive")
