"""Text utilities every stage shares: sentences, words, stems and word pairs.

A leaf module: chunking, extractive answers, the evidence gate and the support check all read
text through these functions, so they agree on what a sentence and a word are.
"""

from __future__ import annotations

import functools
import re

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'])")
STOPWORDS = set(
    "a an and are as at be by can do does for from has have how in into is it its of on or "
    "that the their them these they this to was were what when where which who why will with "
    "paper papers study approach method model models use used using show shows".split()
)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[-.][a-z0-9]+)*", text.lower())


@functools.lru_cache(maxsize=50_000)  # scoring sentences asks again for the question's and each sentence's stems
def stems(text: str) -> tuple[str, ...]:
    """The stems of the words that carry meaning, in order ("capabilities" -> "capabl"); numbers count."""
    return tuple(_stemmer().stemWords([w for w in words(text) if w not in STOPWORDS and (len(w) > 2 or w.isdigit())]))


def phrases(text: str) -> set[tuple[str, str]]:
    """Pairs of meaningful words that follow each other (stopwords between them skipped)."""
    kept = stems(text)
    return set(zip(kept, kept[1:]))


def content_words(text: str) -> set[str]:
    return set(stems(text))


@functools.cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")
