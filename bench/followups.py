"""Metadata follow-ups in a chat: after a "which papers ..." answer, "Which of these is the most
recent?" (and nine other phrasings) must name the previous answer's paper with that value.

    .venv/bin/python bench/followups.py [QUESTIONS.jsonl ...] [--json]

Each answerable list question of the files (default: every team set with lists) is asked in
extractive mode; then one follow-up, the phrasings taken in turn, is asked with that turn as
the chat history (question, answer text, cited paper ids), as the UI sends it. The expected
paper is worked out here from the corpus metadata of the papers the first answer cited, not by
the assistant's own ranking: the first paper the follow-up names must hold the best value
(ties allowed) among the cited papers that have the field; when none has it, the answer must
say that no paper could be ranked. Prints JSON: accuracy per phrasing and overall, and each
miss with what was expected.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import ROOT  # noqa: E402  (also: project on the path, offline switches)

from assistant.api import Assistant  # noqa: E402
from assistant.evaluate import load_questions  # noqa: E402
from assistant.questions import plan  # noqa: E402

EVAL = ROOT / "bench" / "eval"
DEFAULT = [ROOT / "tests" / "fixtures" / "dev.jsonl", EVAL / "questions.jsonl",
           *sorted(EVAL.glob("*/questions.jsonl")), ROOT / "bench" / "heldout.jsonl", ROOT / "bench" / "blind.jsonl"]
# (follow-up, field, highest first); written before the first run, in the styles users chat in.
PHRASINGS = [
    ("Which of these is the most recent?", "date", True),
    ("which one of them came out first?", "date", False),
    ("Of those, which has the most upvotes?", "upvotes", True),
    ("And which of them has the most authors?", "authors", True),
    ("which of the papers you listed is the newest?", "date", True),
    ("Which is the oldest of these?", "date", False),
    ("what's the most popular one among them?", "upvotes", True),
    ("the most recent of the ones above?", "date", True),
    ("which of these papers has the fewest authors?", "authors", False),
    ("Which of them got the fewest upvotes?", "upvotes", False),
]
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def value(paper, field: str):
    """The paper's value of the field, read from its metadata here: a date needs a year."""
    if field != "date":
        return getattr(paper, field)
    if paper.year is None or not paper.date:
        return None
    month = MONTHS.index(paper.date[:3].lower()) + 1 if paper.date[:3].lower() in MONTHS else 0
    day = re.search(r"\b(\d{1,2})\b", paper.date)
    return (paper.year, month, int(day.group(1)) if day and month else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", type=Path)
    parser.add_argument("--index-dir", type=Path, default=ROOT / "index")
    args = parser.parse_args()
    assistant = Assistant(index_dir=args.index_dir)
    assistant.ensure_index()
    papers = assistant.index.papers
    lists = [q for f in args.questions or [f for f in DEFAULT if f.is_file()] for q in load_questions(f)
             if not q.negative and plan(q.question).kind == "list"]
    rows = []
    for i, q in enumerate(lists):
        follow_up, field, highest = PHRASINGS[i % len(PHRASINGS)]
        first = assistant.ask(q.question, mode="extractive")
        cited = list(dict.fromkeys(c.paper_id for c in first.citations))
        if first.refused or len(cited) < 2:
            continue  # nothing to choose among
        answer = assistant.chat(follow_up, [(q.question, first.text, cited)], mode="extractive")
        known = {pid: value(papers[pid], field) for pid in cited if value(papers[pid], field) is not None}
        named = answer.citations[0].paper_id if answer.citations else None
        if known:
            best = (max if highest else min)(known.values())
            ok = named is not None and known.get(named) == best
            expected = [papers[p].title for p, v in known.items() if v == best]
        else:
            ok = bool(re.search(r"\bnot ranked\b|\bno\b.*\bgiven\b", answer.text, re.I))
            expected = ["(no paper has the field)"]
        rows.append({"id": q.id, "follow_up": follow_up, "ok": ok, "expected": expected,
                     "named": papers[named].title if named in papers else None, "answer": answer.text[:300]})
    by_phrasing = {}
    for follow_up, *_ in PHRASINGS:
        mine = [r["ok"] for r in rows if r["follow_up"] == follow_up]
        by_phrasing[follow_up] = {"asked": len(mine), "right": sum(mine)}
    print(json.dumps({"follow_ups": len(rows), "accuracy": round(sum(r["ok"] for r in rows) / max(len(rows), 1), 3),
                      "by_phrasing": by_phrasing, "misses": [r for r in rows if not r["ok"]]}, indent=1))


if __name__ == "__main__":
    main()
