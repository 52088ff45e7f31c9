"""Ten people chatting at once: concurrent gradio_client conversations against the real UI.

    python bench/ui_concurrency.py                 # starts app.py on a free port (./index), then stops it
    python bench/ui_concurrency.py --url http://127.0.0.1:7860 --chats 10

Each chat asks a question and then a follow-up that carries the first turn as history, through
the app's /ask endpoint (the same queue the page uses). Prints the latencies as JSON; exits
non-zero if any turn failed.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Which papers study grokking?",
    "How do process reward models help math reasoning?",
    "Which papers study catastrophic forgetting in continual learning?",
    "What is known about length generalization of transformers?",
    "Which papers use reinforcement learning to fine-tune language models?",
    "How can instruction tuning data be augmented?",
    "Which papers study compositional generalization?",
    "What do sparse autoencoders reveal about reasoning models?",
    "Which papers evaluate vulnerability detection with transformers?",
    "How do mixture of experts models route tokens?",
]
FOLLOW_UP = "Which of these papers is the most recent?"


def start_app() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "GRADIO_SERVER_NAME": "127.0.0.1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                sys.exit("app.py did not start")
            time.sleep(0.5)


def chat(url: str, question: str) -> dict:
    from gradio_client import Client

    client = Client(url, verbose=False)
    turns = []
    history: list[list[str]] = []
    for q in (question, FOLLOW_UP):
        started = time.perf_counter()
        try:
            answer = client.predict(q, history, api_name="/ask")
        except Exception as exc:  # any failure is what the bench reports
            turns.append({"question": q, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__})
            break
        turns.append({"question": q, "seconds": round(time.perf_counter() - started, 3), "citations": len(answer["citations"])})
        history.append([q, answer["text"]])
    return {"turns": turns}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running app (default: start app.py on a free port)")
    parser.add_argument("--chats", type=int, default=10)
    args = parser.parse_args()
    process, url = (None, args.url) if args.url else start_app()
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(args.chats) as pool:
            chats = list(pool.map(lambda i: chat(url, QUESTIONS[i % len(QUESTIONS)]), range(args.chats)))
        wall = time.perf_counter() - started
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
    seconds = [t["seconds"] for c in chats for t in c["turns"] if "seconds" in t]
    errors = [t for c in chats for t in c["turns"] if "error" in t]
    print(json.dumps({
        "chats": args.chats, "turns": len(seconds) + len(errors), "errors": len(errors), "wall_seconds": round(wall, 2),
        "turn_seconds": {"p50": percentile(seconds, 0.5), "p90": percentile(seconds, 0.9), "max": max(seconds, default=0.0)},
        "per_chat": chats,
    }, indent=2))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
