"""Misspelt question words, mended against the corpus's own words.

A typed question has typos ("which papers report reslts on MMLU?", "learnable promtps"): the
misspelt word matches nothing in BM25, and the evidence gate reads it as a word the corpus never
uses, so an answerable question is refused. A word is mended only when it is neither in the
corpus vocabulary nor English (wordfreq knows it not at all), is written in lower case (a name
is left as typed) and is one edit (a letter dropped, added, changed or two swapped) away from
words the corpus uses; the commonest of those in English is taken. A rare word English does
know, a common typo ("serch"), is mended only to a far commoner one ("search").
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

MIN_LENGTH = 6  # shorter words are too often a name or an abbreviation one edit from another
WORD = re.compile(r"(?<![\w'’-])[a-z]{5,}(?![\w'’-])")
# A common typo wordfreq has seen ("serch", Zipf 1.3) is mended too, from 5 letters, but only to a
# word far commoner in English ("search", 5.4): RARE, MARGIN and COMMON keep "ngram" from "gram".
RARE, MARGIN, COMMON = 2.0, 3.5, 4.5


def edits(word: str) -> set[str]:
    """Every string one edit away from `word` (Norvig's spelling corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = string.ascii_lowercase
    return ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters} | {a + c + b for a, b in splits for c in letters})


def respelled(question: str, known: Callable[[set[str]], set[str]]) -> str:
    """The question with its misspelt words mended (see the module's doc); the rest unchanged.
    `known(words)` gives those of the words the corpus uses (a lookup: at 1,000,000 papers the
    vocabulary is millions of words, which a search need not load)."""
    from wordfreq import zipf_frequency

    found = {w: zipf_frequency(w, "en") for w in WORD.findall(question)}
    unknown = {w for w, z in found.items() if z == 0 and len(w) >= MIN_LENGTH or 0 < z < RARE}
    unknown -= known(unknown) if unknown else set()
    mends = {}
    for word in unknown:
        floor = max(found[word] + MARGIN, COMMON) if found[word] else 0.0
        candidates = [w for w in sorted(known(edits(word))) if zipf_frequency(w, "en") >= floor]
        if candidates:
            mends[word] = max(candidates, key=lambda w: zipf_frequency(w, "en"))
    return WORD.sub(lambda m: mends.get(m.group(), m.group()), question) if mends else question
