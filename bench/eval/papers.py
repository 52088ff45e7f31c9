"""What the blind sets' check.py scripts share: the parsed shipped corpus (each title's lower-cased
title and abstract, where keywords are looked up) and a reporter of the problems found."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.corpus import load_corpus  # noqa: E402

TEXTS = {p.title: f"{p.title} {p.abstract}".lower() for p in load_corpus([ROOT / "corpus"]).papers}
problems: list[tuple] = []


def err(*what) -> None:
    problems.append(what)
    print("ERROR", *what)
