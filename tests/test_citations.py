import pytest

from assistant.citations import CitationStream, cite, normalise
from assistant.corpus import Paper
from assistant.retrieve import Hit

ABSTRACTS = [
    ("Grokking Revisited", "Grokking is delayed generalisation long after overfitting. We study it on modular arithmetic."),
    ("Reward Models for Steps", "Process reward models score every reasoning step. They beat outcome rewards on math."),
    ("Long Context Benchmarks", "We build a benchmark of long documents. Models lose accuracy past 32k tokens."),
]


def hits():
    return [Hit(Paper(title, abstract, date="Jan 5, 2024", year=2024), 1.0 - i / 10, 0.5, 1.0) for i, (title, abstract) in enumerate(ABSTRACTS)]


@pytest.mark.parametrize("raw, expected", [
    ("Claim [1].", "Claim [1]."),
    ("Claim [1, 2].", "Claim [1][2]."),
    ("Claim [1][2].", "Claim [1][2]."),
    ("Claim [1-3].", "Claim [1][2][3]."),
    ("Claim (1).", "Claim [1]."),
    ("Claim \u30101\u3011.", "Claim [1]."),
    ("Claim [Source 1].", "Claim [1]."),
    ("Claim [Sources 1 and 2].", "Claim [1][2]."),
])
def test_every_variant_becomes_plain_brackets(raw, expected):
    assert normalise(raw, 3)[0] == expected


def test_ids_matching_no_source_are_dropped_and_the_rest_renumbered_by_first_use():
    text, order = normalise("B [3]. A [9] [1]. B again [3]. Junk [0].", 3)
    assert text == "B [1]. A [2]. B again [1]. Junk."
    assert order == [3, 1]


def test_parenthesised_numbers_that_are_not_all_sources_stay_text():
    assert normalise("Released in (2023), see (1, 7).", 3)[0] == "Released in (2023), see (1, 7)."


def test_a_dropped_leading_citation_leaves_no_leading_space():
    assert normalise("[7] Grokking [1].", 3)[0] == "Grokking [1]."


def test_a_range_too_wide_to_be_a_citation_is_dropped():
    assert normalise("Everything [1-999].", 3)[0] == "Everything."


def test_small_model_junk_keeps_only_valid_ids():
    text, order = normalise(" ".join(f"[{i}]" for i in range(1, 28)), 3)
    assert text == "[1] [2] [3]" and order == [1, 2, 3]


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_streamed_text_is_the_checked_text_however_it_is_split(size):
    raw = "Grokking [2] is delayed (1). Rewards \u30103\u3011 and [Source 7] [1-2] end."
    stream = CitationStream(3)
    shown = "".join(stream.feed(raw[i : i + size]) for i in range(0, len(raw), size)) + stream.finish()
    assert shown == normalise(raw, 3)[0] == "Grokking [1] is delayed [2]. Rewards [3] and [2][1] end."


def test_cited_answer_lists_cited_papers_in_citation_order_and_the_rest_as_uncited():
    answer = cite("q", "Process reward models score each reasoning step [2]. Grokking is delayed generalisation [1].", hits(), 3)
    assert answer.text == "Process reward models score each reasoning step [1]. Grokking is delayed generalisation [2]."
    assert [s.title for s in answer.citations] == ["Reward Models for Steps", "Grokking Revisited"]
    assert [s.number for s in answer.citations] == [1, 2]
    assert [s.title for s in answer.uncited] == ["Long Context Benchmarks"]
    assert answer.citations[0].sentences == ["Process reward models score every reasoning step."]
    assert answer.note is None and not answer.refused


def test_uncited_answer_gets_citations_from_matching_source_sentences():
    answer = cite("q", "Models lose accuracy on long documents past 32k tokens.", hits(), 3)
    assert answer.text == "Models lose accuracy on long documents past 32k tokens [1]."
    assert [s.title for s in answer.citations] == ["Long Context Benchmarks"]
    assert "attached" in answer.note


def test_an_answer_near_the_sources_but_unsupported_keeps_no_sentence():
    answer = cite("q", "Process reward models score every reasoning step 40 times [2].", hits(), 3)
    assert answer.text == "" and answer.citations == [] and not answer.refused  # the caller answers otherwise
    assert answer.note == "no sentence of the model's answer is supported by the sources"
    assert [(s.text, s.supported) for s in answer.sentences] == [("Process reward models score every reasoning step 40 times.", False)]
    assert len(answer.uncited) == 3


def test_an_answer_from_the_models_own_knowledge_is_a_refusal():
    answer = cite("q", "Bananas are yellow [1]. They grow in warm places.", hits(), 3)
    assert answer.refused and answer.citations == [] and answer.text.startswith("The corpus does not cover this question")
    assert "own knowledge" in answer.note and not any(s.supported for s in answer.sentences)


def test_sources_not_shown_to_the_model_cannot_be_cited():
    answer = cite("q", "Models lose accuracy past 32k tokens [3].", hits(), 2)
    assert answer.citations == [] and not any(s.supported for s in answer.sentences)
    assert "Long Context Benchmarks" in [s.title for s in answer.uncited]


def test_a_leading_marker_and_a_list_keep_their_sentences_and_lines():
    answer = cite("q", "- Process reward models score every reasoning step.[2]\n- Grokking is delayed generalisation. [1]", hits(), 3)
    assert answer.text == "Process reward models score every reasoning step [1].\nGrokking is delayed generalisation [2]."


def test_a_refusal_is_shown_honestly_without_citations():
    answer = cite("q", "I cannot answer this from the provided sources.", hits(), 3)
    assert answer.refused and answer.citations == []
    assert answer.text == "I cannot answer this from the provided sources."


def test_source_titles_run_together_are_not_an_answer_sentence():
    """Qwen sometimes ends its answer with the sources' titles in one run; each title's words are
    in its source, but the run says nothing about what was asked."""
    raw = ("Process reward models score every reasoning step [2]. "
           "Grokking Revisited Reward Models for Steps Long Context Benchmarks [1][2][3].")
    answer = cite("What do process reward models score?", raw, hits(), 3)
    assert answer.text == "Process reward models score every reasoning step [1]."
    assert [s.supported for s in answer.sentences] == [True, False]
