"""Hybrid retrieval ranked at paper level: dense chunks from Chroma and BM25 over papers,
fused by a convex combination of their scores. Several chunks of one paper count once (its
best chunk).

Neither side scans the corpus: Chroma returns its nearest chunks, BM25 its best papers (reading
only the query terms' posting lists), and only the union of those candidates is fused; the
papers' records are read for the k hits returned. So a query costs about the same at 254 and at
1,000,000 papers (README, "Scale-out")."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .corpus import Paper
from .index import Index

# Equal weight to the best-chunk cosine and to BM25 divided by the best BM25 of the query.
# Measured with bench/quality.py on 50 questions: Recall@1 0.83 and MRR@10 0.97, where
# reciprocal-rank fusion gave 0.76 and 0.93 (below BM25 alone); weights 0.5 to 0.7 score the same.
DENSE_WEIGHT = 0.5
CANDIDATES = 50


@dataclass
class Hit:
    paper: Paper
    score: float  # fused score: DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * bm25 / best bm25
    dense: float  # cosine similarity of the paper's best chunk (0 when not among the dense hits)
    bm25: float  # BM25 score of the paper (0 when no query term matched)
    dense_rank: int | None = None
    bm25_rank: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class YearFilter:
    start: int | None = None
    end: int | None = None

    def __bool__(self) -> bool:
        return self.start is not None or self.end is not None

    def admits(self, paper: Paper) -> bool:
        if paper.year is None:
            return not self
        return (self.start is None or paper.year >= self.start) and (self.end is None or paper.year <= self.end)

    def admits_years(self, years: np.ndarray) -> np.ndarray:
        """admits() for many papers at once, given their years (0: unknown)."""
        ok = years != 0
        if self.start is not None:
            ok &= years >= self.start
        if self.end is not None:
            ok &= years <= self.end
        return ok

    def chroma_where(self) -> dict | None:
        terms = []
        if self.start is not None:
            terms.append({"year": {"$gte": self.start}})
        if self.end is not None:
            terms.append({"year": {"$lte": self.end}})
        return None if not terms else terms[0] if len(terms) == 1 else {"$and": terms}

    @classmethod
    def parse(cls, text: str | None) -> YearFilter:
        """'2023', '2022-2024', '2023-' or '-2022'."""
        from .errors import AssistantError

        if not text:
            return cls()
        start, sep, end = str(text).partition("-")
        try:
            lo = int(start) if start.strip() else None
            hi = (int(end) if end.strip() else None) if sep else lo
        except ValueError:
            raise AssistantError(f"year filter {text!r} is not a year or range like 2022-2024") from None
        return cls(lo, hi)


class Retriever:
    def __init__(self, index: Index):
        self.index = index

    @cached_property
    def pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=4, thread_name_prefix="dense")  # one per concurrent query, up to 4

    def embed_query(self, query: str) -> np.ndarray:
        return self.index.embedder.embed([query])[0]

    def dense(self, query_vector: np.ndarray, years: YearFilter, n: int = CANDIDATES) -> dict[str, float]:
        """Best chunk cosine per paper, in rank order. Only ids and distances are fetched: a
        chunk id is "paper id:chunk number", and counting the collection or reading metadata
        per query costs more than the nearest-neighbour search (9 ms for count() at 10,000
        papers); Chroma returns fewer than n when it holds fewer."""
        result = self.index.collection.query(
            query_embeddings=[query_vector.tolist()], n_results=n, where=years.chroma_where(), include=["distances"]
        )
        best: dict[str, float] = {}
        for chunk_id, distance in zip(result["ids"][0], result["distances"][0]):
            best.setdefault(chunk_id.rpartition(":")[0], 1.0 - distance)
        return best

    def lexical(self, query: str, years: YearFilter, n: int = CANDIDATES) -> dict[str, float]:
        """BM25 per paper, in rank order (words the corpus lacks score nothing)."""
        lexical = self.index.lexical
        admit = (lambda rows: years.admits_years(lexical.arrays["years"][rows])) if years else None
        rows, scores = lexical.search(query, n, admit)
        return {lexical.paper_id(row): float(score) for row, score in zip(rows, scores)}

    def search(self, query: str, k: int = 5, years: YearFilter | None = None) -> list[Hit]:
        years = years or YearFilter()
        self.index.check_compatible()
        # Both sides at once: Chroma's search and numpy's postings work release the GIL, so on two
        # cores a query takes about the longer of the two (100,000 abstracts: 3.1 ms against 5.4).
        dense = self.pool.submit(lambda: self.dense(self.embed_query(query), years))
        lexical = self.lexical(query, years)
        dense = dense.result()
        top_bm25 = max(lexical.values(), default=1.0)
        fused = {
            pid: DENSE_WEIGHT * dense.get(pid, 0.0) + (1 - DENSE_WEIGHT) * lexical.get(pid, 0.0) / top_bm25
            for pid in dense.keys() | lexical.keys()
        }
        dense_rank = {pid: r for r, pid in enumerate(dense)}
        bm25_rank = {pid: r for r, pid in enumerate(lexical)}
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        hits: list[Hit] = []
        while ranked and len(hits) < k:
            wanted, ranked = ranked[: k - len(hits)], ranked[k - len(hits) :]
            # A paper may be missing: chunks stored by a sync that was interrupted before its papers were recorded.
            papers = self.index.papers.many([pid for pid, _ in wanted])
            hits += [Hit(papers[pid], score, dense.get(pid, 0.0), lexical.get(pid, 0.0), dense_rank.get(pid), bm25_rank.get(pid))
                     for pid, score in wanted if pid in papers]
        return hits
