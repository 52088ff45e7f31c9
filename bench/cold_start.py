"""Cold start: wall time and peak memory of `assistant ask` in extractive mode from a new
process, over an existing index of the shipped corpus, against the plain llama-index pipeline's
cold path without a model (load the persisted Chroma index with HuggingFaceEmbedding and
retrieve the top 5). Median of --runs. Prints JSON.

    .venv/bin/python bench/cold_start.py
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import SHIPPED, median_of, run, worker  # noqa: E402

QUESTION = "Which papers study grokking?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ours = str(Path(tmp) / "ours")
        plain = {"index_dir": str(Path(tmp) / "plain"), "corpus": str(SHIPPED)}
        worker("project_build", index_dir=ours, corpus=str(SHIPPED))
        worker("plain_build", **plain)
        ask = [sys.executable, "-m", "assistant", "ask", "--index-dir", ours, QUESTION]
        result = {
            "project_assistant_ask": median_of([run(ask, env={"ASSISTANT_MODE": "extractive"}) for _ in range(args.runs)]),
            "plain_llama_index_retrieve": median_of([worker("plain_ask", **plain, question=QUESTION) for _ in range(args.runs)]),
        }
    result["note"] = "wall_s: from process start to exit, median; the plain pipeline only retrieves (it has no answer without a model)"
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
