import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def run_cli(*args, env=None, timeout=300):
    """Run the real `assistant` command in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})},
    )


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory):
    """The shipped corpus indexed once for the whole session (a real Chroma store)."""
    from assistant.api import Assistant

    assistant = Assistant(index_dir=tmp_path_factory.mktemp("index"))
    assistant.index.sync(progress=False)
    return assistant


@pytest.fixture(scope="session")
def dev_questions():
    return [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
