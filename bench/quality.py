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
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import DEV, ROOT, plain_embedding, plain_store  # noqa: E402  (also: project on the path, offline switches)

from assistant.api import Assistant  # noqa: E402
from assistant.evaluate import K_VALUES, load_questions, ranking, retrieval_summary  # noqa: E402
from assistant.retrieve import YearFilter  # noqa: E402

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


def systems(assistant: Assistant, store_dir: str) -> dict:
    retriever, papers = assistant.retriever, assistant.index.papers
    everything = YearFilter()
    return {
        "bm25": lambda q: [papers[i].title for i in list(retriever.lexical(q, everything, DEPTH))],
        "dense": lambda q: [papers[i].title for i in list(retriever.dense(retriever.embed_query(q), everything))[:DEPTH]],
        "llamaindex_default": llamaindex_default(list(papers.values()), store_dir),
        "project": lambda q: [h.paper.title for h in assistant.retrieve(q, k=DEPTH)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--index-dir", type=Path, help="the project's index (default: ./index, built if missing)")
    args = parser.parse_args()

    assistant = Assistant(index_dir=args.index_dir)
    assistant.ensure_index(progress=False)
    sets = {path.name: [q for q in load_questions(path) if q.gold_titles] for path in args.questions}
    with tempfile.TemporaryDirectory() as store_dir:
        runs = systems(assistant, store_dir)
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
    best_alternative = {
        metric: max(table["all"][name][metric] for name in runs if name != "project") for metric in table["all"]["project"]
    }
    table["project_at_least_as_good_as_best_alternative"] = all(
        table["all"]["project"][metric] >= value for metric, value in best_alternative.items()
    )
    print(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
