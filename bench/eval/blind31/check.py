"""Sanity checks for the blind31 set: bench/eval/papers.check_strict (check_set with lists of 2-6
papers and the brief's counts per type, no answer keyword inside its own question, every list or
compare keyword in exactly one of its gold papers). Prints JSON; exits 1 on a problem."""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import papers  # noqa: E402

sys.exit(papers.check_strict(HERE, {"fact": 10, "numeric": 6, "multi": 12, "compare": 8, "metadata": 4, "negative": 15}))
