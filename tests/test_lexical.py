"""BM25 stored as term counts, searched through the query terms' posting lists only and updated
in place (assistant/lexical.py)."""

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from assistant.corpus import load_corpus
from assistant.lexical import Lexical, tokenize
from assistant.text import american

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["process reward models for math reasoning", "brain MEG decoding", "video generation diffusion", "grokking"]


@pytest.fixture(scope="module")
def papers():
    return load_corpus([ROOT / "corpus"]).papers


@pytest.fixture(scope="module")
def questions():
    lines = (ROOT / "tests" / "fixtures" / "dev.jsonl").read_text().splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()] + QUERIES + ["model model model", "the of"]


@pytest.fixture(scope="module")
def built(papers, tmp_path_factory):
    lexical = Lexical(tmp_path_factory.mktemp("lexical") / "bm25")
    lexical.update(papers)
    return lexical


def test_scores_are_bm25s_lucene_scores(papers, tmp_path):
    import bm25s

    lexical = Lexical(tmp_path / "bm25")
    assert lexical.update(papers) == len(papers)
    reference = bm25s.BM25()  # what built the index before: same tokens, default Lucene BM25
    reference.index([tokenize([p.text])[0] for p in papers], show_progress=False)
    for query in QUERIES:
        expected = reference.get_scores(tokenize([query])[0])
        got = lexical.score_all(query)
        assert np.allclose([got.get(p.id, 0.0) for p in papers], expected, rtol=1e-4, atol=1e-5), query
        assert max(expected) > 0 and set(got) == {p.id for p, s in zip(papers, expected) if s > 0}


def test_tokens_are_bm25s_tokens(papers):
    import bm25s
    import Stemmer

    texts = [p.text for p in papers] + ["", "Ünïcödé naïve café: 3.5x GPT-4, e.g. __init__ and a_b", "The THE the of AND"]
    spelt = [re.sub(r"\w+", lambda m: american(m.group()), t.lower()) for t in texts]  # the corpus writes "behaviour" too
    assert spelt != [t.lower() for t in texts]
    expected = bm25s.tokenize(spelt, stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False, show_progress=False)
    assert tokenize(texts) == expected
    assert [tokenize([t])[0] for t in texts[-3:]] == expected[-3:]  # one text at a time, as a query is


def test_british_and_american_spellings_are_one_term():
    import bm25s
    import Stemmer

    british = "Generalisation of memorised behaviour: we analyse summarisation and optimisers, colour-centred."
    american = "Generalization of memorized behavior: we analyze summarization and optimizers, color-centered."
    expected = bm25s.tokenize([american], stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False, show_progress=False)
    assert tokenize([british]) == tokenize([american]) == expected
    # words spelt alike in both, or commoner in the British way, are left alone
    kept = "supervised exercise noise surprising analyses glamour"
    assert tokenize([kept]) == bm25s.tokenize([kept], stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False, show_progress=False)


def exhaustive(lexical: Lexical, query: str, admit=None) -> list[tuple[str, float]]:
    """Every matching row scored, best first, ties by row: what pruning must reproduce."""
    ranked = sorted(((-s, lexical.paper_ids.tolist().index(pid.encode()), pid) for pid, s in lexical.score_all(query).items()))
    rows = np.array([row for _, row, _ in ranked], dtype=np.int64)
    keep = admit(rows) if admit is not None and len(rows) else np.ones(len(rows), bool)
    return [(pid, -s) for (s, _, pid), k in zip(ranked, keep) if k]


@pytest.mark.parametrize("n", [1, 5, 50])
def test_pruned_top_n_equals_scoring_every_matching_paper(built, questions, n):
    for query in questions:
        rows, scores = built.search(query, n)
        got = [(built.paper_id(r), float(s)) for r, s in zip(rows, scores)]
        expected = exhaustive(built, query)[:n]
        assert [pid for pid, _ in got] == [pid for pid, _ in expected], query
        assert np.allclose([s for _, s in got], [s for _, s in expected], rtol=1e-6), query


def test_pruning_with_a_filter_finds_the_best_admitted_papers(built, questions):
    years = np.asarray(built.arrays["years"])
    admit = lambda rows: years[rows] == 2023  # noqa: E731
    assert 0 < np.count_nonzero(years == 2023) < len(years)
    for query in questions:
        rows, _ = built.search(query, 5, admit)
        assert [built.paper_id(r) for r in rows] == [pid for pid, _ in exhaustive(built, query, admit)[:5]], query


def test_the_accumulator_is_left_zeroed_for_the_next_query(built, questions):
    """A query adds into a buffer it shares with the next query of its thread: what it touched
    must be reset, on success and when the filter fails, or the next ranking is wrong."""
    expected = {query: built.search(query, 5)[0].tolist() for query in questions}

    def broken(rows):
        raise RuntimeError("filter failed")

    for query in [q for q in questions if expected[q]]:
        with pytest.raises(RuntimeError):
            built.search(query, 5, broken)
        assert not built._scratch().any(), query
        assert built.search(query, 5)[0].tolist() == expected[query]
        assert not built._scratch().any(), query


def test_update_tokenizes_only_changed_papers_and_equals_a_fresh_build(papers, tmp_path):
    lexical = Lexical(tmp_path / "bm25")
    lexical.update(papers)
    edited = dataclasses.replace(papers[3], abstract=papers[3].abstract + " Grokking appears here too.")
    added = dataclasses.replace(papers[0], title="A Brand New Paper About Grokking", abstract="Grokking in tiny transformers.")
    changed = [edited if p is papers[3] else p for p in papers[1:]] + [added]  # papers[0] removed
    assert lexical.update(changed) == 2  # the edited and the added paper, nothing else

    fresh = Lexical(tmp_path / "fresh")
    fresh.update(changed)
    assert sorted(lexical.stored()) == sorted(p.id for p in changed)
    for query in QUERIES:
        incremental, rebuilt = lexical.score_all(query), fresh.score_all(query)
        assert incremental.keys() == rebuilt.keys() and all(abs(incremental[i] - rebuilt[i]) < 1e-4 for i in rebuilt), query
    assert lexical.score_all("grokking")[edited.id] > 0


def test_deleted_rows_are_squeezed_out_without_changing_rankings(papers, tmp_path):
    lexical = Lexical(tmp_path / "bm25")
    lexical.update(papers)
    kept = papers[::2]
    lexical.update(kept)  # half the rows deleted: over a quarter, so the arrays are rewritten without them
    assert len(lexical.paper_ids) == len(kept) and all(lexical.paper_ids)
    fresh = Lexical(tmp_path / "fresh")
    fresh.update(kept)
    for query in QUERIES:
        assert [built for built in lexical.search(query, 10)[0]] == [f for f in fresh.search(query, 10)[0]], query


def test_words_the_corpus_lacks_score_nothing(papers, tmp_path):
    lexical = Lexical(tmp_path / "bm25")
    assert not len(lexical.search("grokking", 5)[0])  # nothing indexed yet
    lexical.update(papers[:10])
    assert not lexical.score_all("zzzunknownword the of")
    assert lexical.update(papers[:10]) == 0  # nothing changed: nothing tokenized
