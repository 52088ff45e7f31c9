"""Every committed question set through `assistant eval`'s pipeline in one process, extractive.

    .venv/bin/python bench/all_sets.py [--sets NAME ...] [--details DIR]

A set is a folder of bench/eval (its questions and near negatives together), bench/eval's own
questions and near negatives ("team"), bench/heldout.jsonl, bench/blind.jsonl and
bench/near_topic_negatives.jsonl ("bench_heldout", ...), and the shared dev files ("dev", "dev_near_negatives").
`--sets blind25 dev` runs only those. Prints JSON: per set, `assistant eval`'s figures (keyword
hits overall and by type, Recall@5/10, list papers, answerable and near negatives refused,
citation recall and precision), and the same pooled over blind 13-19 and over blind 20 onwards,
the sets written after round 12 in styles the team had not tuned on. `--details DIR` writes each
set's per-question results (`DIR/NAME.jsonl`) to compare two versions of the code answer by answer.
About 4 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import DEV, ROOT  # noqa: E402  (also: project on the path, offline switches)

from assistant.api import Assistant  # noqa: E402
from assistant.config import load_settings  # noqa: E402
from assistant.evaluate import load_questions, run_question, summarise  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
KEPT = ("questions", "answerable", "negatives", "recall_at_5", "recall_at_10", "keyword_hit_rate", "keyword_hit_rate_by_type",
        "list_paper_recall", "false_refusal_rate", "negative_refusal_rate", "citation_recall", "citation_precision", "failures")


def question_sets() -> dict[str, list[Path]]:
    dev = SHARED / "dev.jsonl" if (SHARED / "dev.jsonl").exists() else DEV  # the copy a fresh clone has
    sets = {"dev": [dev], "dev_near_negatives": [SHARED / "dev_near_negatives.jsonl"],
            "team": [ROOT / "bench/eval/questions.jsonl", ROOT / "bench/eval/near_negatives.jsonl"]}
    for name in ("heldout", "blind", "near_topic_negatives"):  # bench/blind.jsonl is not bench/eval/blind
        sets[f"bench_{name}"] = [ROOT / f"bench/{name}.jsonl"]
    folders = [d for d in (ROOT / "bench/eval").iterdir() if d.is_dir() and list(d.glob("*.jsonl"))]
    for folder in sorted(folders, key=lambda d: (len(d.name), d.name)):  # blind2 before blind10
        sets[folder.name] = sorted(f for f in folder.glob("*.jsonl") if "support_labels" not in f.name)
    return {name: [f for f in files if f.exists()] for name, files in sets.items()}


def number(name: str) -> int | None:
    match = re.fullmatch(r"blind(\d+)", name)
    return int(match.group(1)) if match else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", metavar="NAME", help="only these sets (names as in the JSON)")
    parser.add_argument("--details", type=Path, metavar="DIR", help="write each set's per-question results here")
    args = parser.parse_args(argv)
    sets = question_sets()
    unknown = sorted(set(args.sets or ()) - set(sets))
    if unknown:
        parser.error(f"no such set: {', '.join(unknown)} (sets: {', '.join(sets)})")
    assistant = Assistant(load_settings(None, mode="extractive", progress=False))
    assistant.ensure_index(progress=False)
    results, report = {}, {"sets": {}, "pooled": {}}
    for name, files in sets.items():
        if args.sets and name not in args.sets:
            continue
        results[name] = [run_question(assistant, q) for f in files for q in load_questions(f)]
        report["sets"][name] = {k: v for k, v in summarise(results[name]).items() if k in KEPT}
        if args.details:
            args.details.mkdir(parents=True, exist_ok=True)
            (args.details / f"{name}.jsonl").write_text("".join(json.dumps(asdict(r)) + "\n" for r in results[name]))
        print(f"{name}: done", file=sys.stderr, flush=True)
    for label, lo, hi in (("blind13-19", 13, 19), ("blind20+", 20, 10**6)):
        pooled = [r for name, rs in results.items() if (n := number(name)) and lo <= n <= hi for r in rs]
        if pooled:
            report["pooled"][label] = {k: v for k, v in summarise(pooled).items() if k in KEPT}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
