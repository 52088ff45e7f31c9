"""Batch throughput: serial against --workers N, with a scripted endpoint that takes 200 ms a reply.

    .venv/bin/python bench/batch_workers.py [--questions 200] [--workers 8] [--delay 0.2]

Uses the project's index (./index, built on first use) and the scripted OpenAI-compatible server
of tests/fake_llm.py on 127.0.0.1, and prints one JSON object: both times and their ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_llm import FakeLLM, quoting_first_source  # noqa: E402

from assistant.api import Assistant  # noqa: E402
from assistant.batch import answer_questions  # noqa: E402

QUESTIONS = [
    "Which papers study grokking?",
    "How can language models be trained to use tools?",
    "What methods make retrieval-augmented generation more robust?",
    "Which papers evaluate long-context language models?",
    "How are process reward models trained?",
]


def timed_run(assistant, questions, workers):
    started = time.perf_counter()
    records = list(answer_questions(assistant, questions, workers=workers))
    return round(time.perf_counter() - started, 2), records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the endpoint takes per reply")
    args = parser.parse_args()
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(args.questions)]
    with FakeLLM(lambda body: quoting_first_source(body, delay=args.delay)) as llm:
        assistant = Assistant(llm_base_url=llm.base_url, llm_model="fake-model", llm_retries=0)
        assistant.warm_up()  # the index build or load is not what is measured
        serial_s, serial = timed_run(assistant, questions, 1)
        parallel_s, parallel = timed_run(assistant, questions, args.workers)
        requests = len(llm.requests)
    print(json.dumps({
        "questions": args.questions,
        "endpoint_delay_s": args.delay,
        "serial_s": serial_s,
        "workers": args.workers,
        "workers_s": parallel_s,
        "ratio": round(parallel_s / serial_s, 3),
        "speedup": round(serial_s / parallel_s, 2),
        "endpoint_requests": requests,
        "modes": dict(Counter(r["mode"] for r in serial + parallel)),
        "statuses": dict(Counter(r["status"] for r in serial + parallel)),
    }))


if __name__ == "__main__":
    main()
