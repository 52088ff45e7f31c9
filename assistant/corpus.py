"""Reading paper corpora: Hugging Face "Daily Papers" text dumps, JSONL and CSV.

The dumps are listing pages copied as text. A paper is a title line followed by an abstract
line; on some pages metadata lines follow the abstract ("• 6 authors" or a submitter line,
then "·", then a date with an optional year and upvote count). Page chrome ("Subscribe",
"Daily Papers", the page date) is skipped. Papers repeat across files and are merged by
normalised title, remembering every file they came from.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path

from .errors import AssistantError

SUFFIXES = (".txt", ".jsonl", ".csv")
PAGE_CHROME = {
    "new",
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
}
AUTHORS_RE = re.compile(r"^•\s*(\d+)\s+authors?$")
DATE_RE = re.compile(r"^(?P<date>[A-Z][a-z]{2} \d{1,2}(?:, (?P<year>\d{4}))?)(?: (?P<upvotes>\d+))?$")
SEPARATOR = "·"
MAX_TITLE_CHARS = 300  # longer "titles" mean the title/abstract alternation went out of step
MIN_ABSTRACT_CHARS = 40
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@dataclass
class Paper:
    title: str
    abstract: str
    authors: int | None = None
    date: str | None = None
    year: int | None = None
    upvotes: int | None = None
    submitter: str | None = None
    sources: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    @cached_property  # a title never changes after parsing; 100,000 papers ask for ids millions of times
    def id(self) -> str:
        return hashlib.sha1(normalise_title(self.title).encode()).hexdigest()[:12]

    @property
    def text(self) -> str:
        """What is searched by words: the title and the abstract."""
        return f"{self.title}. {self.abstract}"

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that is embedded or shown for the paper changes."""
        fields = [self.title, self.abstract, self.date, self.year, self.authors, self.upvotes]
        return hashlib.sha1(json.dumps(fields).encode()).hexdigest()[:16]

    def record(self) -> dict:
        """The paper as stored in papers.sqlite: its id and every field (shallow, unlike asdict: 5x faster)."""
        return {"id": self.id} | {f.name: getattr(self, f.name) for f in fields(self)}

    def metadata(self) -> dict:
        """A chunk's metadata in the vector store: what a query filters on (year) and a sync
        compares (paper id, content hash), plus the title for whoever inspects the store. The
        rest of the record is in papers.sqlite; Chroma indexes every string it stores, and the
        chunk's text as a document costs most (bench/chroma_write.py)."""
        meta = {"paper_id": self.id, "title": self.title, "content_hash": self.content_hash}
        if self.year is not None:
            meta["year"] = self.year
        return meta


@dataclass
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Corpus:
    papers: list[Paper]
    files: list[str]
    entries: int
    problems: list[Problem]

    @property
    def duplicates(self) -> int:
        return self.entries - len(self.papers)

    def summary(self) -> dict:
        return {
            "files": len(self.files),
            "entries": self.entries,
            "unique_papers": len(self.papers),
            "duplicates": self.duplicates,
            "problems": [str(p) for p in self.problems],
        }


def normalise_title(title: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", title.lower()).split())


def squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def vocabulary(texts) -> set[str]:
    """Every word of the texts, squashed, whole and split at hyphens and slashes."""
    vocab: set[str] = set()
    for token in {token for text in texts for token in text.split()}:  # each distinct word once
        vocab.add(squash(token))
        vocab.update(squash(part) for part in re.split(r"[-/]", token))
    return vocab


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise AssistantError(f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})") from None
    except OSError as exc:
        raise AssistantError(f"{path}: cannot read ({exc.strerror})") from None


def parse_dump(text: str, name: str) -> tuple[list[Paper], list[Problem]]:
    """Parse one Daily Papers text dump into papers (in page order) and problems."""
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line]
    papers: list[Paper] = []
    problems: list[Problem] = []
    title: tuple[int, str] | None = None

    def expect_no_pending_title(what: str) -> None:
        nonlocal title
        if title is not None:
            problems.append(Problem(name, title[0], f"title {title[1][:60]!r} has no abstract (next came {what})"))
            title = None

    for i, (n, line) in enumerate(lines):
        if line.startswith("Subscribe") and line != "Subscribe":
            line = line[len("Subscribe"):].strip()  # one page glues the first title to the button
        next_line = lines[i + 1][1] if i + 1 < len(lines) else None
        if line in PAGE_CHROME:
            continue
        if match := AUTHORS_RE.match(line):
            expect_no_pending_title("an authors line")
            if papers:
                papers[-1].authors = int(match.group(1))
            continue
        if line == SEPARATOR:
            continue
        if next_line == SEPARATOR:  # "Alibaba-NLP Alibaba-NLP" / "·": a submitter, not a paper
            expect_no_pending_title("a submitter line")
            if papers:
                papers[-1].submitter = line
            continue
        if match := DATE_RE.match(line):
            expect_no_pending_title("a date line")
            if papers:  # before the first paper a date is the page's own date
                papers[-1].date = match.group("date")
                papers[-1].year = int(match.group("year")) if match.group("year") else None
                papers[-1].upvotes = int(match.group("upvotes")) if match.group("upvotes") else None
            continue
        if title is None:
            if len(line) > MAX_TITLE_CHARS:
                problems.append(Problem(name, n, f"expected a title, found a {len(line)}-character paragraph"))
                continue
            title = (n, line)
            continue
        if len(line) < MIN_ABSTRACT_CHARS:
            problems.append(Problem(name, title[0], f"title {title[1][:60]!r} is followed by a {len(line)}-character line, not an abstract"))
            title = (n, line)
            continue
        papers.append(Paper(title=title[1], abstract=line, sources=[name]))
        title = None
    expect_no_pending_title("the end of the file")
    return papers, problems


def _record_to_paper(record: dict, where: str, name: str) -> Paper:
    values = {k: ("" if v is None else str(v)).strip() for k, v in record.items() if k is not None}
    for required in ("title", "abstract"):
        if not values.get(required):
            raise AssistantError(f"{where}: missing or empty {required!r}")
    paper = Paper(title=values.pop("title"), abstract=values.pop("abstract"), sources=[name])
    for key in ("authors", "year", "upvotes"):
        if values.get(key, "").isdigit():
            setattr(paper, key, int(values.pop(key)))
    for key in ("date", "submitter"):
        if values.get(key):
            setattr(paper, key, values.pop(key))
    paper.extra = {k: v for k, v in values.items() if v}
    return paper


def jsonl_object(line: str, name: str, n: int, expected: str) -> dict:
    """The JSON object on line n; anything else is an error naming the line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise AssistantError(f"{name}:{n}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise AssistantError(f"{name}:{n}: expected a JSON object with {expected}")
    if SURROGATE_ESCAPE.search(line):  # rare, so only then the costlier check
        try:
            json.dumps(record, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # \udcff and the like: no text can be written with it
            raise AssistantError(f"{name}:{n}: holds an escaped lone surrogate (\\ud800-\\udfff), which is not text") from None
    return record


def jsonl_objects(text: str, name: str, expected: str) -> list[tuple[int, dict]]:
    """(line number, object) for each non-blank line."""
    return [(n, jsonl_object(line, name, n, expected)) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def jsonl_paper(line: str, name: str, n: int) -> Paper:
    return _record_to_paper(jsonl_object(line, name, n, "'title' and 'abstract'"), f"{name}:{n}", name)


def parse_jsonl(text: str, name: str) -> list[Paper]:
    return [jsonl_paper(line, name, n) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def parse_csv(text: str, name: str) -> list[Paper]:
    reader = csv.DictReader(text.splitlines())
    missing = {"title", "abstract"} - set(reader.fieldnames or [])
    if missing:
        raise AssistantError(f"{name}:1: CSV header lacks column(s) {', '.join(sorted(missing))}")
    return [_record_to_paper(row, f"{name}:{reader.line_num}", name) for row in reader]


def find_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
            if path.suffix not in SUFFIXES:
                raise AssistantError(f"{path}: unsupported file type (use .txt dumps, .jsonl or .csv)")
            files.append(path)
        else:
            raise AssistantError(f"corpus path {path} does not exist")
    return files


def merge(papers: list[Paper]) -> list[Paper]:
    """Merge repeats by normalised title; later copies fill metadata the first one lacked."""
    merged: dict[str, Paper] = {}
    for paper in papers:
        first = merged.setdefault(paper.id, paper)
        if first is paper:
            continue
        for key in ("authors", "date", "year", "upvotes", "submitter"):
            if getattr(first, key) is None and getattr(paper, key) is not None:
                setattr(first, key, getattr(paper, key))
        first.sources += [s for s in paper.sources if s not in first.sources]
        first.extra = {**paper.extra, **first.extra}
    return list(merged.values())


def load_corpus(paths: list[Path]) -> Corpus:
    files = find_files(paths)
    if not files:
        raise AssistantError(f"no corpus files (.txt, .jsonl, .csv) in {', '.join(map(str, paths))}")
    entries: list[Paper] = []
    problems: list[Problem] = []
    for path in files:
        text = read_text(path)
        if path.suffix == ".txt":
            papers, found = parse_dump(text, path.name)
            problems += found
        elif path.suffix == ".jsonl":
            papers = parse_jsonl(text, path.name)
        else:
            papers = parse_csv(text, path.name)
        entries += papers
    if not entries:
        raise AssistantError(f"the corpus is empty: no papers in {', '.join(str(f) for f in files)}")
    return Corpus(papers=merge(entries), files=[f.name for f in files], entries=len(entries), problems=problems)
