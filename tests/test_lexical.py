"""BM25 stored as term counts and updated in place (assistant/lexical.py)."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from assistant.corpus import load_corpus
from assistant.lexical import Lexical, tokenize

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["process reward models for math reasoning", "brain MEG decoding", "video generation diffusion", "grokking"]


@pytest.fixture(scope="module")
def papers():
    return load_corpus([ROOT / "corpus"]).papers


def by_paper(lexical: Lexical, query: str) -> dict[str, float]:
    return dict(zip(lexical.paper_ids, lexical.scores(query).tolist()))


def test_scores_are_bm25s_lucene_scores(papers, tmp_path):
    import bm25s

    lexical = Lexical(tmp_path / "bm25")
    assert lexical.update(papers) == len(papers)
    reference = bm25s.BM25()  # what built the index before: same tokens, default Lucene BM25
    reference.index([tokenize([p.text])[0] for p in papers], show_progress=False)
    for query in QUERIES:
        expected = reference.get_scores(tokenize([query])[0])
        got = by_paper(lexical, query)
        assert np.allclose([got[p.id] for p in papers], expected, rtol=1e-4, atol=1e-5), query
        assert max(expected) > 0


def test_update_tokenizes_only_changed_papers_and_equals_a_fresh_build(papers, tmp_path):
    lexical = Lexical(tmp_path / "bm25")
    lexical.update(papers)
    edited = dataclasses.replace(papers[3], abstract=papers[3].abstract + " Grokking appears here too.")
    added = dataclasses.replace(papers[0], title="A Brand New Paper About Grokking", abstract="Grokking in tiny transformers.")
    changed = [edited if p is papers[3] else p for p in papers[1:]] + [added]  # papers[0] removed
    assert lexical.update(changed) == 2  # the edited and the added paper, nothing else

    fresh = Lexical(tmp_path / "fresh")
    fresh.update(changed)
    assert sorted(lexical.paper_ids) == sorted(p.id for p in changed)
    for query in QUERIES:
        incremental, rebuilt = by_paper(lexical, query), by_paper(fresh, query)
        assert all(abs(incremental[i] - rebuilt[i]) < 1e-4 for i in rebuilt), query
    assert by_paper(lexical, "grokking")[edited.id] > 0


def test_words_the_corpus_lacks_score_nothing(papers, tmp_path):
    lexical = Lexical(tmp_path / "bm25")
    lexical.update(papers[:10])
    assert not lexical.scores("zzzunknownword the of").any()
    assert lexical.update(papers[:10]) == 0  # nothing changed: nothing tokenized
