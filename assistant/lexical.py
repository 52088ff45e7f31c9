"""BM25 over papers (title + abstract) that touches only the query terms' postings, and is
updated in place: a sync tokenizes only new or changed papers.

Stored under bm25/ in the index folder (numpy files, memory-mapped when read):
  terms.json    the vocabulary (lower-cased, English stop words removed, Snowball-stemmed);
                a term's position is its column
  indptr.npy, rows.npy, counts.npy   term counts, terms x rows (compressed sparse columns:
                each term's posting list, rows ascending)
  bound.npy     per term: the largest count and the shortest row holding it (for score bounds)
  lengths.npy   each row's number of terms (0 for a deleted row)
  ids.npy, hashes.npy, years.npy    each row's paper id, content hash and year (0: none)

Only term counts are stored. IDF and length normalisation come from them at query time, so
adding or removing a paper leaves every other row alone. The score is Lucene's BM25, as in
bm25s (k1 1.5, b 0.75), over the live rows: the same scores as bm25s indexing the same papers.

A query reads only its terms' posting lists, and not even all of them (MaxScore): rows of the
rarest terms are scored first, exactly, by looking every query term up in them (binary search
in its posting list); a term whose best possible contribution, added to those of all terms
still unread, cannot reach the n-th best score found so far is never read. Exact top n, whatever
is skipped. An update deletes replaced rows (a tombstone: no postings, length 0, empty id),
appends new rows at the end and rewrites the arrays in one pass; tombstones are squeezed out
when they reach a quarter of the rows.
"""

from __future__ import annotations

import json
import shutil
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

K1, B = 1.5, 0.75
READ_AT_ONCE = 50_000  # postings read before the first bound check: rare terms together, cheaply
ARRAYS = ("indptr", "rows", "counts", "bound", "lengths", "ids", "hashes", "years")


def tokenize(texts: list[str]) -> list[list[str]]:
    import bm25s
    import Stemmer

    return bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False, show_progress=False)


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
        return {name: np.load(self.dir / f"{name}.npy", mmap_mode="r") for name in ARRAYS}

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
    def norm(self) -> np.ndarray:
        """Each row's length normalisation, k1 (1 - b + b |d| / avgdl), computed once per index."""
        return (K1 * (1 - B + B * np.asarray(self.arrays["lengths"]) / self.stats[1])).astype(np.float32)

    def _scratch(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-thread buffers as long as the index, allocated once and left zeroed after each
        query (only the rows it touched are reset), so a query costs what it reads."""
        size = len(self.arrays["ids"])
        if getattr(self._local, "size", None) != size:
            self._local.size = size
            self._local.buffers = np.zeros(size, np.float32), np.zeros(size, bool)
        return self._local.buffers

    def search(self, query: str, n: int, admit=None) -> tuple[np.ndarray, np.ndarray]:
        """The n best rows for the query and their BM25 scores, best first (ties: lower row
        first); rows scoring 0 are never returned. `admit(rows) -> bool array` restricts the
        rows that count (say, a year range).

        MaxScore: posting lists are read rarest term first into a score accumulator; once the
        bounds of the terms left add up to less than the n-th best partial score, no row they
        alone hold can make the top n, so they are not read. They are looked up (binary search)
        only for the rows read so far that could still make it."""
        a = self.arrays
        live, avgdl = self.stats
        columns = [self.terms[t] for t in tokenize([query])[0] if t in self.terms]
        if not columns or not live or n <= 0:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        columns, repeats = np.unique(columns, return_counts=True)  # a repeated word counts again, as in bm25s
        starts, ends = a["indptr"][columns], a["indptr"][columns + 1]
        df = (ends - starts).astype(np.float64)
        idf = repeats * np.log(1 + (live - df + 0.5) / (df + 0.5))
        max_tf, min_len = a["bound"][columns, 0], a["bound"][columns, 1]
        bound = idf * max_tf / (max_tf + K1 * (1 - B + B * min_len / avgdl))  # no row of the term scores more
        order = np.argsort(-bound, kind="stable")
        unread = np.concatenate([np.cumsum(bound[order][::-1])[::-1], [0.0]]) * (1 + 1e-5)  # margin for rounding
        terms = [(int(starts[i]), int(ends[i]), np.float32(idf[i])) for i in order]

        acc, seen = self._scratch()
        norm = self.norm
        touched, admitted, read, since, threshold, taken = [], [], 0, 0, 0.0, 0
        try:
            while taken < len(terms):
                start, end, term_idf = terms[taken]
                rows = np.asarray(a["rows"][start:end])
                acc[rows] += weight(term_idf, a["counts"][start:end], norm[rows])
                fresh = rows[~seen[rows]]
                seen[fresh] = True
                touched.append(fresh)
                admitted.append(fresh if admit is None else fresh[admit(fresh)])
                taken += 1
                read, since = read + end - start, since + end - start
                if taken < len(terms) and since >= READ_AT_ONCE:
                    since = 0
                    partial = acc[np.concatenate(admitted)]
                    threshold = float(np.partition(partial, len(partial) - n)[len(partial) - n]) if len(partial) >= n else 0.0
                    if unread[taken] < threshold:
                        break
            rows = np.sort(np.concatenate(admitted))
            scores = acc[rows]
        finally:
            for part in touched:
                acc[part] = 0
                seen[part] = False
        for start, end, term_idf in terms[taken:]:  # the terms not read, for the rows that could still make it
            keep = scores + unread[taken] >= threshold
            rows, scores = rows[keep], scores[keep]
            postings = a["rows"][start:end]
            at = np.searchsorted(postings, rows)
            found = at < len(postings)
            found[found] = postings[at[found]] == rows[found]
            scores[found] += weight(term_idf, a["counts"][start + at[found]], norm[rows[found]])
            taken += 1
        if len(rows) > n:
            cut = np.partition(scores, len(scores) - n)[len(scores) - n]
            keep = scores >= cut  # rows tied with the n-th score stay: the lowest rows win, as in a full sort
            rows, scores = rows[keep], scores[keep]
        best = np.lexsort((rows, -scores))[:n]
        return rows[best], scores[best]

    def score_all(self, query: str) -> dict[str, float]:
        """BM25 of every live paper that matches the query (for tests and small corpora)."""
        rows, scores = self.search(query, len(self.arrays["ids"]))
        return {self.paper_id(r): float(s) for r, s in zip(rows, scores)}

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
        gone = np.flatnonzero(np.isin(a["ids"], gone_ids)) if len(a["ids"]) and len(gone_ids) else np.empty(0, np.int64)
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

        # the stored postings without the deleted rows
        old_rows, old_counts, indptr = a["rows"], a["counts"], np.asarray(a["indptr"], np.int64)
        if len(gone):
            keep = ~np.isin(old_rows, gone.astype(np.int32))
            kept = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])
            indptr, old_rows, old_counts = kept[indptr], old_rows[keep], old_counts[keep]
        n_terms = len(terms)
        indptr = np.concatenate([indptr, np.full(n_terms + 1 - len(indptr), indptr[-1] if len(indptr) else 0)])
        out_rows = np.insert(np.asarray(old_rows), indptr[cols + 1], rows)
        out_counts = np.insert(np.asarray(old_counts), indptr[cols + 1], counts)
        out_indptr = indptr + np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n_terms))])

        bound = np.zeros((n_terms, 2), np.float32)  # an old bound stays valid (it may be loose)
        bound[: len(a["bound"])] = a["bound"]
        bound[len(a["bound"]) :, 1] = np.inf
        if len(cols):
            np.maximum.at(bound[:, 0], cols, counts)
            row_lengths = np.asarray(lengths, np.float32)
            np.minimum.at(bound[:, 1], cols, row_lengths[rows - first_row])
        arrays = {
            "indptr": out_indptr, "rows": out_rows, "counts": out_counts, "bound": bound,
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
        for name in ("terms", "arrays", "stats", "norm"):
            self.__dict__.pop(name, None)


def weight(idf: np.float32, tf: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """A term's BM25 contribution in float32; one expression, so every path sums the same numbers."""
    tf = np.asarray(tf, np.float32)
    return idf * tf / (tf + norm)


def empty_arrays() -> dict[str, np.ndarray]:
    return {"indptr": np.zeros(1, np.int64), "rows": np.empty(0, np.int32), "counts": np.empty(0, np.uint16),
            "bound": np.empty((0, 2), np.float32), "lengths": np.empty(0, np.float32), "ids": np.empty(0, "S12"),
            "hashes": np.empty(0, "S16"), "years": np.empty(0, np.int16)}


def squeeze(arrays: dict) -> dict:
    """Drop the tombstones, renumbering rows in order (so rankings and ties are unchanged)."""
    live = arrays["ids"] != b""
    new_row = np.cumsum(live, dtype=np.int64) - 1
    out = {name: arrays[name][live] for name in ("lengths", "ids", "hashes", "years")}
    return out | {"indptr": arrays["indptr"], "rows": new_row[arrays["rows"]].astype(np.int32),
                  "counts": arrays["counts"], "bound": arrays["bound"]}
