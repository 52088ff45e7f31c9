"""Lists asked within a year: "Which papers about grokking were published in 2022?".

    .venv/bin/python bench/dated_lists.py [--terms 40] [--details PATH]

The questions are generated from the corpus, not written by hand: a term is a word few papers
use (2 to 10 abstracts, rarer than Zipf 3.5 in general English, at least one title has it), asked
for 2022, 2023 and 2024 in three phrasings. The expected papers are worked out from the metadata
here: those whose title or abstract writes the term and whose date has that year. When there are
none, the answer must be a refusal (the corpus has no such paper that year); otherwise it must not
be one, and its cited papers of that year are compared with the expected ones. A paper that
addresses the term without writing it counts against precision, so precision is a floor; a paper
that writes it in passing ("sparsity" in BIG-bench's findings) counts as expected, so a refusal of
such a question is not always wrong. Prints JSON.
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

YEARS = (2022, 2023, 2024)
FORMS = ("Which papers about {} were published in {}?", "{} papers from {}?", "List the {1} papers on {0}.")


def terms(papers, n: int) -> list[str]:
    from wordfreq import zipf_frequency

    def df(word: str) -> int:
        return sum(bool(re.search(rf"\b{re.escape(word)}\b", p.text, re.I)) for p in papers)

    seen = sorted({w.lower() for p in papers for w in re.findall(r"[A-Za-z][A-Za-z-]{4,}", p.title)})
    picked = [(df(w), w) for w in seen if zipf_frequency(w, "en") < 3.5]
    return [w for d, w in sorted(picked, key=lambda t: (-t[0], t[1])) if 2 <= d <= 10][:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=40, help="how many terms (each asked for three years)")
    parser.add_argument("--details", type=Path, metavar="PATH", help="write each question's result here (JSON lines)")
    args = parser.parse_args(argv)
    assistant = Assistant(index_dir=ROOT / "index")
    assistant.ensure_index(progress=False)
    papers = list(assistant.index.papers.values())
    rows = []
    for i, term in enumerate(terms(papers, args.terms)):
        for j, year in enumerate(YEARS):
            question = FORMS[(i + j) % len(FORMS)].format(term, year)
            expected = {p.id for p in papers if p.year == year and re.search(rf"\b{re.escape(term)}\b", p.text, re.I)}
            answer = assistant.ask(question, mode="extractive")
            cited = [c.paper_id for c in answer.citations]
            rows.append({"question": question, "expected": len(expected), "refused": answer.refused,
                         "cited": len(cited), "found": len(expected & set(cited)),
                         "in_year": sum(c.year == year for c in answer.citations), "text": answer.text[:300]})
    empty = [r for r in rows if not r["expected"]]
    some = [r for r in rows if r["expected"]]
    answered = [r for r in some if not r["refused"]]
    report = {
        "questions": len(rows),
        "none_that_year": len(empty),
        "none_that_year_refused": sum(r["refused"] for r in empty),
        "none_that_year_papers_of_that_year_cited": sum(r["in_year"] for r in empty if not r["refused"]),
        "some_that_year": len(some),
        "some_that_year_refused": sum(r["refused"] for r in some),
        "expected_papers_found": round(sum(r["found"] for r in some) / max(1, sum(r["expected"] for r in some)), 3),
        # Of the papers of that year an answer cites, those that write the term (papers of other
        # dates an answer names when none of that year is about the term are pointers, not counted).
        "precision_floor_that_year": round(sum(r["found"] for r in answered) / max(1, sum(r["in_year"] for r in answered)), 3),
    }
    if args.details:
        args.details.write_text("".join(json.dumps(r) + "\n" for r in rows))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
