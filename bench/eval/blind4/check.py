"""Sanity checks for the blind4 set (bench/eval/papers.check_set); exits 1 on a problem."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from papers import check_set  # noqa: E402

sys.exit(check_set(Path(__file__).resolve().parent))
