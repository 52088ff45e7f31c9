"""Reading the corpus for a sync in two passes, holding no more papers than a batch.

The first pass finds what the corpus holds: each paper's id and content hash, and where it is.
The papers themselves are not kept: a million of them take gigabytes. The second pass
(Scan.read) parses again the papers a sync needs, one at a time, as the sync embeds them.

A large corpus is mostly JSONL, one paper a line, and between two syncs almost every line is
the same. Each line's digest is remembered with the id and content hash of the paper it gave
(papers.sqlite, table lines); a line whose digest is known and whose paper is indexed with that
hash is not parsed. Measured at 1,000,000 synthetic abstracts on a loaded 2-core machine:
parsing every line took 117 s, digesting them 15-31 s. Text dumps and CSV (whose records may
span lines) are parsed whole, a file at a time. A paper that appears more than once is merged
from all its copies as in load_corpus, and only such papers are held.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, compress
from pathlib import Path

from .corpus import Paper, Problem, find_files, jsonl_paper, merge, parse_csv, parse_dump, read_text
from .errors import AssistantError

Lines = dict[bytes, tuple[str, str]]  # line digest -> (paper id, content hash of that line's paper)


@dataclass(slots=True)  # a million of them on a first sync
class Spot:
    """Where a parsed paper is: its file, and its byte offset and line number (JSONL) or its
    place among the file's papers (both fields; text dumps, CSV)."""

    file: int
    at: int
    line: int
    id: str
    hash: str


@dataclass
class Scan:
    files: list[Path]
    spots: list[Spot]  # the papers parsed in the first pass, in corpus order
    merged: dict[str, Paper]  # papers with several copies, merged
    known: dict[str, str]  # id -> content hash of papers recognised from their unchanged line
    problems: list[Problem]
    lines: dict[str, Lines]  # per JSONL file, its lines now
    cached: dict[str, Lines]  # per JSONL file, its lines at the last sync

    def fresh(self) -> dict[str, str]:
        """id -> content hash of the papers parsed (new, changed, or not recognised from their line)."""
        return {s.id: s.hash for s in self.spots} | {i: p.content_hash for i, p in self.merged.items()}

    def read(self, ids: set[str]) -> Iterator[Paper]:
        """The papers with these ids, in corpus order, parsed again one at a time."""
        done: set[str] = set()
        for spot, paper in parse_spots(self.files, (s for s in self.spots if s.id in ids and s.id not in done)):
            done.add(spot.id)
            if spot.id in self.merged:
                yield self.merged[spot.id]
                continue
            if (paper.id, paper.content_hash) != (spot.id, spot.hash):
                raise AssistantError(f"{self.files[spot.file]}: changed during the sync; run the sync again")
            yield paper
        yield from (p for i, p in self.merged.items() if i in ids and i not in done)  # every copy on an unchanged line


def parse_spots(files: list[Path], spots) -> Iterator[tuple[Spot, Paper]]:
    """Each spot (in corpus order) with its own paper, parsed again; each file is opened once."""
    reader = None
    try:
        for spot in spots:
            if reader is None or reader.path != files[spot.file]:
                if reader:
                    reader.close()
                path = files[spot.file]
                reader = JsonlReader(path) if path.suffix == ".jsonl" else WholeFile(path)
            yield spot, reader.paper(spot)
    finally:  # also when the sync stops midway (Ctrl-C, an error)
        if reader:
            reader.close()


class JsonlReader:
    def __init__(self, path: Path):
        self.path, self.handle = path, opened(path)

    def close(self):
        self.handle.close()

    def paper(self, spot: Spot) -> Paper:
        self.handle.seek(spot.at)
        raw = self.handle.readline().rstrip(b"\r\n")
        return jsonl_paper(decode(raw, self.path.name, spot.line), self.path.name, spot.line)


class WholeFile:
    """A text dump's or CSV file's papers, parsed once, by their place in the file."""

    def __init__(self, path: Path):
        self.path, self.papers = path, parse_other(path)[0]

    def close(self):
        self.papers = []

    def paper(self, spot: Spot) -> Paper:
        return self.papers[spot.at]


def parse_other(path: Path) -> tuple[list[Paper], list[Problem]]:
    text = read_text(path)
    return parse_dump(text, path.name) if path.suffix == ".txt" else (parse_csv(text, path.name), [])


def decode(raw: bytes, name: str, n: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AssistantError(f"{name}:{n}: not UTF-8 text (byte {exc.object[exc.start]:#04x})") from None


def scan_corpus(paths: list[Path], cached_lines, indexed: dict[str, str]) -> Scan:
    """`cached_lines(file name) -> Lines` as stored at the last sync; `indexed`: id -> hash in the index."""
    files = find_files(paths)
    if not files:
        raise AssistantError(f"no corpus files (.txt, .jsonl, .csv) in {', '.join(map(str, paths))}")
    spots: list[Spot] = []
    known: list[tuple[str, str]] = []  # (id, hash) of each unchanged line
    problems: list[Problem] = []
    lines_now: dict[str, Lines] = {}
    cached: dict[str, Lines] = {}
    for f, path in enumerate(files):
        if path.suffix != ".jsonl":
            papers, found = parse_other(path)
            problems += found
            spots += [Spot(f, i, i, p.id, p.content_hash) for i, p in enumerate(papers)]
            continue
        cache, now = cached.setdefault(path.name, cached_lines(path.name)), lines_now.setdefault(path.name, {})
        for first, offsets, lines in line_blocks(path):  # per line in C-level loops: this runs a million times
            digests = [hashlib.blake2b(line, digest_size=8).digest() for line in lines]
            hits = [cache.get(d) for d in digests]
            unchanged = [h is not None and indexed.get(h[0]) == h[1] for h in hits]
            known += compress(hits, unchanged)
            now.update(compress(zip(digests, hits), unchanged))
            for i in (i for i, same in enumerate(unchanged) if not same and lines[i].strip()):
                paper = jsonl_paper(decode(lines[i], path.name, first + i), path.name, first + i)
                spots.append(Spot(f, offsets[i], first + i, paper.id, paper.content_hash))
                now[digests[i]] = (paper.id, paper.content_hash)  # before merging: this line's own paper
    if not spots and not known:
        raise AssistantError(f"the corpus is empty: no papers in {', '.join(str(f) for f in files)}")
    repeated = {i for i, c in Counter([k[0] for k in known] + [s.id for s in spots]).items() if c > 1}
    merged = merge_repeats(files, spots, known, repeated, cached) if repeated else {}
    return Scan(files, spots, merged, dict(k for k in known if k[0] not in repeated), problems, lines_now, cached)


def merge_repeats(files: list[Path], spots: list[Spot], known, repeated: set[str], cached: dict[str, Lines]) -> dict[str, Paper]:
    """Papers with several copies, merged from all of them in corpus order as load_corpus merges
    them; copies on unchanged lines are found again by their lines' digests."""
    copies = [((s.file, s.line), p) for s, p in parse_spots(files, (s for s in spots if s.id in repeated))]
    if any(k[0] in repeated for k in known):
        parsed = {place for place, _ in copies}
        for f, path in enumerate(files):
            if path.suffix != ".jsonl":
                continue
            cache = cached[path.name]
            for first, _, lines in line_blocks(path):
                for i, line in enumerate(lines):
                    hit = cache.get(hashlib.blake2b(line, digest_size=8).digest())
                    if hit and hit[0] in repeated and (f, first + i) not in parsed:
                        copies.append(((f, first + i), jsonl_paper(decode(line, path.name, first + i), path.name, first + i)))
    copies.sort(key=lambda c: c[0])
    return {p.id: p for p in merge([p for _, p in copies])}


def opened(path: Path):
    try:
        return path.open("rb")
    except OSError as exc:
        raise AssistantError(f"{path}: cannot read ({exc.strerror})") from None


def line_blocks(path: Path, size: int = 1 << 24):
    """(number of the first line, each line's byte offset, lines without their ends) for blocks
    of about `size` bytes."""
    try:
        with path.open("rb") as f:
            first, start = 1, 0
            while block := f.readlines(size):
                offsets = list(accumulate(map(len, block), initial=start))
                start = offsets.pop()
                yield first, offsets, [line.rstrip(b"\r\n") for line in block]
                first += len(block)
    except OSError as exc:
        raise AssistantError(f"{path}: cannot read ({exc.strerror})") from None
