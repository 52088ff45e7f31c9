"""Reading the corpus for a sync without parsing what has not changed.

A large corpus is mostly JSONL, one paper a line, and between two syncs almost every line is
the same. Each line's digest is remembered with the id and content hash of the paper it gave
(papers.sqlite, table lines); a line whose digest is known and whose paper is indexed with that
hash is not parsed again. Measured at 1,000,000 abstracts: parsing every line takes minutes,
digesting them seconds. Text dumps and CSV (whose records may span lines) are parsed whole, as
are all copies of a paper that appears more than once, so merging works as in load_corpus.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .corpus import Paper, Problem, find_files, jsonl_paper, merge, parse_csv, parse_dump, read_text
from .errors import AssistantError

Lines = dict[bytes, tuple[str, str]]  # line digest -> (paper id, content hash of that line's paper)


@dataclass
class Scan:
    papers: list[Paper]  # papers read in full: new, changed, or not recognised from their line
    known: dict[str, str]  # id -> content hash of papers recognised from their unchanged line
    problems: list[Problem]
    lines: dict[str, Lines]  # per JSONL file, its lines now
    cached: dict[str, Lines]  # per JSONL file, its lines at the last sync

    def hashes(self) -> dict[str, str]:
        return self.known | {p.id: p.content_hash for p in self.papers}


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
    entries: list[tuple[tuple[int, int], Paper]] = []  # ((file, line), paper), to merge in corpus order
    known: list[tuple[int, int, str, str]] = []  # (file, line, id, hash)
    problems: list[Problem] = []
    lines_now: dict[str, Lines] = {}
    cached: dict[str, Lines] = {}
    for f, path in enumerate(files):
        if path.suffix != ".jsonl":
            text = read_text(path)
            papers, found = parse_dump(text, path.name) if path.suffix == ".txt" else (parse_csv(text, path.name), [])
            problems += found
            entries += [((f, i), p) for i, p in enumerate(papers)]
            continue
        cache, now = cached.setdefault(path.name, cached_lines(path.name)), lines_now.setdefault(path.name, {})
        for n, raw in numbered_lines(path):
            digest = hashlib.blake2b(raw, digest_size=8).digest()
            hit = cache.get(digest)
            if hit and indexed.get(hit[0]) == hit[1]:
                known.append((f, n, *hit))
                now[digest] = hit
            else:
                paper = jsonl_paper(decode(raw, path.name, n), path.name, n)
                entries.append(((f, n), paper))
                now[digest] = (paper.id, paper.content_hash)  # before merging: this line's own paper
    repeated = {i for i, c in Counter([k[2] for k in known] + [p.id for _, p in entries]).items() if c > 1}
    if repeated and any(k[2] in repeated for k in known):  # read every copy, to merge them as load_corpus does
        wanted = {(k[0], k[1]) for k in known if k[2] in repeated}
        known = [k for k in known if k[2] not in repeated]
        for f in sorted({w[0] for w in wanted}):
            entries += [((f, n), jsonl_paper(decode(raw, files[f].name, n), files[f].name, n))
                        for n, raw in numbered_lines(files[f]) if (f, n) in wanted]
    entries.sort(key=lambda e: e[0])
    if not entries and not known:
        raise AssistantError(f"the corpus is empty: no papers in {', '.join(str(f) for f in files)}")
    return Scan(merge([p for _, p in entries]), {k[2]: k[3] for k in known}, problems, lines_now, cached)


def numbered_lines(path: Path):
    """(line number, line without its end) of each non-blank line, read in binary."""
    try:
        with path.open("rb") as f:
            for n, raw in enumerate(f, 1):
                raw = raw.rstrip(b"\r\n")
                if raw.strip():
                    yield n, raw
    except OSError as exc:
        raise AssistantError(f"{path}: cannot read ({exc.strerror})") from None
