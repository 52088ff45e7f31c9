"""Index build on the shipped corpus, the project against the plain llama-index pipeline
(VectorStoreIndex.from_documents over Chroma, HuggingFaceEmbedding of the same MiniLM model):
cold, again with nothing changed, and after one abstract is edited. Prints JSON.

    .venv/bin/python bench/index_build.py
"""

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import copy_shipped, edit_one_paper, worker  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = str(copy_shipped(tmp / "corpus"))
        ours = {"index_dir": str(tmp / "ours"), "corpus": corpus}
        plain = {"index_dir": str(tmp / "plain"), "corpus": corpus}
        result = {"project": {}, "plain_llama_index": {}}
        result["plain_llama_index"]["cold"] = worker("plain_build", **plain, recall=True)
        result["project"]["cold"] = worker("project_build", **ours, recall=True)
        result["plain_llama_index"]["unchanged"] = worker("plain_build", **plain)
        result["project"]["unchanged"] = worker("project_build", **ours)
        result["edited_paper"] = edit_one_paper(Path(corpus))
        result["plain_llama_index"]["one_change"] = worker("plain_build", **plain)
        result["project"]["one_change"] = worker("project_build", **ours)
    for run in ("cold", "unchanged", "one_change"):
        result[f"{run}_speedup_x"] = round(result["plain_llama_index"][run]["wall_s"] / result["project"][run]["wall_s"], 2)
    result["note"] = ("wall_s: the whole process (imports, model load, build); build_s: the build inside it. "
                      "The plain pipeline has no change detection, so it re-embeds everything on every run.")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
