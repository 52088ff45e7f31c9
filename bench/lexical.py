"""BM25 alone at large sizes: build time, warm top-50 latency for the dev questions, peak memory,
and one edited paper, on synthetic corpora (harness.synthetic_corpus). No Chroma and no
embedding: this isolates the lexical side of the hybrid, which is the part that used to grow
with the corpus. Prints JSON.

    .venv/bin/python bench/lexical.py --sizes 100000,1000000 --workdir /big/disk
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import bench_queries, build_once, synthetic_workspace, worker  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="synthetic corpus sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the dev questions")
    parser.add_argument("--workdir", type=Path, help="keep corpora and indexes here and reuse finished builds")
    args = parser.parse_args()
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",") if s]:
            work = args.workdir or Path(tmp)
            corpus = synthetic_workspace(n, work)
            where = {"index_dir": str(work / str(n) / "lexical"), "corpus": str(corpus)}
            result[f"synthetic_{n}"] = {
                "build": build_once("lexical_build", args.workdir is not None, **where),
                "warm_top50": worker("lexical_latency", index_dir=where["index_dir"], queries=bench_queries(), rounds=args.rounds),
                "one_edit": worker("lexical_edit", **where),
            }
    result["note"] = ("build: tokenizing and writing BM25 in commits of 50,000 papers; one_edit: a sync's local work after one "
                      "edited paper (corpus scan, hash comparison, BM25, papers.sqlite), Chroma excluded")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
