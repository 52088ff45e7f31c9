"""Warm retrieval latency (p50/p95 of the top-5 for each dev question) and peak memory, the
project (hybrid BM25 + dense) against the plain llama-index pipeline (dense top-5 from Chroma),
on the shipped corpus and on synthetic corpora of recombined corpus sentences. At synthetic
sizes both use the same cheap stand-in embedding (harness.HashEmbedder): what is measured
there is the store and BM25, not the model. Prints JSON.

    .venv/bin/python bench/retrieval.py                       # shipped, 10,000 and 100,000
    .venv/bin/python bench/retrieval.py --sizes 10000         # a quicker run
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import SHIPPED, bench_queries, synthetic_corpus, worker  # noqa: E402


def compare(tmp: Path, corpus: str, stand_in: bool, rounds: int) -> dict:
    queries = bench_queries()
    out = {}
    for name, build, query in (("project", "project_build", "project_latency"), ("plain_llama_index", "plain_build", "plain_latency")):
        where = {"index_dir": str(tmp / name), "corpus": corpus, "stand_in": stand_in}
        out[name] = {"build": worker(build, **where), "warm_retrieval": worker(query, **where, queries=queries, rounds=rounds)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000", help="synthetic corpus sizes, comma-separated ('' for none)")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the dev questions per measurement")
    args = parser.parse_args()
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        result["shipped"] = compare(tmp / "shipped", str(SHIPPED), False, args.rounds)
        for n in [int(s) for s in args.sizes.split(",") if s]:
            corpus = synthetic_corpus(n, tmp / f"synthetic-{n}.jsonl")
            result[f"synthetic_{n}"] = compare(tmp / str(n), str(corpus), True, args.rounds)
    result["note"] = ("peak_mb of warm_retrieval is the whole query process (index loaded, all queries run); "
                      "synthetic corpora use the stand-in embedding in both pipelines.")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
