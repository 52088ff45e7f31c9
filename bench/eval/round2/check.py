"""Checks the round2 question files against the corpus; prints JSON, exits 1 on any failure.

Run from the repository root:  python bench/eval/round2/check.py
- every gold title is exactly (not just after normalising) the title of a parsed paper;
- every keyword occurs case-insensitively in a gold paper's title or abstract (metadata
  questions: in a gold title), and every gold paper of a list or compare question is named
  by at least one keyword;
- ids are unique, negatives have no gold titles or keywords, metadata gold papers have the
  field their question is about.
"""

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository's assistant package

from assistant.corpus import load_corpus  # noqa: E402
from assistant.evaluate import check_gold_titles, load_questions  # noqa: E402

HERE = Path(__file__).parent
ROOT = HERE.parents[2]


def main() -> int:
    papers = {p.title: p for p in load_corpus([ROOT / "corpus"]).papers}
    questions = load_questions(HERE / "questions.jsonl")
    negatives = load_questions(HERE / "near_negatives.jsonl")
    check_gold_titles(questions, papers)
    failures = []
    ids = Counter(q.id for q in questions + negatives)
    failures += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    for q in questions:
        gold = [papers.get(t) for t in q.gold_titles]
        if not q.gold_titles or None in gold:
            failures.append(f"{q.id}: gold title missing or not exact")
            continue
        texts = [p.title.lower() if q.type == "metadata" else f"{p.title}\n{p.abstract}".lower() for p in gold]
        for k in q.answer_keywords:
            if not any(k.lower() in t for t in texts):
                failures.append(f"{q.id}: keyword {k!r} not in a gold {'title' if q.type == 'metadata' else 'title/abstract'}")
        if q.type in ("list", "compare"):
            for p, t in zip(gold, texts):
                if not any(k.lower() in t for k in q.answer_keywords):
                    failures.append(f"{q.id}: no keyword names {p.title!r}")
        if q.type == "compare" and len(gold) != 2:
            failures.append(f"{q.id}: compare needs exactly two papers")
        if q.type == "metadata":
            for p in gold:
                if p.date is None and p.authors is None and p.upvotes is None:
                    failures.append(f"{q.id}: gold paper {p.title!r} has no metadata")
    for q in negatives:
        if q.gold_titles or q.answer_keywords or q.type != "negative":
            failures.append(f"{q.id}: a negative must have type 'negative' and no gold titles or keywords")
    print(json.dumps({
        "questions": len(questions),
        "by_type": dict(Counter(q.type for q in questions)),
        "near_negatives": len(negatives),
        "failures": failures,
    }, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
