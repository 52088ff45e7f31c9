"""What a chunk's record costs Chroma to write: chunks per second into a new local collection,
each with a random 384-d vector, as the project writes them (paper id, title, content hash
and year as metadata; no document) against the same with the chunk's text as a document and
the paper's other fields as metadata (what the project wrote before). Prints JSON.

    .venv/bin/python bench/chroma_write.py [--chunks 20000]

Chroma indexes what it stores (a document goes into a full-text index; every metadata value
into an inverted index), so the record's shape, not the vector search, bounds the write rate.
"""

import argparse
import json
import tempfile
import time

import numpy as np

TEXT = "We study how language models generalize compositionally across tasks and propose a method. " * 12
BATCH = 2000


def record(i: int, with_text: bool) -> tuple[dict, str | None]:
    meta = {"paper_id": f"p{i}", "title": f"A title about things, number {i}", "content_hash": f"{i:016x}", "year": 2024}
    if not with_text:
        return meta, None
    return meta | {"sources": "papers.jsonl", "authors": 5, "date": "2024-01-02", "upvotes": 3, "submitter": "someone"}, TEXT + str(i)


def rate(chunks: int, with_text: bool) -> float:
    import chromadb
    from chromadb.config import Settings

    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(path=tmp, settings=Settings(anonymized_telemetry=False))
        collection = client.create_collection("bench", embedding_function=None, metadata={"hnsw:space": "cosine"})
        started = time.perf_counter()
        for start in range(0, chunks, BATCH):
            rows = [record(i, with_text) for i in range(start, min(start + BATCH, chunks))]
            vectors = rng.standard_normal((len(rows), 384)).astype(np.float32)
            documents = [doc for _, doc in rows] if with_text else None
            collection.upsert(ids=[f"p{i}:0" for i in range(start, start + len(rows))], embeddings=vectors,
                              metadatas=[meta for meta, _ in rows], documents=documents)
        return round(chunks / (time.perf_counter() - started))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=20000, help="chunks written per measurement (default 20000)")
    args = parser.parse_args()
    out = {"chunks": args.chunks, "project_record_chunks_per_s": rate(args.chunks, False),
           "with_document_and_all_fields_chunks_per_s": rate(args.chunks, True)}
    out["speedup"] = round(out["project_record_chunks_per_s"] / out["with_document_and_all_fields_chunks_per_s"], 2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
