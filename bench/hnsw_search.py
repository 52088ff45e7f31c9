"""What Chroma's HNSW ef_search costs and buys: for each ef, the milliseconds a 50-nearest query
takes and the share of the exact 50 nearest it finds (numpy over every vector), at one
collection size. The vectors are clustered like embeddings of papers on many topics; half the
queries come from the clusters, half from anywhere (the hard case). Each ef is queried from a
fresh process, as an app start would (Chroma reads the setting when it opens the collection).
Prints JSON.

    .venv/bin/python bench/hnsw_search.py [--vectors 100000] [--ef 100 200 400 512 800]

index.SEARCH_EF was chosen with it (README, "Retrieval").
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time

import numpy as np

DIM, QUERIES, K = 384, 200, 50


def vectors(n: int, seed: int, clusters: np.ndarray | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if clusters is None:
        v = rng.normal(size=(n, DIM))
    else:
        v = clusters[rng.integers(0, len(clusters), n)] + 0.6 * rng.normal(size=(n, DIM))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def data(n: int) -> tuple[np.ndarray, np.ndarray]:
    clusters = np.random.default_rng(0).normal(size=(max(1, n // 50), DIM))
    queries = np.concatenate([vectors(QUERIES // 2, 2, clusters), vectors(QUERIES - QUERIES // 2, 3)])
    return vectors(n, 1, clusters), queries


def client(path: str):
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))


def query(path: str, ef: int, n: int) -> dict:
    """Run in its own process: set ef, reopen, time the queries, return the ids found."""
    client(path).get_collection("bench").modify(configuration={"hnsw": {"ef_search": ef}})
    collection = client(path).get_collection("bench")
    _, queries = data(n)
    collection.query(query_embeddings=[queries[0].tolist()], n_results=K, include=[])
    started = time.perf_counter()
    found = [collection.query(query_embeddings=[q.tolist()], n_results=K, include=[])["ids"][0] for q in queries]
    return {"ms": (time.perf_counter() - started) / len(queries) * 1000, "ids": found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--ef", type=int, nargs="+", default=[100, 200, 400, 512, 800])
    parser.add_argument("--query", nargs=2, help=argparse.SUPPRESS)  # internal: PATH EF, in a fresh process
    args = parser.parse_args()
    if args.query:
        print(json.dumps(query(args.query[0], int(args.query[1]), args.vectors)))
        return
    stored, queries = data(args.vectors)
    exact = [set(map(str, np.argsort(-(stored @ q))[:K])) for q in queries]
    with tempfile.TemporaryDirectory() as tmp:
        collection = client(tmp).create_collection("bench", embedding_function=None, metadata={"hnsw:space": "cosine"})
        started = time.perf_counter()
        for start in range(0, args.vectors, 5000):
            part = stored[start : start + 5000]
            collection.add(ids=[str(i) for i in range(start, start + len(part))], embeddings=part)
        build = time.perf_counter() - started
        results = {}
        for ef in args.ef:
            out = subprocess.run([sys.executable, __file__, "--vectors", str(args.vectors), "--query", tmp, str(ef)],
                                 capture_output=True, text=True, check=True).stdout
            run = json.loads(out.strip().splitlines()[-1])
            recall = [len(set(ids) & want) / K for ids, want in zip(run["ids"], exact)]
            half = QUERIES // 2
            results[ef] = {"ms_per_query": round(run["ms"], 2), "recall_at_50": round(float(np.mean(recall)), 3),
                           "recall_at_50_clustered": round(float(np.mean(recall[:half])), 3),
                           "recall_at_50_anywhere": round(float(np.mean(recall[half:])), 3)}
    print(json.dumps({"vectors": args.vectors, "queries": QUERIES, "build_s": round(build, 1), "ef_search": results}, indent=2))


if __name__ == "__main__":
    main()
