"""Warm retrieval latency (p50/p95 of the top-5 for each dev question), build time and peak
memory, the project (hybrid BM25 + dense) against the plain llama-index pipeline (dense top-5
from Chroma), on the shipped corpus and on synthetic corpora of recombined corpus sentences. At
synthetic sizes both use the same cheap stand-in embedding (harness.HashEmbedder): what is
measured there is the store and BM25, not the model. Prints JSON.

    .venv/bin/python bench/retrieval.py                       # shipped, 10,000 and 100,000
    .venv/bin/python bench/retrieval.py --sizes 10000         # a quicker run
    .venv/bin/python bench/retrieval.py --sizes 1000000 --workdir /big/disk --pipelines project
        # keeps corpus and indexes in /big/disk/1000000; a later run reuses a finished build
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import SHIPPED, bench_queries, build_once, synthetic_workspace, worker  # noqa: E402

PIPELINES = {"project": ("project_build", "project_latency"), "plain_llama_index": ("plain_build", "plain_latency")}


def compare(base: Path, corpus: str, stand_in: bool, rounds: int, pipelines: list[str], reuse: bool) -> dict:
    queries = bench_queries()
    out = {}
    for name in pipelines:
        build, query = PIPELINES[name]
        where = {"index_dir": str(base / name), "corpus": corpus, "stand_in": stand_in}
        out[name] = {"build": build_once(build, reuse, **where), "warm_retrieval": worker(query, **where, queries=queries, rounds=rounds)}
    if len(out) == 2:
        out["p50_ratio"] = round(out["project"]["warm_retrieval"]["p50_ms"] / out["plain_llama_index"]["warm_retrieval"]["p50_ms"], 2)
        out["build_ratio"] = round(out["project"]["build"]["build_s"] / out["plain_llama_index"]["build"]["build_s"], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="synthetic corpus sizes, comma-separated ('' for none)")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the dev questions per measurement")
    parser.add_argument("--pipelines", default=",".join(PIPELINES), help="project, plain_llama_index or both (default)")
    parser.add_argument("--workdir", type=Path, help="keep synthetic corpora and indexes here and reuse finished builds")
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped corpus")
    args = parser.parse_args()
    pipelines = [p for p in args.pipelines.split(",") if p]
    if unknown := set(pipelines) - set(PIPELINES):
        parser.error(f"unknown pipeline(s) {', '.join(sorted(unknown))}: use {', '.join(PIPELINES)}")
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.no_shipped:
            result["shipped"] = compare(tmp / "shipped", str(SHIPPED), False, args.rounds, pipelines, False)
        for n in [int(s) for s in args.sizes.split(",") if s]:
            work = args.workdir or tmp
            corpus = synthetic_workspace(n, work)
            result[f"synthetic_{n}"] = compare(work / str(n), str(corpus), True, args.rounds, pipelines, args.workdir is not None)
    result["note"] = ("build_s: the build inside its process; peak_mb of warm_retrieval is the whole query process "
                      "(index loaded, all queries run); synthetic corpora use the stand-in embedding in both pipelines.")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
