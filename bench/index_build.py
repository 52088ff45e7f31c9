"""Index build on the shipped corpus, the project against the plain llama-index pipeline
(VectorStoreIndex.from_documents over Chroma, HuggingFaceEmbedding of the same MiniLM model):
cold, again with nothing changed, and after one abstract is edited. Prints JSON.

    .venv/bin/python bench/index_build.py [--repeat 3]
    .venv/bin/python bench/index_build.py --synthetic 100000   # the project's sync after one edit at that size
    .venv/bin/python bench/index_build.py --synthetic 1000000 --workdir /big/disk   # reuses retrieval.py's build there

Cold builds alternate between the two pipelines, --repeat times each, and the median counts:
this machine's speed varies by 10-20% from minute to minute. --synthetic N measures only the
project on N synthetic abstracts with the stand-in embedding (harness.py): what one edit costs
a large index beyond embedding one paper (reading the corpus, BM25, papers.sqlite). With
--workdir the build is kept (and one already there reused) and the corpus there is edited.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import build_once, copy_shipped, edit_one_paper, median_of, synthetic_workspace, worker  # noqa: E402


def prepare_model() -> dict:
    """The int8 model is made once per machine (make install does it); say what that costs."""
    from assistant.fastmodel import model_file, prepared_model, source_model

    cached = model_file().exists()
    started = time.perf_counter()
    prepared_model()
    return {"already_prepared": cached, "prepare_s": round(time.perf_counter() - started, 2), "source": source_model().name}


def synthetic_edit(n: int, workdir: Path | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        work = workdir or Path(tmp)
        corpus = synthetic_workspace(n, work)
        where = {"index_dir": str(work / str(n) / "project"), "corpus": str(corpus), "stand_in": True}
        result = {"abstracts": n, "build": build_once("project_build", workdir is not None, **where)}
        result["unchanged"] = worker("project_build", **where)
        result["edited_paper"] = edit_one_paper(corpus)
        result["one_change"] = worker("project_build", **where)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold builds of each pipeline (default 3)")
    parser.add_argument("--synthetic", type=int, metavar="N", help="instead: one edit at N synthetic abstracts, project only")
    parser.add_argument("--workdir", type=Path, help="with --synthetic: keep the corpus and index here, reuse a finished build")
    args = parser.parse_args()
    if args.synthetic:
        return print(json.dumps(synthetic_edit(args.synthetic, args.workdir), indent=2))
    result = {"int8_model": prepare_model(), "project": {}, "plain_llama_index": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = str(copy_shipped(tmp / "corpus"))
        ours = {"index_dir": str(tmp / "ours-0"), "corpus": corpus}  # the first cold build, used again below
        plain = {"index_dir": str(tmp / "plain"), "corpus": corpus}
        cold: dict[str, list] = {"project": [], "plain_llama_index": []}
        for i in range(args.repeat):
            cold["plain_llama_index"].append(worker("plain_build", **plain, recall=True))
            cold["project"].append(worker("project_build", index_dir=str(tmp / f"ours-{i}"), corpus=corpus, recall=True))
        result["project"]["cold"] = median_of(cold["project"])
        result["plain_llama_index"]["cold"] = median_of(cold["plain_llama_index"])
        result["plain_llama_index"]["unchanged"] = worker("plain_build", **plain)
        result["project"]["unchanged"] = worker("project_build", **ours)
        result["edited_paper"] = edit_one_paper(Path(corpus))
        result["plain_llama_index"]["one_change"] = worker("plain_build", **plain)
        result["project"]["one_change"] = worker("project_build", **ours)
    for run in ("cold", "unchanged", "one_change"):
        result[f"{run}_speedup_x"] = round(result["plain_llama_index"][run]["wall_s"] / result["project"][run]["wall_s"], 2)
    result["note"] = ("wall_s: the whole process (imports, model load, build, dev recall); build_s: the build inside it. "
                      "cold: median of the runs listed. The plain pipeline has no change detection, so it re-embeds "
                      "everything on every run.")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
