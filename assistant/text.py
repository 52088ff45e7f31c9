"""Text utilities every stage shares: sentences, words, stems and word pairs.

A leaf module: chunking, extractive answers, the evidence gate and the support check all read
text through these functions, so they agree on what a sentence and a word are.
"""

from __future__ import annotations

import functools
import re

STOPWORDS = set(
    "a an and are as at be by can do does for from has have how in into is it its of on or "
    "that the their them these they this to was were what when where which who why will with "
    "paper papers study approach method model models use used using show shows".split()
)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, by BlingFire's sentence breaker, which keeps "et al. (2015)", "e.g.",
    "i.e.", "vs.", "Fig. 2", "approx. 1,000" and decimals inside their sentence. A line break
    always ends a sentence (answers list one paper a line). An enumerated item's heading ("2)
    Scalability.") stays with the sentence after it, which says what it means.

    Chosen by measurement (README, "Sentences"): on 20 abstract-style cases BlingFire splits all
    20 right at 0.15 ms an abstract; pysbd 18 at 10 ms (17 minutes for 100,000 abstracts);
    sentencex 18, and it also cuts at colons and semicolons; NLTK's Punkt (shipped with
    llama-index) 10; the regular expression used before 15."""
    return list(_sentences(text))


# An enumerated item's heading, a few words after its number ("2) Scalability.", "(iii) Efficiency."),
# alone or ending a sentence ("..., namely: 1) Homogenization."): what it names is the next sentence's subject.
HEADING = re.compile(r"(?:^|\s)(?:\(?\d{1,2}\)|\d{1,2}\.|\([ivx]{1,4}\)|\([a-h]\))\s*[A-Z][\w-]*(?:\s+[\w-]+){0,3}[.:]$")


@functools.lru_cache(maxsize=20_000)  # retrieval splits its top papers for every question that finds them
def _sentences(text: str) -> tuple[str, ...]:
    from blingfire import text_to_sentences

    joined: list[str] = []
    for line in filter(str.strip, text.splitlines()):
        start = len(joined)  # a line break always ends a sentence, a heading's too
        for sentence in filter(None, (s.strip() for s in text_to_sentences(line).split("\n"))):
            if len(joined) > start and HEADING.search(joined[-1]):  # "3) Efficiency." joins what it means
                joined[-1] = f"{joined[-1]} {sentence}"
            else:
                joined.append(sentence)
    return tuple(joined)


# Numbers written as words, as questions and abstracts write counts ("top three", "twenty LLMs", "a thousand tasks").
NUMBER_WORDS = dict(zip("two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand million billion"
                        .split(), (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 30, 40, 50, 100, 10**3, 10**6, 10**9)))


def words(text: str) -> list[str]:
    """The lower-cased words of a text, hyphenated ones whole, each spelt the American way."""
    return [american(w) for w in re.findall(r"[a-z0-9]+(?:[-.][a-z0-9]+)*", text.lower())]


# British endings and their American spellings: "generalisation", "behaviour", "analyse", "centred", "defence".
# Snowball stems the two apart ("generalis", "general"), so a question in one spelling missed every
# abstract in the other, in BM25 and in the gate's word checks alike.
AMERICAN = dict(
    [(f"is{end}", f"iz{end}") for end in ("e", "es", "ed", "ing", "er", "ers", "ation", "ations", "able")]
    + [(f"our{end}", f"or{end}") for end in ("", "s", "ed", "ing", "ite", "ites", "able")]
    + [(f"ys{end}", f"yz{end}") for end in ("e", "ed", "ing", "er", "ers")]  # not "analyses", a plural of "analysis"
    + [("tre", "ter"), ("tres", "ters"), ("tred", "tered")]
    # "defences", "licence"; "modelling", "labelled" (Snowball keeps the double l: "modell", "model");
    # "programmes", "analogue", "judgement". wordfreq keeps "sequence", "cancelled", "dialogue" as they are.
    + [("ence", "ense"), ("ences", "enses"), ("elling", "eling"), ("elled", "eled"), ("amme", "am"), ("ammes", "ams"),
       ("ogue", "og"), ("ogues", "ogs"), ("gement", "gment"), ("gements", "gments")]
)
BRITISH = re.compile(r"(?<=[a-z]{3})(?:%s)$" % "|".join(sorted(AMERICAN, key=len, reverse=True)))


@functools.lru_cache(maxsize=100_000)
def american(word: str) -> str:
    """A lower-case word, or each part of a hyphenated one, in its American spelling where English
    uses that spelling at least as often (wordfreq): "generalisation" -> "generalization",
    "behaviour" -> "behavior", but "supervised", "exercise", "noise" and "glamour" stay."""
    if "-" in word:
        return "-".join(american(part) for part in word.split("-"))
    m = BRITISH.search(word)
    if not m:
        return word
    from wordfreq import zipf_frequency

    other = word[: m.start()] + AMERICAN[m.group()]
    return other if 0 < zipf_frequency(other, "en") >= zipf_frequency(word, "en") else word


@functools.lru_cache(maxsize=50_000)  # scoring sentences asks again for the question's and each sentence's stems
def stems(text: str) -> tuple[str, ...]:
    """The stems of the words that carry meaning, in order ("capabilities" -> "capabl"); numbers count."""
    return tuple(_stemmer().stemWords([w for w in words(text) if w not in STOPWORDS and (len(w) > 2 or w.isdigit())]))


def beside(sentence: str, figure: re.Match, counted: set[str], before: int = 0) -> bool:
    """Whether a stem of the counted thing is among the four words right after a figure (within
    60 characters: "1,133 problems"), or is the acronym they start ("eight vision-language
    models" for VLMs), or, with `before`, is among that many words right before it. A figure joined
    to its unit by a hyphen counts that unit only: "30-day readmission" counts days, not the
    "clinical notes" three words before it (blind 26's nn05: no answer of any set lost)."""
    after = sentence[figure.end(): figure.end() + 60]
    if unit := re.match(r"-([A-Za-z]+)\b(?!-)", after):
        return bool(set(stems(unit.group(1))) & counted)
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", after)[:5]).lower()
    acronyms = {c.removesuffix("s") for c in counted}  # "vlms": stems keep an acronym's plural
    return bool(set(stems(after)[:4]) & counted or {initials[:n] for n in range(2, len(initials) + 1)} & acronyms
                or before and set(stems(sentence[max(0, figure.start() - 40): figure.start()])[-before:]) & counted)


def name_parts(term: str) -> tuple[list[str], list[str]]:
    """A named term's parts (split at hyphens and slashes) and those that are not ordinary lower-case words."""
    parts = re.split(r"[-/]", term)
    return parts, [p for p in parts if not re.fullmatch(r"[a-z]+", p)]


def name_of(term: str) -> str:
    """A named term less the ordinary lower-case words glued to it: "SAE-tuned" -> "SAE"."""
    parts, named = name_parts(term)
    return "-".join(named) if named and len(named) < len(parts) else term


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
