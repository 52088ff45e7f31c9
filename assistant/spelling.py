"""Misspelt question words, mended against the corpus's own words.

A typed question has typos ("which papers report reslts on MMLU?", "learnable promtps"): the
misspelt word matches nothing in BM25, and the evidence gate reads it as a word the corpus never
uses, so an answerable question is refused. A word is mended only when it is neither in the
corpus vocabulary nor English (wordfreq knows it not at all), is written in lower case (a name
is left as typed) and is one edit (a letter dropped, added, changed or two swapped) away from
words the corpus uses; the commonest of those in English is taken.
"""

from __future__ import annotations

import re
import string

MIN_LENGTH = 6  # shorter words are too often a name or an abbreviation one edit from another
WORD = re.compile(r"(?<![\w'’-])[a-z]{%d,}(?![\w'’-])" % MIN_LENGTH)


def edits(word: str) -> set[str]:
    """Every string one edit away from `word` (Norvig's spelling corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = string.ascii_lowercase
    return ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters} | {a + c + b for a, b in splits for c in letters})


def mended(word: str, vocabulary: set[str]) -> str | None:
    from wordfreq import zipf_frequency

    if word in vocabulary or zipf_frequency(word, "en") > 0:
        return None
    candidates = edits(word) & vocabulary
    return max(sorted(candidates), key=lambda w: zipf_frequency(w, "en")) if candidates else None


def respelled(question: str, vocabulary: set[str]) -> str:
    """The question with its misspelt words mended (see the module's doc); the rest unchanged."""
    return WORD.sub(lambda m: mended(m.group(), vocabulary) or m.group(), question)
