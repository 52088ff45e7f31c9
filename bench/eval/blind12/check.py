"""Sanity checks for the blind12 set (bench/eval/papers.check_set, with lists of 2-6 papers and
the brief's counts per type); exits 1 on a problem."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from papers import check_set  # noqa: E402

EXPECTED = {"fact": 14, "numeric": 8, "multi": 12, "compare": 10, "metadata": 6, "negative": 20}
sys.exit(check_set(Path(__file__).resolve().parent, list_sizes=(2, 6), expected=EXPECTED))
