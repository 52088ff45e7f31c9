"""How long `Assistant.ask` takes to answer when the model endpoint fails in each way, against
the configured timeout. Prints JSON lines: fault, seconds, mode, note.

    python bench/llm_faults.py [--timeout 3]
"""

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from assistant.api import Assistant  # noqa: E402
from fake_llm import FakeLLM, Reply, unreachable_url  # noqa: E402

FAULTS = {
    "none": (Reply("Delta has several tasks [1]."), None),
    "connection refused": (Reply(), unreachable_url()),
    "dns failure": (Reply(), "http://no-such-host.invalid/v1"),
    "timeout (server silent)": (Reply(delay=60), None),
    "timeout (tokens trickle)": (Reply("word " * 200, chunk_delay=0.1), None),
    "http 400": (Reply(status=400), None),
    "http 503 (retried)": (Reply(status=503), None),
    "empty reply": (Reply(fault="empty"), None),
    "malformed reply": (Reply(fault="malformed"), None),
    "stream cut": (Reply("Delta has several tasks and then the stream stops [1].", fault="cut"), None),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(index_dir=Path(tmp), corpus=[ROOT / "tests" / "fixtures" / "meta.txt"])
        assistant.index.sync(progress=False)
        assistant.ask("warm up the embedder", mode="extractive")
        base = assistant.settings
        for fault, (reply, url) in FAULTS.items():
            with FakeLLM(reply) as fake:
                assistant.settings = dataclasses.replace(base, llm_base_url=url or fake.base_url, llm_model="m", llm_timeout=args.timeout)
                started = time.perf_counter()
                answer = assistant.ask("Which benchmark has several tasks?")
                seconds = time.perf_counter() - started
            print(json.dumps({"fault": fault, "timeout": args.timeout, "seconds": round(seconds, 2), "requests": len(fake.requests),
                              "mode": answer.mode, "note": answer.note}), flush=True)


if __name__ == "__main__":
    main()
