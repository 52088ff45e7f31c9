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

    def search(self, query: str, n: int, admit=None) -> tuple[np.ndarray, np.ndarray]:
        """The n best rows for the query and their BM25 scores, best first (ties: lower row
        first); rows scoring 0 are never returned. `admit(rows) -> bool array` restricts the
        rows that count (say, a year range)."""
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
        best = idf * max_tf / (max_tf + K1 * (1 - B + B * min_len / avgdl))  # no row of the term scores more
        order = np.argsort(-best, kind="stable")
        unread = np.concatenate([np.cumsum(best[order][::-1])[::-1], [0.0]])  # bound of the terms not yet read
        terms = [(int(starts[i]), int(ends[i]), float(idf[i])) for i in order]

        candidates, read, taken, threshold = np.empty(0, np.int32), 0, 0, 0.0
        while taken < len(terms):
            group = []
            while taken < len(terms) and (not group or read < READ_AT_ONCE):
                start, end, _ = terms[taken]
                group.append(np.asarray(a["rows"][start:end]))
                read += end - start
                taken += 1
            candidates = np.union1d(candidates, np.concatenate(group))
            if taken == len(terms):
                break
            rows, scores = self._top(candidates, terms, n, admit, avgdl)
            threshold = scores[-1] if len(scores) == n else 0.0
            if unread[taken] < threshold * (1 - 1e-6):  # a row holding only unread terms cannot make the top n
                break
        return self._top(candidates, terms, n, admit, avgdl)

    def _top(self, rows, terms, n, admit, avgdl) -> tuple[np.ndarray, np.ndarray]:
        if admit is not None and len(rows):
            rows = rows[admit(rows)]
        scores = self._score(rows, terms, avgdl)
        if len(rows) > n:
            keep = np.argpartition(-scores, n - 1)[:n]
            cut = scores[keep].min()  # rows tied with the n-th score: the lowest rows win, as in a full sort
            keep = np.flatnonzero(scores >= cut)
            rows, scores = rows[keep], scores[keep]
        order = np.lexsort((rows, -scores))[:n]
        return rows[order], scores[order]

    def _score(self, rows: np.ndarray, terms, avgdl) -> np.ndarray:
        """Exact BM25 of the given rows (ascending): each term is looked up in them."""
        a = self.arrays
        scores = np.zeros(len(rows), np.float64)
        if not len(rows):
            return scores.astype(np.float32)
        norm = K1 * (1 - B + B * np.asarray(a["lengths"][rows], np.float64) / avgdl)
        for start, end, idf in terms:
            postings = a["rows"][start:end]
            at = np.searchsorted(postings, rows)
            found = at < len(postings)
            found[found] = postings[at[found]] == rows[found]
            tf = np.asarray(a["counts"][start + at[found]], np.float64)
            scores[found] += idf * tf / (tf + norm[found])
        return scores.astype(np.float32)

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
        for name in ("terms", "arrays", "stats"):
            self.__dict__.pop(name, None)


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
