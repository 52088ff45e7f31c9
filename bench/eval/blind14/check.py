"""Sanity checks for the blind14 set: bench/eval/papers.check_set (lists of 2-6 papers, the brief's
counts per type) plus checks of this set's own: no answer keyword inside its own question, and
every list/compare keyword found in exactly one of its gold papers (so each keyword names one
paper). Prints JSON; exits 1 on a problem."""
import contextlib
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import papers  # noqa: E402

EXPECTED = {"fact": 14, "numeric": 8, "multi": 12, "compare": 10, "metadata": 6, "negative": 20}

buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    rc = papers.check_set(HERE, list_sizes=(2, 6), expected=EXPECTED)

extra = []
counts = {}
for fn in ["questions.jsonl", "near_negatives.jsonl"]:
    for line in open(HERE / fn):
        d = json.loads(line)
        counts[d["type"]] = counts.get(d["type"], 0) + 1
        ql = d["question"].lower()
        for k in d["answer_keywords"]:
            if k.lower() in ql:
                extra.append([d["id"], "keyword in its own question", k])
        if d["type"] in ("multi", "compare"):
            for k in d["answer_keywords"]:
                n = sum(k.lower() in papers.TEXTS[g] for g in d["gold_titles"] if g in papers.TEXTS)
                if n != 1:
                    extra.append([d["id"], "keyword matches %d gold papers" % n, k])

problems = [list(map(str, p)) for p in papers.problems] + extra
print(json.dumps({"counts": counts, "total": sum(counts.values()),
                  "check_set_output": buf.getvalue().strip().splitlines(),
                  "problems": problems, "status": "FAILED" if (rc or extra) else "OK"}, indent=1))
sys.exit(1 if (rc or extra) else 0)
