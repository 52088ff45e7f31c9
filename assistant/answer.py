"""Answers and their sources, the no-answer rule, and extractive answering (no LLM).

An extractive answer is made of the abstract sentences that best carry the answer, each
followed by the [n] of its paper. Sentences are scored by embedding similarity to the question,
the question's words and phrases they contain, and whether they introduce a contribution or
hold a figure a numeric question asks for (see `sentence_score` and `extractive`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field

from .corpus import squash
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


@functools.lru_cache(maxsize=50_000)  # scoring sentences asks again for the question's and each sentence's stems
def stems(text: str) -> tuple[str, ...]:
    """The stems of the words that carry meaning, in order ("capabilities" -> "capabl"); numbers count."""
    return tuple(_stemmer().stemWords([w for w in words(text) if w not in STOPWORDS and (len(w) > 2 or w.isdigit())]))


def phrases(text: str) -> set[tuple[str, str]]:
    """Pairs of meaningful words that follow each other (stopwords between them skipped)."""
    kept = stems(text)
    return set(zip(kept, kept[1:]))


@functools.cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def content_words(text: str) -> set[str]:
    return set(stems(text))


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
    a plural such as "PRMs" counts as mentioned when "PRM" is)."""
    return [t for t in named_terms(question) if not {squash(t), squash(t).removesuffix("s")} & vocab]


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


def refusal(question: str, reason: str, hits: list[Hit]) -> Answer:
    text = f"The corpus does not cover this question: {reason}."
    return Answer(question, text, [], [Source.from_hit(i, h) for i, h in enumerate(hits, 1)], "extractive", refused=True)


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
