"""What the blind sets' check.py scripts share: the parsed shipped corpus (each title's lower-cased
title and abstract, where keywords are looked up) and a reporter of the problems found."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.corpus import load_corpus  # noqa: E402

PAPERS = {p.title: p for p in load_corpus([ROOT / "corpus"]).papers}
TEXTS = {title: f"{title} {p.abstract}".lower() for title, p in PAPERS.items()}
problems: list[tuple] = []


def err(*what) -> None:
    problems.append(what)
    print("ERROR", *what)


def check_set(here: Path, list_sizes: tuple[int, int] = (2, 6), expected: dict[str, int] | None = None) -> int:
    """The checks the blind sets share: exact fields, unique ids, known types, exact gold titles,
    keywords (unique, non-empty) found in gold text, lists of `list_sizes` papers, comparisons of
    exactly 2, one gold paper for a fact or number, every list or comparison gold paper named by
    a keyword, a metadata question's gold papers with some metadata, empty negatives, and the
    per-type counts in `expected`. Prints the counts; returns the exit code."""
    import collections
    import json

    ids, cnt = set(), collections.Counter()
    fields = {"id", "question", "gold_titles", "type", "answer_keywords"}
    for fn in ["questions.jsonl", "near_negatives.jsonl"]:
        for ln, line in enumerate(open(here / fn), 1):
            d = json.loads(line)
            if set(d) != fields:
                err(fn, ln, "fields", set(d))
                continue
            if d["id"] in ids:
                err("dup id", d["id"])
            ids.add(d["id"])
            t, gold, kws = d["type"], d["gold_titles"], d["answer_keywords"]
            cnt[(fn, t)] += 1
            if t not in {"fact", "numeric", "multi", "compare", "metadata", "negative"}:
                err(d["id"], "type", t)
            if (fn == "near_negatives.jsonl") != (t == "negative"):
                err(d["id"], "a negative belongs in near_negatives.jsonl, and only a negative")
            for g in gold:
                if g not in TEXTS:
                    err(d["id"], "bad title", g)
            if t == "negative":
                if gold or kws:
                    err(d["id"], "negative must be empty")
                continue
            if not gold or not kws:
                err(d["id"], "empty gold/kw")
            if len(set(gold)) != len(gold):
                err(d["id"], "dup gold")
            if len({k.lower() for k in kws}) != len(kws) or not all(k.strip() for k in kws):
                err(d["id"], "duplicate or empty keyword")
            for k in kws:
                if not any(k.lower() in TEXTS[g] for g in gold if g in TEXTS):
                    err(d["id"], "kw not in gold", k)
            if t == "multi" and not list_sizes[0] <= len(gold) <= list_sizes[1]:
                err(d["id"], "multi size", len(gold))
            if t == "compare" and len(gold) != 2:
                err(d["id"], "compare size")
            if t in ("fact", "numeric") and len(gold) != 1:
                err(d["id"], "a fact or number has one gold paper", len(gold))
            if t in ("multi", "compare"):
                for g in gold:
                    if g in TEXTS and not any(k.lower() in TEXTS[g] for k in kws):
                        err(d["id"], "gold not named by any kw", g[:60])
            if t == "metadata":
                for g in gold:
                    p = PAPERS.get(g)
                    if p is not None and p.date is None and p.upvotes is None and p.authors is None:
                        err(d["id"], "metadata gold has no metadata", g[:60])
    for k, v in sorted(cnt.items()):
        print(k, v)
    by_type = collections.Counter()
    for (_, t), v in cnt.items():
        by_type[t] += v
    for t, n in (expected or {}).items():
        if by_type[t] != n:
            err("count", t, by_type[t], "expected", n)
    print("total", sum(cnt.values()), "FAILED" if problems else "OK")
    return 1 if problems else 0


def check_strict(here: Path, expected: dict[str, int]) -> int:
    """check_set (lists of 2-6 papers) plus two checks of blind 13 and later: no answer keyword in its
    own question, and every list or comparison keyword found in exactly one of its gold papers
    (so each keyword names one paper). Prints JSON; returns the exit code."""
    import contextlib
    import io
    import json

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = check_set(here, list_sizes=(2, 6), expected=expected)

    extra = []
    counts = {}
    for fn in ["questions.jsonl", "near_negatives.jsonl"]:
        for line in open(here / fn):
            d = json.loads(line)
            counts[d["type"]] = counts.get(d["type"], 0) + 1
            ql = d["question"].lower()
            for k in d["answer_keywords"]:
                if k.lower() in ql:
                    extra.append([d["id"], "keyword in its own question", k])
            if d["type"] in ("multi", "compare"):
                for k in d["answer_keywords"]:
                    n = sum(k.lower() in TEXTS[g] for g in d["gold_titles"] if g in TEXTS)
                    if n != 1:
                        extra.append([d["id"], "keyword matches %d gold papers" % n, k])

    found = [list(map(str, p)) for p in problems] + extra
    print(json.dumps({"counts": counts, "total": sum(counts.values()),
                      "check_set_output": buf.getvalue().strip().splitlines(),
                      "problems": found, "status": "FAILED" if (rc or extra) else "OK"}, indent=1))
    return 1 if (rc or extra) else 0
