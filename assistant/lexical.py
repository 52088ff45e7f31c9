"""BM25 over papers (title + abstract) that touches only the query terms' postings, and is
updated in place: a sync tokenizes only new or changed papers.

Stored under bm25/ in the index folder (numpy files, memory-mapped when read):
  terms.json    the vocabulary (lower-cased, English stop words removed, Snowball-stemmed);
                a term's position is its column
  indptr.npy, rows.npy, counts.npy   term counts, terms x rows (compressed sparse columns:
                each term's posting list, rows ascending)
  lengths.npy   each row's number of terms (0 for a deleted row)
  ids.npy, hashes.npy, years.npy    each row's paper id, content hash and year (0: none)

Only term counts are stored. IDF and length normalisation come from them at query time, so
adding or removing a paper leaves every other row alone. The score is Lucene's BM25, as in
bm25s (k1 1.5, b 0.75), over the live rows: the same scores as bm25s indexing the same papers.

A query reads only its terms' posting lists: each posting is added into a score accumulator
in one vectorized pass, and the top n are picked among the rows above a floor that n rows are
known to reach. Exact top n. (MaxScore pruning, which skips long lists, was measured slower in
numpy: its bookkeeping costs more per posting than the one pass it saves, README "Scaling".)

An update tombstones replaced rows (no postings, length 0, empty id), appends new rows at the end
and rewrites the arrays in one pass; tombstones are squeezed out when they reach a quarter of
the rows.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

from .text import american

K1, B = 1.5, 0.75
ARRAYS = ("indptr", "rows", "counts", "lengths", "ids", "hashes", "years")


TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s' (and scikit-learn's) token pattern


def tokenize(texts: list[str]) -> list[list[str]]:
    """What bm25s.tokenize(texts, stopwords="en", stemmer=English Snowball) returns for the texts
    spelt the American way (text.american: "generalisation" finds "generalization"), token for
    token (tests/test_lexical.py compares them), without its per-call set-up: bm25s builds a
    stemmer, a stop-word set and id tables for every call, 0.24 ms of a query's BM25 at 100,000 abstracts."""
    stopwords, stem = _stopwords(), _stemmer().stemWords
    return [stem([american(t) for t in TOKEN.findall(text.lower()) if t not in stopwords]) for text in texts]


@functools.cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


_local = threading.local()


def _stemmer():
    """One Snowball stemmer per thread: PyStemmer's objects are not thread-safe."""
    if not hasattr(_local, "stemmer"):
        import Stemmer

        _local.stemmer = Stemmer.Stemmer("english")
    return _local.stemmer


def _idf(n, df):
    """Lucene's BM25 IDF of a term in df of n rows (a number or an array of them)."""
    return np.log(1 + (n - df + 0.5) / (df + 0.5))


class Lexical:
    def __init__(self, folder: Path):
        self.dir = Path(folder)
        self._local = threading.local()

    def exists(self) -> bool:
        return (self.dir / "ids.npy").exists()

    # ---- reading (memory-mapped: a large index costs little memory and no start-up) ----
    @cached_property
    def terms(self) -> dict[str, int]:
        if not self.exists():
            return {}
        return {term: column for column, term in enumerate(json.loads((self.dir / "terms.json").read_text()))}

    @cached_property
    def arrays(self) -> dict[str, np.ndarray]:
        if not self.exists():
            return empty_arrays()
        # plain views of the mapped files: numpy's memmap class costs microseconds per slice, and a query slices hundreds of times
        return {name: np.asarray(np.load(self.dir / f"{name}.npy", mmap_mode="r")) for name in ARRAYS}

    @cached_property
    def stats(self) -> tuple[int, float]:
        """Live rows and their average length: what IDF and length normalisation need."""
        a = self.arrays
        live = int(np.count_nonzero(a["ids"])) if len(a["ids"]) else 0
        return live, float(a["lengths"].sum(dtype=np.float64)) / max(live, 1)

    @property
    def paper_ids(self) -> np.ndarray:
        return self.arrays["ids"]

    def paper_id(self, row: int) -> str:
        return self.arrays["ids"][row].decode()

    @cached_property
    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Each posting's tf / (tf + k1 (1 - b + b |d| / avgdl)) and each term's largest: a term's
        BM25 in a row is its IDF times the posting's weight. Computed once per process when the
        index is opened (about 4 bytes a posting, 390 MB and a few seconds at 1,000,000 abstracts)
        rather than stored: every update moves avgdl, so stored weights would double the bytes
        each edit rewrites."""
        return posting_weights(self.arrays, self.stats[1])

    def _scratch(self) -> np.ndarray:
        """A per-thread buffer as long as the index, allocated once and left zeroed after each
        query (the rows it touched are reset, or the whole buffer when that is cheaper)."""
        size = len(self.arrays["ids"])
        if getattr(self._local, "size", None) != size:
            self._local.size = size
            self._local.buffer = np.zeros(size, np.float32)
        return self._local.buffer

    def search(self, query: str, n: int, admit=None) -> tuple[np.ndarray, np.ndarray]:
        """The n best rows for the query and their BM25 scores, best first (ties: lower row
        first); rows scoring 0 are never returned. `admit(rows) -> bool array` restricts the
        rows that count (say, a year range).

        Every posting of the query's terms is added into a score accumulator (numpy's add.at:
        about 2 ns a posting, one pass); no other row is touched. The n best are then picked
        above a floor that n rows are known to reach: the n-th best score among the rows of the
        lists that can add most (a rare word's list holds the best rows)."""
        a = self.arrays
        live, _ = self.stats
        columns = [self.terms[t] for t in tokenize([query])[0] if t in self.terms]
        if not columns or not live or n <= 0:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        columns, repeats = np.unique(columns, return_counts=True)  # a repeated word counts again, as in bm25s
        starts, ends = a["indptr"][columns], a["indptr"][columns + 1]
        idf = (repeats * _idf(live, (ends - starts).astype(np.float64))).astype(np.float32)
        weights, max_weight = self.weights
        order = np.argsort(-idf * max_weight[columns], kind="stable")  # most a term can add to a row, highest first
        lists = [(int(starts[i]), int(ends[i]), idf[i]) for i in order]

        acc = self._scratch()
        # Long lists: one pass over the whole accumulator finds and resets what they touched for less.
        dense = 8 * (ends - starts).sum() > len(acc)
        try:
            for start, end, term_idf in lists:
                np.add.at(acc, a["rows"][start:end], term_idf * weights[start:end])
            rows = self._above_floor(lists, acc, n, admit, dense)
            scores = acc[rows]
        finally:
            if dense:
                acc.fill(0)
            else:
                for start, end, _ in lists:
                    acc[a["rows"][start:end]] = 0
        if len(rows) > n:
            cut = np.partition(scores, len(scores) - n)[len(scores) - n]
            keep = scores >= cut  # rows tied with the n-th score stay: the lowest rows win, as in a full sort
            rows, scores = rows[keep], scores[keep]
        best = np.lexsort((rows, -scores))[:n]
        return rows[best], scores[best]

    def _above_floor(self, lists: list, acc: np.ndarray, n: int, admit, dense: bool) -> np.ndarray:
        """The admitted rows scoring at least the n-th best score of the first lists' rows
        (enough lists for n admitted rows), or every admitted row that scores at all; read off
        the whole accumulator when `dense`, else off the lists' rows."""
        postings = self.arrays["rows"]
        lead = np.empty(0, postings.dtype)
        for start, end, _ in lists:
            rows = postings[start:end]
            if admit is not None and len(rows):
                rows = rows[admit(rows)]
            lead = np.union1d(lead, rows) if len(lead) else rows
            if len(lead) >= n:
                break
        floor = np.finfo(np.float32).tiny  # above 0: rows that match nothing
        if len(lead) >= n:
            floor = max(floor, np.partition(acc[lead], len(lead) - n)[len(lead) - n])
        if dense:
            rows = np.flatnonzero(acc >= floor)
        else:
            rows = np.unique(np.concatenate([postings[s:e] for s, e, _ in lists]))
            rows = rows[acc[rows] >= floor]
        if admit is not None and len(rows):
            rows = rows[admit(rows)]
        return rows

    def score_all(self, query: str) -> dict[str, float]:
        """BM25 of every live paper that matches the query (for tests and small corpora)."""
        rows, scores = self.search(query, len(self.arrays["ids"]))
        return {self.paper_id(r): float(s) for r, s in zip(rows, scores)}

    def idf(self, term: str) -> float | None:
        """BM25's inverse document frequency of a (stemmed) term; None when no paper has it."""
        column = self.terms.get(term)
        if column is None:
            return None
        indptr = self.arrays["indptr"]
        return float(_idf(self.stats[0], int(indptr[column + 1] - indptr[column])))

    # ---- writing -------------------------------------------------------------------
    def stored(self) -> dict[str, str]:
        a = self.arrays
        return {i.decode(): h.decode() for i, h in zip(a["ids"], a["hashes"]) if i}

    def update(self, papers: list) -> int:
        """Make the stored rows describe exactly `papers`; returns how many were tokenized."""
        stored = self.stored()
        wanted = {p.id for p in papers}
        todo = [p for p in papers if stored.get(p.id) != p.content_hash]
        self.apply(todo, [pid for pid in stored if pid not in wanted])
        return len(todo)

    def apply(self, add: list, remove: list[str] = ()) -> None:
        """Add (or replace) the papers `add` and delete the papers with ids `remove`, in one
        rewrite. Memory: the stored arrays once more, plus the added papers' postings."""
        a = self.arrays
        terms = dict(self.terms) if self.exists() else {}
        add = list({p.id: p for p in add}.values())  # the last version of a paper given twice
        gone_ids = np.array(sorted(set(remove) | {p.id for p in add}), dtype="S12")
        gone = np.flatnonzero(find(a["ids"], gone_ids))
        if not add and not len(gone):
            return

        # postings of the added papers: (column, row), sorted so each goes to the end of its column
        first_row = len(a["ids"])
        cols, rows, counts, lengths = [], [], [], []
        for i, tokens in enumerate(tokenize([p.text for p in add]) if add else []):
            column, count = np.unique([terms.setdefault(t, len(terms)) for t in tokens], return_counts=True)
            cols.append(column)
            rows.append(np.full(len(column), first_row + i))
            counts.append(count)
            lengths.append(len(tokens))
        cols = np.concatenate(cols).astype(np.int64) if cols else np.empty(0, np.int64)
        rows = np.concatenate(rows).astype(np.int32) if rows else np.empty(0, np.int32)
        counts = np.minimum(np.concatenate(counts), 65535).astype(np.uint16) if counts else np.empty(0, np.uint16)
        order = np.lexsort((rows, cols))
        cols, rows, counts = cols[order], rows[order], counts[order]

        # the stored postings without the deleted rows' and with the new ones at the end of their columns
        old_rows, old_counts, indptr = a["rows"], a["counts"], np.asarray(a["indptr"], np.int64)
        removed = np.empty(0, np.int64)
        if len(gone):
            dead = np.zeros(len(a["ids"]), bool)
            dead[gone] = True
            removed = np.flatnonzero(dead[old_rows])
        n_terms = len(terms)
        removed_per_term = np.bincount(np.searchsorted(indptr, removed, side="right") - 1, minlength=n_terms)
        indptr = np.concatenate([indptr, np.full(n_terms + 1 - len(indptr), indptr[-1] if len(indptr) else 0)])
        at = indptr[cols + 1]  # positions in the stored arrays
        out_rows, out_counts = splice(old_rows, removed, at, rows), splice(old_counts, removed, at, counts)
        out_indptr = indptr + np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n_terms) - removed_per_term)])

        arrays = {
            "indptr": out_indptr, "rows": out_rows, "counts": out_counts,
            "lengths": np.concatenate([a["lengths"], lengths]).astype(np.float32),
            "ids": np.concatenate([a["ids"], np.array([p.id for p in add], dtype="S12")]),
            "hashes": np.concatenate([a["hashes"], np.array([p.content_hash for p in add], dtype="S16")]),
            "years": np.concatenate([a["years"], np.array([p.year or 0 for p in add], dtype=np.int16)]),
        }
        for name, nothing in (("lengths", 0), ("ids", b""), ("hashes", b""), ("years", 0)):
            arrays[name][gone] = nothing  # tombstones
        if 4 * (len(arrays["ids"]) - np.count_nonzero(arrays["ids"])) >= len(arrays["ids"]):
            arrays = squeeze(arrays)
        self._write(list(terms), arrays)

    def _write(self, terms: list[str], arrays: dict) -> None:
        tmp, old = self.dir.with_name(f".{self.dir.name}.tmp"), self.dir.with_name(f".{self.dir.name}.old")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        (tmp / "terms.json").write_text(json.dumps(terms, ensure_ascii=False))
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", array)
        shutil.rmtree(old, ignore_errors=True)
        if self.dir.exists():
            self.dir.rename(old)  # readers that mapped the old files keep them until they close
        tmp.rename(self.dir)
        shutil.rmtree(old, ignore_errors=True)
        for name in ("terms", "arrays", "stats", "weights"):
            self.__dict__.pop(name, None)


def splice(array: np.ndarray, remove: np.ndarray, at: np.ndarray, values: np.ndarray) -> np.ndarray:
    """`array` without the elements at positions `remove` and with `values` inserted before
    positions `at` (both sorted, positions in `array`): one copy of the array, in pieces when the
    changes are few (an edit), vectorized when they are many (a large batch)."""
    if len(remove) + len(at) > 10_000:
        keep = np.ones(len(array), bool)
        keep[remove] = False
        return np.insert(np.asarray(array)[keep], at - np.searchsorted(remove, at), values)
    events = sorted([(int(p), 0, i) for i, p in enumerate(at)] + [(int(p), 1, i) for i, p in enumerate(remove)])
    pieces, last = [], 0
    for position, is_removal, i in events:
        pieces.append(array[last:position])
        if is_removal:
            last = position + 1
        else:
            pieces.append(values[i : i + 1])
            last = position
    pieces.append(array[last:])
    return np.concatenate(pieces).astype(array.dtype, copy=False)


def find(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Which of `ids` are in `wanted`: compared one by one when few (sorting a million ids costs a second)."""
    if len(wanted) > 32:
        return np.isin(ids, wanted)
    found = np.zeros(len(ids), bool)
    for paper_id in wanted:
        found |= ids == paper_id
    return found


def posting_weights(arrays: dict, avgdl: float) -> tuple[np.ndarray, np.ndarray]:
    counts, indptr = np.asarray(arrays["counts"], np.float32), np.asarray(arrays["indptr"])
    norm = (K1 * (1 - B + B * np.asarray(arrays["lengths"], np.float32) / np.float32(avgdl))).astype(np.float32)
    weights = counts / (counts + norm[arrays["rows"]])
    max_weight = np.zeros(len(indptr) - 1, np.float32)
    nonempty = np.flatnonzero(indptr[1:] > indptr[:-1])
    if len(nonempty):
        max_weight[nonempty] = np.maximum.reduceat(weights, indptr[nonempty])
    return weights, max_weight


def empty_arrays() -> dict[str, np.ndarray]:
    return {"indptr": np.zeros(1, np.int64), "rows": np.empty(0, np.int32), "counts": np.empty(0, np.uint16),
            "lengths": np.empty(0, np.float32), "ids": np.empty(0, "S12"),
            "hashes": np.empty(0, "S16"), "years": np.empty(0, np.int16)}


def squeeze(arrays: dict) -> dict:
    """Drop the tombstones, renumbering rows in order (so rankings and ties are unchanged)."""
    live = arrays["ids"] != b""
    new_row = np.cumsum(live, dtype=np.int64) - 1
    out = {name: arrays[name][live] for name in ("lengths", "ids", "hashes", "years")}
    return out | {"indptr": arrays["indptr"], "rows": new_row[arrays["rows"]].astype(np.int32), "counts": arrays["counts"]}
