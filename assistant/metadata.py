"""Questions about the papers' own metadata: dates, years, months, upvotes and author counts.

"Which paper about grokking has the most upvotes?", "the most recent papers on X", "papers from
2024", "in October", "with the most authors", and chat follow-ups such as "Which of these
papers is the most recent?" are parsed into a `MetaQuery` (filters and an ordering) and
answered from the metadata itself, each paper cited. A paper that lacks the field asked about
is said to lack it, never placed by a guess.

The same `PaperFilter` (years, months, an ordering) is what `--year/--month/--sort` on the
CLI, the filter fields of the chat UI and `Assistant.ask(..., filters=...)` take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .corpus import Paper
from .errors import AssistantError
from .retrieve import Hit, YearFilter
from .text import NUMBER_WORDS, name_of
from .types import Answer, Source

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
MONTH_WORD = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
YEAR = r"(?:19[89]\d|20[0-4]\d)"

# Orderings: (field, descending) for the phrases that ask for them. "latest"/"newest" count only
# when no other noun follows ("the latest LLMs" is about models, not about dates).
# "came out first", "was released last": when a paper appeared, in words other than "date".
APPEARED = r"(?:came out|come out|appeared|was (?:published|released|posted)|were (?:published|released|posted))"
PAPER_NOUN = r"(?:papers?|ones?|works?|stud(?:y|ies)|articles?|publications?|entr(?:y|ies)|of (?:them|these|those))"
# After a date superlative, only papers, "of ..." or the topic may follow ("the most recent of the
# ones above", "the newest paper on X"), not what "recent" describes ("the most recent advances").
OF_PAPERS = rf"(?!\s+(?!{PAPER_NOUN}\b|published|dated|on\b|about\b|in\b|from\b|of\b)[a-z])"
ORDERINGS = [
    # Of two described papers, "which came out more recently", "which is newer" ask the same (not
    # "that older work on ...", which describes a paper).
    (re.compile(rf"\b(?:most recent(?:ly)?|newest|latest|last published)\b{OF_PAPERS}|\bwhich\b[^?]{{0,40}}?\b(?:is|was)\s+(?:newer|more recent)\b"
                rf"|\b{APPEARED}\s+(?:last|latest|most recently|more recently|later)\b|\b(?:came|comes|come)\s+last\b", re.I), ("date", True)),
    (re.compile(rf"\b(?:oldest|earliest|least recent|first published)\b{OF_PAPERS}|\bwhich\b[^?]{{0,40}}?\b(?:is|was)\s+older\b"
                rf"|\b{APPEARED}\s+(?:first|earliest|earlier)\b|\b(?:came|comes|come)\s+first\b", re.I), ("date", False)),
    (re.compile(r"\b(?:fewest|least|lowest (?:number of )?)\s*(?:up-?votes?|up-?voted|votes)\b|\bleast (?:up-?voted|popular)\b|\bfewer up-?votes\b", re.I), ("upvotes", False)),
    (re.compile(r"\b(?:most|highest (?:number of )?|largest number of |greatest number of )\s*(?:up-?votes?|up-?voted|votes)\b|\bmore (?:up-?votes|likes)\b"
                rf"|\bmost (?:popular|liked)\b(?!\s+(?!{PAPER_NOUN}\b|on\b|about\b|in\b|from\b|of\b)[a-z])"
                r"|\bup-?voted (?:the )?most\b|\bmost (?:up-?)?votes\b|\bmost likes\b|\b(?:top|highest|most)[- ](?:voted|rated|liked)\b", re.I), ("upvotes", True)),
    (re.compile(r"\b(?:fewest|fewer|smallest number of|least)\s+(?:co-?)?authors\b", re.I), ("authors", False)),
    (re.compile(r"\b(?:most|more|largest number of|greatest number of|highest number of)\s+(?:co-?)?authors\b"
                r"|\b(?:biggest|largest|longest) (?:team|author ?list|list of (?:co-?)?authors|number of (?:co-?)?authors)\b"
                r"|\bmost (?:contributors|people)\b", re.I), ("authors", True)),
    # "rank the RL papers by upvotes", "sorted by date": every paper, in that order ("papers by
    # authors from X" is not an ordering, so authors need "number of"/"count").
    (re.compile(r"\b(?:(?:sorted|ordered|ranked)\s+)?by\s+(?:their\s+)?(?:up-?votes?|votes|popularity)\b", re.I), ("upvotes", True)),
    (re.compile(r"\b(?:(?:sorted|ordered|ranked)\s+)?by\s+(?:their\s+)?(?:(?:publication |release )?date|recency)\b", re.I), ("date", True)),
    (re.compile(r"\b(?:(?:sorted|ordered|ranked)\s+)?by\s+(?:the\s+|their\s+)?(?:number of (?:co-?)?authors|author count)\b", re.I), ("authors", True)),
]
# A question that asks for one field of a paper ("How many upvotes does X have?", "When was X published?").
LOOKUPS = [
    (re.compile(r"\bhow many (?:up-?votes|votes)\b|\bupvote count\b|\bnumber of upvotes\b|\bup-?votes (?:of|for|on)\b"
                r"|(?:^\W*(?:and\s+)?|[:,—–-]\s*)up-?votes\s*\??\s*$", re.I), "upvotes"),
    (re.compile(r"\bhow many (?:co-?)?authors\b|\bnumber of authors\b|\bauthor count\b", re.I), "authors"),
    (re.compile(r"\b(?:when|(?:in\s+)?(?:what|which)\s+(?:year|month(?:\s+and\s+year)?))\s+(?:was|were|did|is)\b(?=[^?]*\b(?:published|released|posted|submitted|"
                r"dated|written|uploaded|appear|come out|came out)\w*)|\bwhat (?:is|was) the (?:publication |release )?date\b"
                # "what year was the paper on X?", "from which year is that study?"
                r"|\b(?:from )?(?:what|which) year\s+(?:was|is)\s+(?:the|this|that|it)\b(?:\s+(?:paper|work|study|article|preprint)s?\b)?"
                # terse, after the paper's name: "Self-BioRAG: which year?", "GraphFM, which month?", "X: publication date?"
                r"|(?:^\W*(?:and\s+)?|[:,—–-]\s*)(?:(?:in\s+)?(?:which|what)\s+(?:year|month|date)|when|(?:publication|release)\s+(?:date|year|month))\s*\??\s*$"
                # "Year of the benchmark that ...?", "publication date of X?"
                r"|^\W*(?:the\s+)?(?:(?:publication|release)\s+)?(?:year|month|date)\s+(?:of|for)\s", re.I), "date"),
]
YEAR_RANGE = [
    (re.compile(rf"\bbetween ({YEAR}) and ({YEAR})\b", re.I), lambda a, b: (int(a), int(b))),
    (re.compile(rf"\b({YEAR})\s*(?:-|–|to)\s*({YEAR})\b", re.I), lambda a, b: (int(a), int(b))),
    (re.compile(rf"\b(?:since|after|from|later than)\s+({YEAR})\s+(?:on|onwards?|or later)\b", re.I), lambda a: (int(a), None)),
    (re.compile(rf"\b(?:since|in or after)\s+({YEAR})\b", re.I), lambda a: (int(a), None)),
    (re.compile(rf"\bafter\s+({YEAR})\b", re.I), lambda a: (int(a) + 1, None)),
    (re.compile(rf"\b(?:before|earlier than|prior to)\s+({YEAR})\b", re.I), lambda a: (None, int(a) - 1)),
    (re.compile(rf"\b(?:until|up to|through)\s+({YEAR})\b", re.I), lambda a: (None, int(a))),
    (re.compile(rf"\b(?:in|from|during|of|published in|dated|released in)\s+(?:(?:the )?year\s+)?(?:{MONTH_WORD}\.?\s+)?({YEAR})\b", re.I), lambda a: (int(a), int(a))),
    (re.compile(rf"\b({YEAR})\s+(?:papers?|works?|studies|articles|publications)\b", re.I), lambda a: (int(a), int(a))),
]
MONTH_PHRASE = re.compile(rf"\b(?:in|from|during|published in|dated|released in)\s+({MONTH_WORD})\b\.?(?:,?\s+(?:of\s+)?({YEAR})\b)?", re.I)
# "these papers", "of them", "the ones above": the previous answer's papers.
PREVIOUS = re.compile(r"\b(?:these|those|them|above|listed|mentioned|you (?:cited|listed|named|found))\b", re.I)
# A field asked of several papers ("How many upvotes do papers from 2024 have?", "When were the
# grokking papers published?"): each one's value, ranked, not the first paper's.
# The plural is the subject, within four words of the verb: "What year did the paper on ... retrieved studies
# come out?" asks of one paper.
PLURAL_LOOKUP = re.compile(r"\b(?:do|did|were|are|have)\s+(?:(?!(?:paper|work|study|article)\b)[\w-]+\s+){0,4}?"
                           r"(?:papers|works|studies|articles|publications)\b", re.I)
COMPARATIVE = re.compile(r"\b(?:more|fewer|newer|older|later|earlier)\b", re.I)
LIMIT = re.compile(r"\b(?:top|the|first)\s+(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)
# Asks for all of them in order ("list them by date", "rank the papers"), not one ("which one has the longest author list").
PLURAL_ASK = re.compile(r"\b(?:papers|works|studies|articles|publications|ones)\s+(?:are|were|have|got|received)\b"
                        r"|^\W*(?:list|rank|order|sort)\b|\b(?:list|rank|order|sort)(?:ed)?\s+(?:them|these|those|all|the|papers|by)\b", re.I)
SORTS = {"relevance": None, "recent": ("date", True), "oldest": ("date", False), "upvotes": ("upvotes", True),
         "authors": ("authors", True)}
FIELD_WORDS = {"date": "date", "upvotes": "upvote count", "authors": "author count"}


@dataclass
class PaperFilter(YearFilter):
    """Which papers may answer (years, months) and how they are ordered; also the CLI/UI/API filter.

    A YearFilter (so retrieval takes it as it is) that also checks months; `order` is
    (field, descending) with field "date", "upvotes" or "authors", or None for relevance."""

    months: frozenset[int] = frozenset()
    order: tuple[str, bool] | None = None
    counts: tuple[tuple[str, int | None, int | None], ...] = ()  # ("authors", 2, 2): exactly two authors
    submitter: str = ""  # who submitted the paper to the dump ("submitted by Alibaba-NLP"), case aside

    def __bool__(self) -> bool:
        return YearFilter.__bool__(self) or bool(self.months) or bool(self.counts) or bool(self.submitter)

    def admits(self, paper: Paper) -> bool:
        if self.months and paper_month(paper) not in self.months:
            return False
        if self.submitter and self.submitter.lower() not in (paper.submitter or "").lower():
            return False
        for name, lo, hi in self.counts:
            value = getattr(paper, name)
            if value is None or (lo is not None and value < lo) or (hi is not None and value > hi):
                return False
        return YearFilter.admits(self, paper) if YearFilter.__bool__(self) else True

    def over(self, base: YearFilter) -> PaperFilter:
        """This filter where it says something, `base` (a PaperFilter or a plain YearFilter) elsewhere."""
        return PaperFilter(self.start if self.start is not None else base.start, self.end if self.end is not None else base.end,
                           self.months or getattr(base, "months", frozenset()), self.order or getattr(base, "order", None),
                           self.counts or getattr(base, "counts", ()), self.submitter or getattr(base, "submitter", ""))

    def dates(self) -> PaperFilter:
        """This filter's years and months alone: what retrieval filters by (counts and submitters describe a paper)."""
        return PaperFilter(self.start, self.end, self.months)

    def describe(self) -> str:
        """" from October 2024", " with exactly 2 authors": the filter as words after a noun."""
        dates = self._dates()
        counts = [_count_words(*c) for c in self.counts]
        return ((f" from {dates}" if dates else "") + "".join(f" with {c}" for c in counts)
                + (f" submitted by {self.submitter}" if self.submitter else ""))

    def _dates(self) -> str:
        bits = []
        if self.months:
            bits.append("/".join(MONTH_NAMES[m - 1].title() for m in sorted(self.months)))
        if self.start is not None and self.start == self.end:
            bits.append(str(self.start))
        elif self.start is not None and self.end is not None:
            bits.append(f"{self.start}-{self.end}")
        elif self.start is not None:
            bits.append(f"{self.start} or later")
        elif self.end is not None:
            bits.append(f"{self.end} or earlier")
        return " ".join(bits)

    @classmethod
    def build(cls, years: YearFilter | str | None = None, month: str | None = None, sort: str | None = None) -> PaperFilter:
        """The filter from the CLI/UI/API fields: years "2023" / "2022-2024" / "2023-", a month
        name or number ("Oct", "october", "10"), a sort (relevance, recent, oldest, upvotes, authors)."""
        if not isinstance(years, YearFilter):
            years = YearFilter.parse(years)
        months = frozenset()
        if month and str(month).strip():
            months = frozenset({parse_month(str(month).strip())})
        key = (sort or "relevance").strip().lower()
        if key not in SORTS:
            raise AssistantError(f"sort {sort!r} is not one of {', '.join(SORTS)}")
        return cls(years.start, years.end, months, SORTS[key])


def _count_words(name: str, lo: int | None, hi: int | None) -> str:
    noun = "upvotes" if name == "upvotes" else "authors"
    if lo == hi:
        return f"exactly {lo} {noun}"
    return f"at least {lo} {noun}" if hi is None else f"at most {hi} {noun}"


COUNT_FILTER = re.compile(
    r"\b(?P<how>exactly|only|at least|more than|over|fewer than|less than|at most|under|no more than)?\s*"
    r"(?P<n>\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten)(?P<plus>\s+or more|\s+or fewer|\+)?\s+"
    r"(?:co-?)?(?P<what>authors?|upvotes?)\b|\b(?P<single>single-author|solo-authored|one-author)\b", re.I)


SUBMITTER = re.compile(r"\b(?:submitted|posted|uploaded|shared)\s+(?:to the dump\s+)?by\s+(?:the\s+)?([\w][\w.-]*)", re.I)


def _count_filter(match: re.Match) -> tuple[str, int | None, int | None]:
    if match.group("single"):
        return ("authors", 1, 1)
    word = match.group("n").lower()
    n = int(word) if word.isdigit() else ({"one": 1} | NUMBER_WORDS)[word]
    how, plus = (match.group("how") or "").lower(), (match.group("plus") or "").strip().lower()
    name = "upvotes" if match.group("what").lower().startswith("upvote") else "authors"
    if how in ("at least",) or plus in ("or more", "+"):
        return (name, n, None)
    if how in ("more than", "over"):
        return (name, n + 1, None)
    if how in ("fewer than", "less than", "under"):
        return (name, None, n - 1)
    if how in ("at most", "no more than") or plus == "or fewer":
        return (name, None, n)
    return (name, n, n)


def parse_month(text: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    key = text.lower().rstrip(".")[:3]
    if key in MONTHS and (text.lower().rstrip(".") in MONTH_NAMES or len(text.rstrip(".")) == 3 or text.lower() == "sept"):
        return MONTHS.index(key) + 1
    raise AssistantError(f"month {text!r} is not a month name or number (e.g. Oct, October, 10)")


def paper_month(paper: Paper) -> int | None:
    if not paper.date:
        return None
    key = paper.date[:3].lower()
    return MONTHS.index(key) + 1 if key in MONTHS else None


def date_key(paper: Paper) -> tuple[int, int, int] | None:
    """(year, month, day) when the paper's full date is known; a date without a year cannot be
    placed against dated papers of other years, so it has no key."""
    month = paper_month(paper)
    if paper.year is None:
        return None
    day = re.search(r"\b(\d{1,2})\b", paper.date or "")
    return (paper.year, month or 0, int(day.group(1)) if day and month else 0)


def field_value(paper: Paper, name: str):
    return date_key(paper) if name == "date" else getattr(paper, name)


def shown_value(paper: Paper, name: str) -> str:
    """The field as a reader sees it: "Oct 3, 2024", "12 upvotes", "6 authors"."""
    if name == "date":
        if paper.date and paper.year is None:
            return f"{paper.date}, year not given"
        return paper.date or (str(paper.year) if paper.year else "no date given")
    value = getattr(paper, name)
    if value is None:
        return f"no {FIELD_WORDS[name]} given"
    noun = "upvote" if name == "upvotes" else "author"
    return f"{value} {noun}{'s' if value != 1 else ''}"


@dataclass(frozen=True)
class MetaQuery:
    """What a question asks of the metadata, and the question with those phrases taken out."""

    filter: PaperFilter = field(default_factory=PaperFilter)
    lookup: str | None = None  # a field asked for without ordering ("How many upvotes does X have?")
    limit: int | None = None  # how many papers the answer names first ("the most recent" -> 1)
    previous: bool = False  # about the previous answer's papers ("Which of these ...")
    topic: str = ""  # what the papers must be about, "" when any paper will do

    @property
    def ranks(self) -> bool:
        """Answered from the metadata (an ordering or a field), not by quoting abstracts."""
        return self.filter.order is not None or self.lookup is not None


# The words around a topic that only frame the question ("Among the papers about X, which one lists ...").
SCAFFOLD = re.compile(r"^\W*(?:among|of|from|in)?\s*(?:the|all)?\s*(?:dated\s+)?(?:papers?|works?|stud(?:y|ies)|articles?)\s+(?:about|on|in|that|which|whose\s+(?:main\s+)?(?:topic|subject|focus)\s+is)\b"
                      r"|\b(?:which|what|who)\s+(?:one|ones|paper|papers|work|works|study|studies)?\s*(?:lists?|has|have|had|got|is|are|was|were)?(?:\s+the)?\b"
                      r"|^\W*(?:which|what|list|show|find|name)\s+(?:papers?|works?|studies)\s+(?:about|on)?\b"
                      r"|^\W*(?:please\s+)?(?:rank|sort|order)\s+(?:all\s+)?(?:the\s+)?", re.I)
TOPICLESS = re.compile(r"^\W*(?:(?:which|what|list|show|name|find|give|are there|is there|of|all|the|a|any|me|one|ones|"
                       r"papers?|works?|stud(?:y|ies)|articles?|publications?|entr(?:y|ies)|in|from|on|about|the corpus|"
                       r"corpus|collection|dataset|is|are|was|were|has|have|had|got|received|with|do|does|did|by|and|"
                       r"there|been|published|released|appeared|dated|it|its|their|these|those|them|above|listed|mentioned|"
                       r"you|cited|named|found|here|so far|to date|date|"
                       # conversational framing: "hey, what came out in ...", "I'm looking for the papers dated ..., any year"
                       r"hey|hi|hello|please|came out|come out|comes out|appear|any year|i'?m|i am|looking for|searching for|everything|anything|"
                       r"submitted|posted|uploaded|shared)\b\W*)*$", re.I)


def parse(question: str) -> MetaQuery | None:
    """The metadata a question asks about, or None when it asks about none."""
    rest = question
    order, said = None, ""
    for pattern, chosen in ORDERINGS:
        if match := pattern.search(rest):
            order, said = order or chosen, said or match.group()
            rest = rest[: match.start()] + " " + rest[match.end():]
    lookup = None
    if order is None:
        for pattern, name in LOOKUPS:
            if match := pattern.search(rest):
                lookup = name
                rest = rest[: match.start()] + " " + rest[match.end():]
                break
    start = end = None
    months = frozenset()
    if match := MONTH_PHRASE.search(rest):  # "in October", "in Oct 2024"
        months = frozenset({parse_month(match.group(1))})
        if match.group(2):
            start = end = int(match.group(2))
        rest = rest[: match.start()] + " " + rest[match.end():]
    for pattern, make in YEAR_RANGE if start is None else []:
        if match := pattern.search(rest):
            start, end = make(*match.groups())
            rest = rest[: match.start()] + " " + rest[match.end():]
            break
    counts = []
    while match := COUNT_FILTER.search(rest):  # "exactly two authors", "at least 10 upvotes"
        counts.append(_count_filter(match))
        rest = rest[: match.start()] + " " + rest[match.end():]
    submitter = ""
    if match := SUBMITTER.search(rest):  # "submitted by Alibaba-NLP"
        submitter = match.group(1).rstrip(".,")
        rest = rest[: match.start()] + " " + rest[match.end():]
    if order is None and lookup is None and start is None and end is None and not months and not counts and not submitter:
        return None
    limit = None
    if lookup and PLURAL_LOOKUP.search(question):  # "How many upvotes do papers from 2024 have?": each one's, ranked
        order, lookup = (lookup, True), None
    elif order is not None:
        count = LIMIT.search(question)
        if COMPARATIVE.search(said):  # "of the two, which has more upvotes": one of them
            limit = 1
        elif count:
            word = count.group(1).lower()
            limit = int(word) if word.isdigit() else NUMBER_WORDS[word]
        elif not PLURAL_ASK.search(question):
            limit = 1
    previous = bool(PREVIOUS.search(question))
    return MetaQuery(PaperFilter(start, end, months, order, tuple(counts), submitter), lookup, limit, previous, topic_of(rest))


def topic_of(text: str) -> str:
    """What the papers must be about, without the question's framing; "" when any paper will do
    ("Which papers are there?")."""
    text = re.sub(r"\b(?:has|have|had|with|is|are|was|were)\s+(?:the\s+)?(?=\W*$)", " ", text)
    # Twice: "What is the | dated paper whose main topic is | X" has framing before framing.
    return "" if TOPICLESS.match(text) else " ".join(SCAFFOLD.sub(" ", SCAFFOLD.sub(" ", text).strip()).split()).strip(" ,.?")


# A topic that enumerates the papers it asks about: "Which has the most authors: the rip-current
# segmentation report, the study showing ..., or the ... paper?", "Of these three - A, B, and C - which".
FRAMING = re.compile(r"^.*?(?::|\s[-–—]\s)\s*|^\W*(?:of|among)\s+(?=the\b)", re.I)
ENUMERATION = re.compile(r"\s*[,;]\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+(?=the\b|(?-i:[A-Z]))", re.I)
# "the (instruction-tuning) papers on A, on B and on C", or with "the papers" taken off by the
# parse, "A, on B and on C": a comma before a repeated preposition ("agents that act on the web and
# on phones" is one topic).
SHARED_PREPOSITION = re.compile(r"the\s+(?:[\w-]+\s+){0,3}?(?:papers|works|studies|ones)\s+(?:on|about)\s+"
                                r"(?P<rest>.+?(?:,\s*|\s+(?:and|or)\s+)(?P<prep>on|about)\s.+)"
                                r"|(?P<rest2>.+?,\s*(?:and\s+|or\s+)?(?P<prep2>on|about)\s.+)", re.I | re.S)
# "three papers on T (one augmenting ..., one letting ..., and one fine-tuning ...)": each "one" a paper.
ONE_EACH = re.compile(r"(?:^|[(:,;]|\s[-–—]|\s(?=(?:and|or)\s+one\b))\s*(?:and\s+|or\s+)?one\s+(?!of\b)(?:(?:paper|study|work)\s+)?(?P<item>[^,;()]+?)"
                      r"(?=\s*[,;)]|\s+(?:and|or)\s+one\b|\s*$)", re.I)
TRAILING = re.compile(r"(?:\s[-–—]\s.*|,?\s*(?:which|what|who)\b.*|\W+)$", re.I)


def described(topic: str) -> list[str]:
    """The papers a topic enumerates, each as its description ("the influence-functions paper",
    "GraphFM"); [] when it names a topic, not two or more papers ("instruction data or
    instruction tuning": no item starts with "the" or is a name; one item may do neither)."""
    body = TRAILING.sub("", FRAMING.sub("", topic, count=1))
    if len(ones := [m["item"] for m in ONE_EACH.finditer(body)]) >= 2:
        return [f"the paper {one.strip(' ,.')}" for one in ones]
    if shared := SHARED_PREPOSITION.match(body):
        prep, rest = shared["prep"] or shared["prep2"], shared["rest"] or shared["rest2"]
        items = re.split(rf"\s*,\s*(?:and\s+|or\s+)?{prep}\s+|\s+(?:and|or)\s+{prep}\s+", rest, flags=re.I)
        return [f"the paper {prep} {i.strip(' ,.')}" for i in items]
    shielded = re.sub(r"\([^()]*\)", lambda m: m.group().replace(",", "\0").replace(";", "\1"), body)  # "(formulae, code)"
    items = [i.replace("\0", ",").replace("\1", ";").strip(" ,.") for i in ENUMERATION.split(shielded)]
    items = [i for i in items if re.search(r"\w", i)]
    papers = [i for i in items if re.match(r"the\b", i, re.I) or _named(i)]
    return items if len(items) >= 2 and len(papers) >= max(2, len(items) - 1) else []


def _named(item: str) -> bool:
    """Whether an item starts with a name ("GraphFM", "Med-R^3 ..."), not a name glued to an ordinary
    word ("GPT-3-generated explanations", "BERT-based models": a description's words)."""
    first = item.split()[0]
    return bool(re.match(r"[A-Z][\w-]*[A-Z0-9]", first)) and name_of(first) == first


def answer(question: str, query: MetaQuery, hits: list[Hit], scope: str) -> Answer:
    """Answer from the papers' metadata: ordered by the field asked about (papers lacking it
    named apart), or each paper's value of the field looked up. `scope` says which papers were
    considered ("papers of the previous answer"); the answer counts those that pass the filter."""
    hits = [h for h in hits if query.filter.admits(h.paper)]
    where = query.filter.describe()
    scope = (f"{len(hits)} {scope}" if len(hits) > 1 else f"1 {scope.replace('papers', 'paper', 1).replace('that match ', 'that matches ', 1)}") if hits else scope
    if not hits:
        text = f"None of the {scope} is{where or ' in the corpus'}." if not query.filter.counts else f"No {scope}{where}."
        return Answer(question, text, [], [], "extractive", refused=True)
    name = query.lookup or (query.filter.order[0] if query.filter.order else None)
    cited: list[Hit] = []
    lines: list[str] = []

    def cite(hit: Hit, value: bool = True) -> str:
        if hit not in cited:
            cited.append(hit)
        shown = f" ({shown_value(hit.paper, name)})" if value and name else ""
        return f"{hit.paper.title}{shown} [{cited.index(hit) + 1}]"

    if query.filter.order is not None:
        descending = query.filter.order[1]
        known = [h for h in hits if field_value(h.paper, name) is not None]
        known.sort(key=lambda h: field_value(h.paper, name), reverse=descending)
        missing = [h for h in hits if field_value(h.paper, name) is None]
        superlative = SUPERLATIVES[query.filter.order]
        if known:
            first = known[: query.limit or MAX_LISTED]
            # Ties share the first place: never pick one of equals silently.
            first += [h for h in known[len(first):] if field_value(h.paper, name) == field_value(first[-1].paper, name)]
            named = "; ".join(cite(h) for h in first)
            if query.limit is None:  # an ordering of them all ("sort by upvotes")
                lines.append(f"The {scope}{where}, {ORDER_WORDS[query.filter.order]}: {named}.")
            else:
                lines.append(f"Of the {scope}{where}, the {superlative} {'is' if len(first) == 1 else 'are'} {named}.")
            rest = known[len(first):]
            if rest:
                lines.append("Next: " + "; ".join(cite(h) for h in rest[:MAX_NEXT]) + ("; ..." if len(rest) > MAX_NEXT else "") + ".")
        else:
            lines.append(f"None of the {scope}{where} has {'an' if name == 'upvotes' else 'a'} {FIELD_WORDS[name]} in the corpus, so none can be called the {superlative}.")
        if missing:
            lacking = "no year given" if name == "date" and any(h.paper.date for h in missing) else f"no {FIELD_WORDS[name]} given"
            if len(missing) <= MAX_UNRANKED_NAMED:
                lines.append(f"Not ranked ({lacking}): " + "; ".join(cite(h, value=False) for h in missing) + ".")
            else:  # the whole corpus: count them rather than cite a hundred papers
                lines.append(f"{len(missing)} of them could not be ranked ({lacking}).")
    elif name is not None:
        lines += [cite(h) + "." for h in hits[: query.limit or LOOKUP_PAPERS]]
    else:  # only filters: the papers that pass, in relevance order, with their dates
        name = "date"
        shown = hits[:MAX_LISTED]
        more = f" (the first {len(shown)} of {len(hits)})" if len(hits) > len(shown) else ""
        lines.append(f"The {scope}{where}{more}: " + "; ".join(cite(h) for h in shown) + ".")
    sources = [Source.from_hit(i, h) for i, h in enumerate(cited, 1)]
    return Answer(question, "\n".join(lines), sources, [], "extractive")


MAX_LISTED = 15  # papers named first or listed by a filter
MAX_NEXT = 5  # runners-up named after the first
MAX_UNRANKED_NAMED = 15  # papers lacking the field are named up to this many, else counted
LOOKUP_PAPERS = 1
ORDER_WORDS = {("date", True): "newest first", ("date", False): "oldest first", ("upvotes", True): "most upvoted first",
               ("upvotes", False): "least upvoted first", ("authors", True): "most authors first",
               ("authors", False): "fewest authors first"}
SUPERLATIVES = {("date", True): "most recent", ("date", False): "oldest", ("upvotes", True): "most upvoted",
                ("upvotes", False): "least upvoted", ("authors", True): "paper with the most authors",
                ("authors", False): "paper with the fewest authors"}


def as_hits(papers: list[Paper]) -> list[Hit]:
    """Papers as retrieval hits without a score, for answering from metadata alone."""
    return [Hit(p, 0.0, 0.0, 0.0) for p in papers]


def titles_in(text: str, papers) -> list[str]:
    """Ids of the papers an answer text names: by full title, or by the name before the title's
    colon ("RecGPT: A Foundation Model ..." -> "RecGPT") when that name is distinctive."""
    lowered = text.lower()
    found = []
    for paper in papers:
        name, colon, _ = paper.title.partition(":")
        names = [paper.title] + ([name] if colon and len(name.strip()) >= 4 and len(name.split()) <= 4 else [])
        if any(re.search(rf"(?<!\w){re.escape(n.strip().lower())}(?!\w)", lowered) for n in names):
            found.append((lowered.find(names[-1].strip().lower()), paper.id))
    return [pid for _, pid in sorted(found)]


def with_filter(query: MetaQuery, extra: PaperFilter | None) -> MetaQuery:
    """A question's own metadata combined with filters chosen in the UI/CLI/API (the question wins)."""
    return query if extra is None else replace(query, filter=query.filter.over(extra))
