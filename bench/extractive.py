"""Extractive answer quality per question type, and how many gold papers a list answer names.

    .venv/bin/python bench/extractive.py QUESTIONS.jsonl [MORE.jsonl ...] [--index-dir DIR]

Runs `assistant eval QUESTIONS --mode extractive --details out/extractive-NAME.jsonl` (the real
pipeline, in a new process) and prints JSON per file: the eval's summary, keyword hits per type, and for
questions with several gold papers ("list" coverage) the share of gold papers the answer cites.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_eval(questions: Path, index_dir: str | None) -> tuple[dict, list[dict]]:
    details = ROOT / "out" / f"extractive-{questions.stem}.jsonl"  # kept, to read the answers
    command = [sys.executable, "-m", "assistant", "eval", str(questions), "--json", "--mode", "extractive",
               "--details", str(details)] + (["--index-dir", index_dir] if index_dir else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"error: {' '.join(command)} failed:\n{done.stderr.strip()}")
    rows = [json.loads(line) for line in details.read_text().splitlines() if line.strip()]
    return json.loads(done.stdout), rows


def per_type(rows: list[dict]) -> dict:
    """Keyword hit rate per question type, and gold-paper coverage of answers to questions with
    several gold papers (a list answer should name each of them)."""
    hits, coverage = defaultdict(list), defaultdict(list)
    for row in rows:
        if row["keyword_hit"] is not None:
            hits[row["type"]].append(row["keyword_hit"])
        if len(row["gold_titles"]) > 1:
            cited = {t.lower() for t in row["cited"]}
            coverage[row["type"]].append(sum(t.lower() in cited for t in row["gold_titles"]) / len(row["gold_titles"]))
    rate = lambda xs: round(sum(xs) / len(xs), 3) if xs else None  # noqa: E731
    return {
        "keyword_hits_by_type": {t: {"rate": rate(v), "n": len(v)} for t, v in sorted(hits.items())},
        "gold_papers_cited_by_type": {t: {"share": rate(v), "n": len(v)} for t, v in sorted(coverage.items())},
        "keyword_misses": [{"id": r["id"], "type": r["type"], "missing": r["missing_keywords"]} for r in rows if r["keyword_hit"] is False],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--index-dir")
    args = parser.parse_args()
    report = {}
    for path in args.questions:
        summary, rows = run_eval(path, args.index_dir)
        keep = ("questions", "recall_at_5", "recall_at_10", "keyword_hit_rate", "false_refusal_rate",
                "negative_refusal_rate", "citation_validity", "latency_p50")
        report[str(path)] = {k: summary[k] for k in keep} | per_type(rows)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
