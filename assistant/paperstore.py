"""The indexed papers and the corpus vocabulary in one SQLite file (papers.sqlite).

A read mapping id -> Paper that loads one paper per lookup: a query needs the few papers it
shows, and a million Paper objects would hold gigabytes. Writes are per batch of papers, so
one edited paper rewrites one row, not the corpus.

Tables:
  papers(id, hash, record)   every indexed paper: its content hash and all its fields as JSON
  tokens(token, papers)      each whitespace-separated token of the papers' text and submitter, with the
                             number of papers holding it
  words(word, tokens)        the vocabulary (corpus.vocabulary: tokens squashed, whole and split
                             at hyphens and slashes), with the number of live tokens giving it
  lines(file, digest, id, hash)   each JSONL line's digest and the paper it gave (scan.py)
The two counts make removals exact: a word leaves the vocabulary when its last paper does.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .corpus import Paper, vocabulary

SCHEMA = """
CREATE TABLE IF NOT EXISTS papers (id TEXT PRIMARY KEY, hash TEXT NOT NULL, record TEXT NOT NULL);
-- lets hashes() read ids and hashes without the records: 1 s instead of 6.5 at 1,000,000 papers
CREATE INDEX IF NOT EXISTS papers_hashes ON papers (id, hash);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, papers INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, tokens INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lines (file TEXT NOT NULL, digest BLOB NOT NULL, id TEXT NOT NULL, hash TEXT NOT NULL,
                                  PRIMARY KEY (file, digest)) WITHOUT ROWID;
"""
VARS = 500  # ids per IN (...): SQLite limits the parameters of one statement


def paper_from_record(record: str) -> Paper:
    fields = json.loads(record)
    fields.pop("id", None)
    return Paper(**fields)


def _tokens(paper: Paper) -> set[str]:
    """The tokens a paper adds to the vocabulary: its text and its submitter ("Alibaba-NLP"), so a
    question naming who submitted a paper names something the corpus mentions."""
    return set(f"{paper.text} {paper.submitter or ''}".split())


class PaperStore(Mapping):
    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock = threading.Lock()  # one connection shared by the UI's and batch's threads
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")  # readers in other processes during a sync
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def checkpoint(self) -> None:
        """Move the write-ahead log into papers.sqlite, so the file alone holds the index (a
        copy of it is whole, and damage to it shows instead of being masked by the log)."""
        with self.lock:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ---- reading -----------------------------------------------------------------------
    def __getitem__(self, paper_id: str) -> Paper:
        with self.lock:
            row = self.db.execute("SELECT record FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if row is None:
            raise KeyError(paper_id)
        return paper_from_record(row[0])

    def many(self, paper_ids: list[str]) -> dict[str, Paper]:
        """The stored papers among paper_ids, in one query (a search shows 20: 20 lookups cost
        about 0.3 ms more)."""
        with self.lock:
            rows = list(self._select("SELECT id, record FROM papers WHERE id IN ({})", paper_ids))
        return {pid: paper_from_record(record) for pid, record in rows}

    def __contains__(self, paper_id) -> bool:
        with self.lock:
            return self.db.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is not None

    def __len__(self) -> int:
        with self.lock:
            return self.db.execute("SELECT count(*) FROM papers").fetchone()[0]

    def __iter__(self) -> Iterator[str]:
        with self.lock:
            ids = [r[0] for r in self.db.execute("SELECT id FROM papers ORDER BY rowid")]
        return iter(ids)

    def values(self) -> Iterator[Paper]:  # one query, not one per paper
        with self.lock:
            records = self.db.execute("SELECT record FROM papers ORDER BY rowid").fetchall()
        return (paper_from_record(r) for (r,) in records)

    def hashes(self) -> dict[str, str]:
        """id -> content hash of every stored paper (what a sync compares the corpus with)."""
        with self.lock:
            return dict(self.db.execute("SELECT id, hash FROM papers"))

    def vocabulary(self) -> set[str]:
        with self.lock:
            return {w for (w,) in self.db.execute("SELECT word FROM words")}

    def known_words(self, words: set[str]) -> set[str]:
        """Those of `words` in the vocabulary, looked up without loading it."""
        found, todo = set(), sorted(words)
        with self.lock:
            for start in range(0, len(todo), VARS):
                part = todo[start : start + VARS]
                found.update(w for (w,) in self.db.execute(f"SELECT word FROM words WHERE word IN ({','.join('?' * len(part))})", part))
        return found

    def lines(self, file: str) -> dict[bytes, tuple[str, str]]:
        with self.lock:
            return {d: (i, h) for d, i, h in self.db.execute("SELECT digest, id, hash FROM lines WHERE file = ?", (file,))}

    # ---- writing (each call one transaction) -------------------------------------------
    def save_lines(self, before: dict[str, dict], now: dict[str, dict]) -> None:
        """Record the corpus's JSONL lines, writing only what differs from `before`."""
        with self.lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                for (file,) in db.execute("SELECT DISTINCT file FROM lines").fetchall():
                    if file not in now:
                        db.execute("DELETE FROM lines WHERE file = ?", (file,))
                for file, lines in now.items():
                    old = before.get(file, {})
                    db.executemany("DELETE FROM lines WHERE file = ? AND digest = ?", [(file, d) for d in old.keys() - lines.keys()])
                    db.executemany("INSERT OR REPLACE INTO lines VALUES (?, ?, ?, ?)",
                                   [(file, d, *v) for d, v in lines.items() if old.get(d) != v])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def put(self, papers: list[Paper]) -> None:
        self._change(papers, [p.id for p in papers])

    def delete(self, paper_ids: list[str]) -> None:
        self._change([], paper_ids)

    def _change(self, papers: list[Paper], replaced: list[str]) -> None:
        with self.lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                tokens = Counter()
                for record in self._select("SELECT record FROM papers WHERE id IN ({})", replaced):
                    tokens.subtract(_tokens(paper_from_record(record[0])))
                for paper in papers:
                    tokens.update(_tokens(paper))
                self._count_tokens({t: d for t, d in tokens.items() if d})
                for start in range(0, len(replaced), VARS):
                    part = replaced[start : start + VARS]
                    db.execute(f"DELETE FROM papers WHERE id IN ({','.join('?' * len(part))})", part)
                db.executemany("INSERT INTO papers (id, hash, record) VALUES (?, ?, ?)",
                               [(p.id, p.content_hash, json.dumps(p.record(), ensure_ascii=False)) for p in papers])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _count_tokens(self, delta: dict[str, int]) -> None:
        """Apply changes in papers per token; a token appearing or vanishing changes its words."""
        before = dict(self._select("SELECT token, papers FROM tokens WHERE token IN ({})", list(delta)))
        after = {t: before.get(t, 0) + d for t, d in delta.items()}
        born = [t for t, n in after.items() if n > 0 and not before.get(t)]
        died = [t for t, n in after.items() if n <= 0 and before.get(t)]
        self.db.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?)", [(t, n) for t, n in after.items() if n > 0])
        self.db.executemany("DELETE FROM tokens WHERE token = ?", [(t,) for t in died])
        words = Counter()
        for token in born:
            words.update(vocabulary([token]))
        for token in died:
            words.subtract(vocabulary([token]))
        words = {w: d for w, d in words.items() if d}
        have = dict(self._select("SELECT word, tokens FROM words WHERE word IN ({})", list(words)))
        now = {w: have.get(w, 0) + d for w, d in words.items()}
        self.db.executemany("INSERT OR REPLACE INTO words VALUES (?, ?)", [(w, n) for w, n in now.items() if n > 0])
        self.db.executemany("DELETE FROM words WHERE word = ?", [(w,) for w, n in now.items() if n <= 0])

    def _select(self, sql: str, keys: list) -> Iterable[tuple]:
        for start in range(0, len(keys), VARS):
            part = keys[start : start + VARS]
            yield from self.db.execute(sql.format(",".join("?" * len(part))), part)
