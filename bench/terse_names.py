"""Terse questions and requests about the names papers coin, extractive: none should be refused,
and a terse ask for one of the paper's dates, upvotes or authors should give it.

    .venv/bin/python bench/terse_names.py [--details PATH]

For every paper of the shipped corpus whose abstract coins a name (extractive.coined_names:
"termed OREAL", "called ReFT"; field acronyms such as "LLMs" or "CoT" left out), it asks "What is
NAME?", "How does NAME work?" and five requests ("Give me the gist of NAME.", "Remind me what NAME
does", "quick summary of NAME please", "Define NAME.", "Is NAME covered here?"). The question sets are written as full
sentences; a question this short embeds far from every sentence of the abstract it is about, which
is how round 27's closeness floor first refused "What is ungrokking?", and a request's framing
words ("gist", "remind") were taken for its topic. It also asks eleven terse metadata forms ("NAME:
which year?", "Year of NAME?", "upvotes of NAME?", "NAME: how many authors?", METADATA_FORMS): right when the answer
cites the paper first with its value (or says the dumps give none). Prints JSON: questions, refused,
those whose citations leave out the paper that coined the name (a name several papers use, such as
"SFT", is not a failure), metadata_questions and metadata_right (a shared name caps it at 3 of 4).
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
from assistant.config import load_settings  # noqa: E402
from assistant.corpus import load_corpus  # noqa: E402
from assistant.extractive import coined_names  # noqa: E402
from assistant.gate import FIELD_ACRONYMS  # noqa: E402

FIELD = re.compile(rf"{FIELD_ACRONYMS}|GPT")  # the field's own acronyms name no paper's contribution


# Terse asks for one paper's date, upvotes or authors ("Self-BioRAG: which year?"): right when the answer
# cites the paper first and gives its value, or says the dumps give none.
METADATA_FORMS = [
    (form, lambda p: str(p.year) if p.year else p.date or "no date given")
    for form in ("{}: which year?", "{}: what year?", "{} - when was it published?", "{}: publication date?", "When did {} come out?", "{}, which month?", "Year of {}?")
] + [(form, lambda p: str(p.upvotes) if p.upvotes is not None else "no upvote count given")
     for form in ("{}: how many upvotes?", "upvotes of {}?")] + [
    (form, lambda p: str(p.authors) if p.authors is not None else "no author count given")
    for form in ("{}: how many authors?", "number of authors of {}?")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", type=Path, metavar="PATH", help="write each question's result here (JSON lines)")
    args = parser.parse_args(argv)
    assistant = Assistant(load_settings(None, mode="extractive", progress=False))
    assistant.ensure_index(progress=False)
    rows = []
    for paper in load_corpus([ROOT / "corpus"]).papers:
        names = [n for n in coined_names(paper.abstract, paper.title) if not FIELD.fullmatch(n)]
        forms = ("What is {}?", "How does {} work?", "Give me the gist of {}.", "Remind me what {} does", "quick summary of {} please",
                 "Define {}.", "Is {} covered here?")
        for question in ([form.format(names[0]) for form in forms] if names else []):
            answer = assistant.ask(question)
            rows.append({"question": question, "paper": paper.title, "refused": answer.refused,
                         "cites_the_paper": paper.title in [c.title for c in answer.citations], "answer": answer.text})
        for form, value in METADATA_FORMS if names else ():
            question = form.format(names[0])
            answer = assistant.ask(question)
            expected = value(paper)
            cited = [c.title for c in answer.citations]
            rows.append({"question": question, "paper": paper.title, "refused": answer.refused, "metadata": True,
                         "cites_the_paper": paper.title in cited, "answer": answer.text,
                         "right": bool(cited) and cited[0] == paper.title and expected in answer.text})
    if args.details:
        args.details.write_text("".join(json.dumps(r) + "\n" for r in rows))
    topical = [r for r in rows if not r.get("metadata")]
    asked = [r for r in rows if r.get("metadata")]
    print(json.dumps({"questions": len(topical), "refused": sum(r["refused"] for r in topical),
                      "answered_without_the_paper": sum(not r["refused"] and not r["cites_the_paper"] for r in topical),
                      "refused_questions": [r["question"] for r in topical if r["refused"]],
                      "metadata_questions": len(asked), "metadata_right": sum(r["right"] for r in asked),
                      "metadata_wrong": [r["question"] for r in asked if not r["right"]]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
