"""The parsed shipped corpus as the blind sets' check.py scripts read it: title and abstract."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.corpus import load_corpus  # noqa: E402

PAPERS = [{"title": p.title, "abstract": p.abstract} for p in load_corpus([ROOT / "corpus"]).papers]
