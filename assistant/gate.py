"""The evidence gate: whether the corpus can answer a question at all.

Runs after retrieval and before any answer is written, in both modes: when it refuses, the
answer says the corpus does not cover the question and no model is called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .corpus import squash
from .retrieve import Hit
from .types import Answer, Source

MIN_DENSE = 0.30  # below this best-chunk cosine the corpus has nothing on the question (see README)


def named_terms(question: str) -> list[str]:
    """Specific names in a question: acronyms, CamelCase, capitalised words that do not start
    a sentence, words with digits ("BEIR", "CIFAR-100", "Chinchilla", "GPT-4")."""
    terms = []
    for match in re.finditer(r"[A-Za-z0-9][\w\-.]*[A-Za-z0-9]|[A-Z]", question):
        token = match.group()
        before = question[: match.start()].rstrip()
        starts_sentence = not before or before[-1] in ".?!"
        specific = any(c.isdigit() for c in token) and any(c.isalpha() for c in token)
        specific |= sum(c.isupper() for c in token) >= 2 or (not starts_sentence and token[0].isupper())
        if specific:
            terms.append(token)
    return terms


def uncovered_terms(question: str, vocab: set[str]) -> list[str]:
    """Named terms of the question that the corpus never mentions (whole words, compared
    without case or hyphens, so "GPT4" matches "GPT-4" but "SAM" does not match "same";
    a plural such as "PRMs" counts as mentioned when "PRM" is). A name glued to ordinary
    lower-case words ("SAE-tuned", "Hebbian-inspired") is mentioned when the name is: the
    glued word is English, not part of the name; "GPT-5" and "wav2vec" stay whole."""
    missing = []
    for term in named_terms(question):
        parts = re.split(r"[-/]", term)
        named = [p for p in parts if not re.fullmatch(r"[a-z]+", p)]
        name = "-".join(named) if named and len(named) < len(parts) else term
        if not any({squash(form), squash(form).removesuffix("s")} & vocab for form in (term, name)):
            missing.append(name)
    return missing


def refusal_reason(question: str, hits: list[Hit], vocab: set[str]) -> str | None:
    """Why the corpus cannot answer the question, or None when it can.

    The rule, in order (calibration in README, "Answer quality"):
    1. The question names something (an acronym, a capitalised name, a term with digits) that
       appears nowhere in the corpus: a question about BEIR, Chinchilla or SAM is about a paper
       the corpus does not hold, however close its topic.
    2. The best chunk's dense cosine is below MIN_DENSE (0.30): nothing in the corpus is about
       the topic. On the shipped corpus answerable questions score 0.43 or more and off-topic
       ones 0.09-0.22.
    Not caught: a near-topic question without any name (say, about dropout or batch
    normalisation) whose words the corpus uses in other senses; it gets an extractive answer
    from the nearest papers, with their citations.
    """
    if not hits:
        return "no paper in the corpus matches the question"
    missing = uncovered_terms(question, vocab)
    if missing:
        return f"the corpus never mentions {', '.join(missing)}"
    if max(h.dense for h in hits) < MIN_DENSE:
        return "no paper in the corpus is close enough to the question"
    return None


@dataclass
class Evidence:
    hits: list[Hit]  # the retrieved papers that may serve as sources, best first
    reason: str | None  # why the corpus cannot answer; None when some paper passes


def admit(question: str, hits: list[Hit], vocab: set[str], embed) -> Evidence:
    """The gate both answering modes pass through: which retrieved papers become sources.
    `embed` embeds a list of texts (unit vectors), for scoring a paper against the question."""
    reason = refusal_reason(question, hits, vocab)
    return Evidence([] if reason else hits, reason)


def refusal(question: str, reason: str, hits: list[Hit]) -> Answer:
    text = f"The corpus does not cover this question: {reason}."
    return Answer(question, text, [], [Source.from_hit(i, h) for i, h in enumerate(hits, 1)], "extractive", refused=True)
