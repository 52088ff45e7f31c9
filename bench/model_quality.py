"""Answer quality with a real instruction model: Qwen2.5-Coder-Instruct (assembled from its PyPI
part wheels and cached, assistant/localmodel.py) behind llama-cpp-python's server, measured by
`assistant eval --mode model` on question files. Prints one JSON object: the settings and,
per question file, eval's summary (citation recall/precision, contentful and degenerate rates,
keyword hits, refusals, latency).

    python bench/model_quality.py                        # Qwen 1.5B on the dev questions and negatives
    python bench/model_quality.py --model qwen-0.5b --limit 5 QUESTIONS.jsonl ...

Slow on 2 cores (a question takes about 20-40 s with the 1.5B model): run it sparingly.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.localmodel import MODELS, assemble, serve  # noqa: E402

DEFAULT_FILES = [ROOT / "tests" / "fixtures" / "dev.jsonl", ROOT / "bench" / "eval" / "dev_near_negatives.jsonl",
                 ROOT / "bench" / "eval" / "near_negatives.jsonl"]


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a kill still stops the model server
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", nargs="*", type=Path, help="question files (JSONL); default: dev and negatives")
    parser.add_argument("--model", default="qwen-1.5b", choices=sorted(MODELS))
    parser.add_argument("--limit", type=int, help="only the first N questions of each file")
    # The product's defaults (assistant/config.py), so the figures are what a user gets.
    parser.add_argument("--max-tokens", type=int, default=Settings.llm_max_tokens, help="reply tokens (a list gets more, see api.LINE_TOKENS)")
    parser.add_argument("--context-tokens", type=int, default=Settings.llm_context_tokens, help="tokens of sources in the prompt")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per answer, retries included (a list on a busy 2-core machine takes minutes)")
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads (see localmodel.serve)")
    parser.add_argument("--index-dir", type=Path, default=ROOT / "index")
    args = parser.parse_args()
    files = args.questions or [f for f in DEFAULT_FILES if f.is_file()]

    started = time.perf_counter()
    model = assemble(args.model)
    fetched = round(time.perf_counter() - started, 1)
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    env = {**os.environ, "ASSISTANT_LLM_MAX_TOKENS": str(args.max_tokens), "ASSISTANT_LLM_CONTEXT_TOKENS": str(args.context_tokens),
           "ASSISTANT_LLM_TEMPERATURE": "0", "ASSISTANT_LLM_TIMEOUT": str(args.timeout)}
    report = {"model": args.model, "gguf": model.name, "assemble_s": fetched, "max_tokens": args.max_tokens,
              "context_tokens": args.context_tokens, "timeout": args.timeout, "threads": args.threads, "files": {}}
    with tempfile.TemporaryDirectory() as tmp, serve(model, Path(tmp) / "server.log", threads=args.threads) as url:
        for path in files:
            questions = path
            if args.limit:
                questions = Path(tmp) / path.name
                questions.write_text("".join(path.read_text().splitlines(keepends=True)[: args.limit]))
            details = out / f"model-{args.model}-{path.stem}.jsonl"
            run = subprocess.run([sys.executable, "-m", "assistant", "eval", str(questions), "--json", "--mode", "model",
                                  "--llm-base-url", url, "--index-dir", str(args.index_dir), "--details", str(details)],
                                 capture_output=True, text=True, cwd=ROOT, env=env)
            if run.returncode:
                report["files"][path.name] = {"error": run.stderr.strip()[-500:]}
                continue
            report["files"][path.name] = json.loads(run.stdout)
            print(f"{path.name}: done", file=sys.stderr)
    report["wall_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
