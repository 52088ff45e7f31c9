"""Agreement of the claim-support check (assistant/support.py) with hand labels: sentence /
paper pairs labelled supported or unsupported (bench/eval/support_labels.jsonl, written by hand
from the abstracts before the check was run on them). Prints JSON: accuracy and the precision
and recall of "supported", on all pairs and on two halves split by id (odd ids were used to
choose between variants of the check, even ids are held out), plus how each kind of pair
(paraphrase, wrong_paper, overclaim, ...) was judged.

    python bench/support_calibration.py [LABELS.jsonl]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.api import Assistant  # noqa: E402
from assistant.support import Support  # noqa: E402


def agreement(pairs: list[tuple[bool, bool]]) -> dict:
    """(predicted supported, labelled supported) pairs -> accuracy, precision and recall."""
    tp = sum(p and g for p, g in pairs)
    fp = sum(p and not g for p, g in pairs)
    fn = sum(g and not p for p, g in pairs)
    return {"pairs": len(pairs), "accuracy": round(sum(p == g for p, g in pairs) / len(pairs), 3),
            "precision_supported": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall_supported": round(tp / (tp + fn), 3) if tp + fn else None, "false_supported": fp, "false_unsupported": fn}


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "eval" / "support_labels.jsonl"
    labels = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assistant = Assistant()
    assistant.ensure_index(progress=False)
    papers = {p.title: p for p in assistant.index.papers.values()}
    judged = []
    for row in labels:
        paper = papers[row["title"]]
        verdict = Support([(paper.title, paper.abstract)], assistant.embed_sentences).judge(row["sentence"], [1])
        judged.append((row, verdict.supported))
    pairs = [(p, r["label"] == "supported") for r, p in judged]
    odd = [(p, r["label"] == "supported") for r, p in judged if int(r["id"].lstrip("s")) % 2]
    even = [(p, r["label"] == "supported") for r, p in judged if not int(r["id"].lstrip("s")) % 2]
    kinds = Counter(f"{r['kind']}: judged {'supported' if p else 'unsupported'}" for r, p in judged)
    print(json.dumps({"labels": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), "all": agreement(pairs),
                      "odd_ids_tuning": agreement(odd), "even_ids_held_out": agreement(even), "by_kind": dict(sorted(kinds.items()))},
                     indent=2))


if __name__ == "__main__":
    main()
