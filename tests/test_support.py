"""The support check (assistant/support.py): degenerate replies, answer sentences and their
citations, and whether a sentence is said by the abstract it cites (real MiniLM embedder)."""

import pytest

from assistant.support import Support, check_claims, citation_scores, claims, complete_sentences, reply_problem

QUESTION = "What training strategy keeps the reader from memorising its document collection?"
SOURCES = [
    ("Towards Better Generalization in Open-Domain Question Answering by Mitigating Context Memorization",
     "Open-domain question answering reads retrieved documents. Readers tend to memorise the document collection "
     "and fail when it changes. We introduce Corpus-Invariant Tuning (CIT), a training strategy that controls the "
     "likelihood of retrieved contexts during training. Experiments on multiple QA benchmarks show CIT improves "
     "generalization by 12.5% when the collection is updated."),
    ("LIMO: Less is More for Reasoning",
     "We study how few curated examples a model needs to reason about mathematics. With merely 817 curated "
     "training samples, the model reaches 57.1% accuracy on a competition benchmark."),
    ("Cooking with Robots", "A robot learns recipes from videos of human cooks. It prepares twelve dishes."),
]


@pytest.fixture(scope="module")
def support():
    from assistant.embeddings import make_embedder

    return Support(SOURCES, make_embedder("minilm-onnx").embed)


@pytest.mark.parametrize("reply, problem", [
    ("", "empty"),
    ("   ", "empty"),
    ("[1]", "only citation markers"),
    ("[1] and [2][3]", "only citation markers"),
    ("The answer is [1].", "only citation markers"),
    ("What training strategy keeps the reader from memorising its document collection? [1]", "only repeated the question"),
    ("CIT controls the likelihood of retrieved contexts [1]. " * 6, "loop"),
    ("Corpus-Invariant Tuning controls the likelihood of retrieved contexts and it controls the likelihood "
     "of retrieved contexts and it controls the likelihood of retrieved contexts and it controls the likelihood", "loop"),
])
def test_degenerate_replies_are_not_answers(reply, problem):
    assert problem in reply_problem(reply, QUESTION)


def test_a_reply_cut_off_before_its_first_sentence_ended_is_not_an_answer():
    reply = "The paper introduces Corpus-Invariant Tuning, which controls the likelihood of"
    assert "cut off" in reply_problem(reply, QUESTION, cut_off=True)
    assert reply_problem(reply, QUESTION) is None  # the same words that ended normally are an answer
    cut = "Corpus-Invariant Tuning (CIT) is the strategy [1]. It controls the likeli"
    assert reply_problem(cut, QUESTION, cut_off=True) is None
    assert complete_sentences(cut) == "Corpus-Invariant Tuning (CIT) is the strategy [1]."


@pytest.mark.parametrize("reply", [
    "Corpus-Invariant Tuning (CIT) [1].",
    "State size [2].",
    "The paper introduces Corpus-Invariant Tuning, a training strategy that controls the likelihood of retrieved contexts [1].",
])
def test_short_real_answers_are_answers(reply):
    assert reply_problem(reply, QUESTION) is None


def test_claims_carry_their_markers_including_a_leading_one_and_list_items():
    found = claims("CIT is a strategy [1][2]. [3] It helps.\n- LIMO uses 817 samples [2].\n2. Robots cook.")
    assert [(c.text, c.citations, c.newline) for c in found] == [
        ("CIT is a strategy.", [1, 2, 3], False), ("It helps.", [], False),
        ("LIMO uses 817 samples.", [2], True), ("Robots cook.", [], True),
    ]


def test_a_paraphrase_of_the_cited_abstract_is_supported_with_its_evidence(support):
    verdict = support.judge("The authors propose Corpus-Invariant Tuning, a training strategy that controls how likely retrieved contexts are.", [1])
    assert verdict.supported and "Corpus-Invariant Tuning" in verdict.evidence


@pytest.mark.parametrize("sentence", [
    "Corpus-Invariant Tuning was first proposed by Google in 2019 for image segmentation.",
    "The reader uses a frozen retriever trained with contrastive learning on Wikipedia.",
    "Dropout randomly zeroes activations to regularise deep networks.",
])
def test_a_hallucinated_sentence_cited_to_an_unrelated_abstract_is_never_supported(support, sentence):
    for number in (1, 2, 3):
        if number == 1 and "Corpus" in sentence:
            continue  # its name is in abstract 1; the other two must still reject it
        assert not support.judge(sentence, [number]).supported
    assert not support.judge("Dropout randomly zeroes activations to regularise deep networks.", [1, 2, 3]).supported


def test_a_name_the_source_does_not_write_is_not_supported_even_when_the_question_asks_it(support):
    # The question's own method, cited to an abstract that never names it (a near negative, blind 20).
    premised = Support(SOURCES, support.embed, premise="Which papers estimate uncertainty with Monte Carlo dropout?")
    assert premised.judge("Readers tend to memorise the document collection and fail when it changes.", [1]).supported
    judged = premised.judge("Monte Carlo dropout shows that readers memorise the document collection and fail when it changes.", [1])
    assert not judged.supported and "Carlo" in judged.missing
    # Another paper's name in a sentence cited to one source: the claim is not that source's.
    assert not support.judge("Like LIMO, Corpus-Invariant Tuning controls the likelihood of retrieved contexts.", [1]).supported
    # A name the source spells out is written: "QA" for "question answering".
    assert support.judge("CIT helps open-domain QA readers when the document collection changes.", [1]).supported


def test_a_figure_the_source_does_not_state_is_not_supported(support):
    assert support.judge("With 817 curated training samples the model reaches 57.1% accuracy.", [2]).supported
    assert not support.judge("With 900 curated training samples the model reaches 57.1% accuracy.", [2]).supported


def test_claims_are_kept_recited_or_marked_unsupported(support):
    found = check_claims(claims(
        "Corpus-Invariant Tuning controls the likelihood of retrieved contexts [3]. "
        "With merely 817 curated training samples the model reaches 57.1% accuracy [1][2]. "
        "Bananas grow best in warm and humid places [1]."), support)
    assert [(c.citations, c.supported) for c in found] == [([1], True), ([2], True), ([], False)]
    assert found[0].recited and not found[1].recited  # [3] was wrong; [1] in the second was not needed


def test_alce_citation_recall_and_precision(support):
    found = claims("CIT controls the likelihood of retrieved contexts [1][3]. Bananas grow in warm places [2].")
    recall, precision = citation_scores(found, support)
    assert recall == 0.5  # the first sentence is supported by its citations, the second is not
    assert precision == pytest.approx(1 / 3)  # of three citations only [1] is needed


def test_a_universal_claim_the_source_does_not_make_is_not_supported(support):
    assert support.judge("Corpus-Invariant Tuning controls the likelihood of retrieved contexts during training.", [1]).supported
    verdict = support.judge("Corpus-Invariant Tuning always controls the likelihood of retrieved contexts during training.", [1])
    assert not verdict.supported and verdict.missing == ["always"]


def test_a_reply_that_hands_back_the_prompts_example_is_not_an_answer():
    from assistant.llm import example_answers

    examples = example_answers()
    assert len(examples) == 2 and all("[" in e for e in examples)  # an answer in sentences, and a list
    for example in examples:
        assert "copied the prompt's example" in reply_problem(example, QUESTION, example=example)
        assert reply_problem("Corpus-Invariant Tuning (CIT) controls retrieved contexts [1].", QUESTION, example=example) is None


def test_a_sentence_only_its_sources_together_support_keeps_their_citations():
    """Each source gives two of the three figures: no single one supports the sentence, and none
    is "needed" by ALCE's rule (any two still do), yet the three do: it is shown, and must not
    be shown without citations."""
    three = Support([("Scores", f"The model scores {a} and {b} points on the benchmark.") for a, b in ((17, 23), (23, 31), (17, 31))])
    sentence = "The model scores 17, 23 and 31 points on the benchmark"
    assert three.judge(sentence, [1, 2, 3]).supported and three.needed(sentence, [1, 2, 3]) == []
    (claim,) = check_claims(claims(sentence + " [1][2][3]."), three)
    assert claim.supported and claim.citations == [1, 2, 3]


def test_a_sentence_that_only_restates_the_question_is_no_answer():
    from assistant.support import restates

    question = "What name is given to the share of questions a model gets wrong, and what prompting method is proposed to narrow it?"
    assert restates("A prompting method is proposed to narrow it.", question)
    assert not restates("The share is called the compositionality gap.", question)
    # A yes/no answer, or a pick among the question's choices, may say no more than the question.
    assert not restates("RLHF does reduce output diversity.", "Does RLHF reduce output diversity?")
    assert not restates("Inefficient traces generalize better.", "Which traces generalize better, optimal or inefficient ones?")


def test_a_sentence_that_restates_the_question_is_judged_on_what_it_adds():
    """A small model repeats the question in its answer sentence; the question's words are
    given, the answer is the rest: supported when the source has that, never otherwise."""
    from assistant.embeddings import make_embedder

    question = "Which two things did the paper on curated reasoning samples report for mathematics reasoning with few curated training samples in 2024?"
    premised = Support(SOURCES, make_embedder("minilm-onnx").embed, premise=question)
    right = ("The paper on curated reasoning samples for mathematics reasoning with few curated training samples in 2024 "
             "reported 817 samples and 57.1% accuracy.")
    assert premised.judge(right, [2]).supported
    assert not Support(SOURCES, make_embedder("minilm-onnx").embed).judge(right, [2]).supported  # 2024 is in no source
    for wrong in [right.replace("817 samples and 57.1% accuracy", "a cooking robot and twelve dishes"),
                  right.replace("817 samples and 57.1% accuracy", "a grammar of Sanskrit poetry")]:
        assert not premised.judge(wrong, [2]).supported
    assert not premised.judge(right, [3]).supported  # the unrelated abstract
    # What it adds is in the cooking abstract, but that abstract is not about what was asked.
    assert not premised.judge(right.replace("817 samples and 57.1% accuracy", "a cooking robot and twelve dishes"), [3]).supported
