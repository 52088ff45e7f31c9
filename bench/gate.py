"""Calibration of the evidence gate (assistant/gate.py): what it refuses and which papers it keeps.

    .venv/bin/python bench/gate.py [QUESTIONS.jsonl ...] [--k 5] [--index-dir DIR]

Default questions: the dev set and its near-topic negatives, bench/gate_calibration.jsonl,
bench/heldout.jsonl, bench/near_topic_negatives.jsonl, bench/blind.jsonl and, when present,
the questions and near negatives of bench/eval, bench/eval/blind and bench/eval/round2. Every question is retrieved
(top k) and passed through Assistant.gate, as `ask` does. Prints JSON:
- per file and per split: negative_refusal_rate, false_refusal_rate (answerable questions
  refused), gold_pass_rate (gold papers among the retrieved that the gate keeps as sources),
  other_pass_rate (retrieved non-gold papers kept), the refused answerable questions and the
  negatives let through, with their scores;
- splits: "tuning" (the constants were chosen on it: dev, dev near negatives,
  gate_calibration, bench/eval/round2 and the odd-numbered questions of bench/eval) and
  "held_out" (the rest, bench/eval/blind included);
- sweep: the rates on each split had MIN_SCORE been another value (a question is refused by
  the score when its score is below the threshold; named-term refusals stay);
- gate_ms: milliseconds per gate call, warm (the same question again: sentence vectors cached)
  and cold (first call, including embedding the abstracts' sentences), p50 and max.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import ROOT  # noqa: E402  (also: project on the path, offline switches)

from assistant import gate  # noqa: E402
from assistant.api import Assistant  # noqa: E402
from assistant.corpus import normalise_title  # noqa: E402
from assistant.evaluate import load_questions  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
DEFAULT_QUESTIONS = [
    SHARED / "dev.jsonl", SHARED / "dev_near_negatives.jsonl", ROOT / "bench" / "gate_calibration.jsonl",
    ROOT / "bench" / "heldout.jsonl", ROOT / "bench" / "near_topic_negatives.jsonl", ROOT / "bench" / "blind.jsonl",
    ROOT / "bench" / "eval" / "questions.jsonl", ROOT / "bench" / "eval" / "near_negatives.jsonl",
    ROOT / "bench" / "eval" / "blind" / "questions.jsonl", ROOT / "bench" / "eval" / "blind" / "near_negatives.jsonl",
    ROOT / "bench" / "eval" / "round2" / "questions.jsonl", ROOT / "bench" / "eval" / "round2" / "near_negatives.jsonl",
]
TUNING_FILES = {"dev.jsonl", "dev_near_negatives.jsonl", "gate_calibration.jsonl"}
SPLIT_FILES = {"questions.jsonl", "near_negatives.jsonl"}  # odd ids tune, even ids are held out
TUNING_DIRS = {"round2"}  # bench/eval/round2: tuning; bench/eval/blind: held out
HELD_OUT_DIRS = {"blind"}
SWEEP = (0.7, 0.75, 0.78, 0.8, 0.81, 0.82, 0.83, 0.85, 0.875, 0.9, 0.95, 1.0)


def split_of(path: Path, question_id: str) -> str:
    file_name = path.name
    if file_name in TUNING_FILES or path.parent.name in TUNING_DIRS:
        return "tuning"
    if path.parent.name in HELD_OUT_DIRS:
        return "held_out"
    if file_name in SPLIT_FILES:
        number = int(re.sub(r"\D", "", question_id) or 0)
        return "tuning" if number % 2 else "held_out"
    return "held_out"


def judge(assistant: Assistant, question, k: int) -> dict:
    hits = assistant.retrieve(question.question, k=k)
    started = time.perf_counter()
    evidence = assistant.gate(question.question, hits)
    cold = time.perf_counter() - started
    again = assistant.retrieve(question.question, k=k)
    started = time.perf_counter()
    assistant.gate(question.question, again)
    warm = time.perf_counter() - started
    gold = {normalise_title(t) for t in question.gold_titles}
    kept = {h.paper.id for h in evidence.hits}
    return {
        "id": question.id, "question": question.question, "negative": question.negative,
        "refused": bool(evidence.reason), "reason": evidence.reason, "score": evidence.score,
        "named": bool(evidence.reason and evidence.score is None),
        "gold_retrieved": sum(normalise_title(h.paper.title) in gold for h in hits),
        "gold_kept": sum(normalise_title(h.paper.title) in gold and h.paper.id in kept for h in hits),
        "other_retrieved": sum(normalise_title(h.paper.title) not in gold for h in hits),
        "other_kept": sum(normalise_title(h.paper.title) not in gold and h.paper.id in kept for h in hits),
        "cold_ms": cold * 1000, "warm_ms": warm * 1000,
    }


def rates(rows: list[dict], threshold: float | None = None) -> dict:
    def refused(r):
        if threshold is None or r["score"] is None:
            return r["refused"]
        return r["score"] < threshold

    def share(flags):
        flags = list(flags)
        return round(sum(flags) / len(flags), 3) if flags else None

    answerable = [r for r in rows if not r["negative"]]
    negatives = [r for r in rows if r["negative"]]
    out = {
        "answerable": len(answerable), "negatives": len(negatives),
        "negative_refusal_rate": share(refused(r) for r in negatives),
        "false_refusal_rate": share(refused(r) for r in answerable),
    }
    if threshold is None:
        kept = [r for r in answerable if not r["refused"]]
        gold = sum(r["gold_retrieved"] for r in kept)
        other = sum(r["other_retrieved"] for r in kept)
        out |= {
            "gold_pass_rate": round(sum(r["gold_kept"] for r in kept) / gold, 3) if gold else None,
            "other_pass_rate": round(sum(r["other_kept"] for r in kept) / other, 3) if other else None,
            "refused_answerable": [f"{r['id']}: {r['reason']} (score {r['score']})" for r in answerable if r["refused"]],
            "admitted_negatives": [f"{r['id']} (score {r['score']}): {r['question']}" for r in negatives if not r["refused"]],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", type=Path)
    parser.add_argument("--k", type=int, default=None, help="papers retrieved per question (default: the top_k setting)")
    parser.add_argument("--index-dir", type=Path, help="the project's index (default: ./index, built if missing)")
    args = parser.parse_args()

    assistant = Assistant(index_dir=args.index_dir)
    assistant.warm_up(progress=False)
    k = args.k or assistant.settings.top_k
    files = args.questions or [p for p in DEFAULT_QUESTIONS if p.exists()]
    rows: dict[str, list[dict]] = {}
    for path in files:
        for q in load_questions(path):
            row = judge(assistant, q, k)
            row["split"] = split_of(path, q.id)
            rows.setdefault(str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path), []).append(row)
    everything = [r for file_rows in rows.values() for r in file_rows]
    splits = {name: [r for r in everything if r["split"] == name] for name in ("tuning", "held_out")}
    cold = sorted(r["cold_ms"] for r in everything)
    warm = sorted(r["warm_ms"] for r in everything)
    report = {
        "constants": {"MIN_SCORE": gate.MIN_SCORE, "MIN_PAPER": gate.MIN_PAPER, "k": k},
        "files": {name: rates(file_rows) for name, file_rows in rows.items()},
        "splits": {name: rates(split_rows) for name, split_rows in splits.items()},
        "sweep": {str(t): {name: {key: v for key, v in rates(split_rows, t).items() if key.endswith("rate")}
                           for name, split_rows in splits.items()} for t in SWEEP},
        "gate_ms": {"warm_p50": round(warm[len(warm) // 2], 1), "warm_max": round(warm[-1], 1),
                    "cold_p50": round(cold[len(cold) // 2], 1), "cold_max": round(cold[-1], 1)},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
