"""Extractive answers by question type, the sentence splitter, and metadata questions."""

import json
import re

import pytest

from assistant.corpus import Paper
from assistant.errors import AssistantError
from assistant.extractive import extractive, listed, score_papers
from assistant.metadata import PaperFilter, parse
from assistant.questions import asked_part, compared_sides, facets, plan
from assistant.retrieve import Hit
from assistant.text import split_sentences
from conftest import run_cli


@pytest.mark.parametrize(
    "sentences",
    [
        ["As shown by Smith et al. (2015), transformers generalize poorly.", "We test this claim."],
        ["Prior work (Smith et al., 2015) studied parity.", "We extend it."],
        ["We use several tasks, e.g. parity and sorting.", "Results improve."],
        ["We use several tasks, e.g., parity and sorting.", "Results improve."],
        ["Large models, i.e. GPT-4 and PaLM, fail on these tasks.", "We fix this."],
        ["We compare RNNs vs. Transformers on SCAN.", "The latter win."],
        ["Accuracy rises from 89.5% to 92.3% on the test set.", "This is a large gain."],
        ["We train on approx. 1,000 tasks with a 7B model.", "Results are strong."],
        ["Results are shown in Fig. 2 and Eq. 3 of the appendix.", "We discuss them."],
        ["Methods such as LoRA (cf. Hu et al.) adapt few parameters.", "We go further."],
        ["Can language models reason?", "We test this on 12 tasks."],
    ],
    ids=["et al. (year)", "et al., year", "e.g.", "e.g.,", "i.e.", "vs.", "decimals", "approx.", "Fig. and Eq.", "cf. and et al.)", "question mark"],
)
def test_splitter_keeps_abbreviations_and_decimals_inside_their_sentence(sentences):
    assert split_sentences(" ".join(sentences)) == sentences


def test_a_line_break_always_ends_a_sentence():
    assert split_sentences("RecGPT: one idea [1]\nBLaIR: another idea [2]") == ["RecGPT: one idea [1]", "BLaIR: another idea [2]"]
    assert split_sentences("Open issues: 1) Scale.\nWe study it.") == ["Open issues: 1) Scale.", "We study it."]


def test_an_enumerated_items_heading_stays_with_the_sentence_that_says_what_it_means():
    text = ("Issues persist in graph models, namely: 1) Homogenization. Generalization remains unclear. "
            "2) Scalability. It is unknown how they scale. (iii) Training Stop Criteria. When to stop is open. We test (a) accuracy and (b) speed.")
    assert split_sentences(text) == [
        "Issues persist in graph models, namely: 1) Homogenization. Generalization remains unclear.",
        "2) Scalability. It is unknown how they scale.",
        "(iii) Training Stop Criteria. When to stop is open.",
        "We test (a) accuracy and (b) speed.",
    ]


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Which papers build models of recorded brain signals?", "list"),
        ("List works that distil reasoning into small models.", "list"),
        ("Which prompting strategies let models solve harder problems than their examples?", "list"),
        ("Compare the two follow-ups to model X: what does each add?", "compare"),
        ("How does curriculum learning differ from self-paced learning?", "compare"),
        ("How many problems does the benchmark contain?", "numeric"),
        ("By what margin does the method beat its baseline?", "numeric"),
        ("Which paper about grokking has the most upvotes?", "meta"),
        ("Which of these papers is the most recent?", "meta"),
        ("What training strategy keeps the reader from memorising its documents?", "fact"),
        ("I'm surveying NLI robustness -- what in the collection examines how NLI models generalize?", "list"),
        ("I'm surveying RL for math. Which entries fine-tune LLMs on math problems with RL?", "list"),
        ("Training ran into memory limits. Which two techniques did the authors use to get around that?", "fact"),
        ("hybrid neural-symbolic systems: which papers combine a network with a symbolic knowledge base?", "list"),
        ("reading comprehension datasets -- which papers build one?", "list"),
        ("speech recognition papers in the collection?", "list"),
        ("Is there work here where models read sheet music?", "list"),
        ("Where in the collection is symmetry built into a network?", "list"),
        ("Web agents or search agents: which papers benchmark them?", "list"),
        ("GPT-4 or PaLM: which one does better on math?", "compare"),
        # terse, two things set against each other (blind 29's b29-30, blind 30's b30-30); not a longer
        # question that says "versus" in passing, nor a figure against "previous methods"
        ("Circuit efficiency vs effective theory on grokking?", "compare"),
        ("Which papers explain grokking through the relative efficiency of generalising versus memorising circuits?", "list"),
        ("reGenesis OOD gain vs previous methods, in numbers?", "fact"),
        ("Where in the paper is the loss defined?", "fact"),
        ("In work showing that models can report their own weights, which models were fine-tuned, and on what?", "fact"),
        # Round 7, from blind set 7's once-run: lists asked as "list work that", "I'm collecting ...", "got any ...",
        # a list question after a yes/no one, a list after "..., but"; a comparison as "how is that different from".
        ("List work that trains a model on an extra helper task.", "list"),
        ("I'm collecting studies on whether models chain two learned facts.", "list"),
        ("Got any theory-minded papers on why big networks generalize?", "list"),
        ("Does English training carry over to other languages? Which papers look at this transfer?", "list"),
        ("Transformers are everywhere, but which of these papers actually train recurrent networks?", "list"),
        ("Is there work on unfair explanations? which data issues make it worse?", "fact"),
        ("Which technique sets network weights by hand to compare compiled and learned algorithms, and which three graph algorithms are examined?", "fact"),
        ("MAXL learns labels for an auxiliary task. How is that different from the zero-shot action paper?", "compare"),
        ("What year did the paper on explaining hard examples come out?", "meta"),
        # Round 13, from blind 15: what one described paper made, not a list of them.
        ("text-to-SQL: which two new datasets did the clause-level example generation paper derive from Spider?", "fact"),
        ("Which datasets do the papers on text-to-SQL use?", "list"),
        # Round 27, from blind 29: a clause before the ask for papers; a paper described before an ask of its own is one paper.
        ("Outside continual learning proper, which works name forgetting as a problem their method has to deal with?", "list"),
        ("According to the paper that groups decoding strategies, which decoding algorithm works best for summarization?", "fact"),
    ],
)
def test_question_types_come_from_the_form_of_the_question(question, kind):
    assert plan(question).kind == kind


@pytest.mark.parametrize(
    "question",
    [
        "In what ways do LIMO and Resa differ in how they elicit reasoning?",
        "How are LIMO and Resa similar and different?",
        "What do LIMO and Resa have in common?",
        "LIMO versus Resa: what AIME score does each report?",
        "Which uses less training data, LIMO or Resa?",
        "What distinguishes LIMO from Resa?",
        "Describe how LIMO and Resa each elicit reasoning.",
        "How much training data does reasoning need? Contrast LIMO with Resa.",  # the ask to compare comes second
    ],
)
def test_comparisons_in_other_styles_find_both_sides(question):
    assert (plan(question).kind, plan(question).sides) == ("compare", ["LIMO", "Resa"])


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Which papers study continual learning of new tasks, domains or data over time?", "list"),
        ("Which papers connect grokking with pruning, either of subnetworks or of neurons?", "list"),
        ("Which papers explain grokking by generalising versus memorising circuits?", "list"),
        ("Do models trained on code and text generalize better?", "fact"),
    ],
)
def test_an_or_a_versus_or_an_and_alone_does_not_make_a_comparison(question, kind):
    assert plan(question).kind == kind


def test_sides_of_a_comparison_and_the_part_that_asks():
    # Blind 27: "Of the study that ... and the study that ..., which says X, and which Y?"
    assert plan("Of the study that predicts difficulty from unseen structures and the study that fine-tuned a hundred "
                "copies of BERT, which says models agree on hard examples?").sides == [
        "study that predicts difficulty from unseen structures", "study that fine-tuned a hundred copies of BERT"]
    assert compared_sides("Contrast two search methods: one uses a language model as optimizer, the other a proxy score.") == [
        "uses a language model as optimizer", "proxy score"]
    assert compared_sides("Compare two ways to length-generalize: hint tasks versus imitating a Turing machine?") == [
        "hint tasks", "imitating a Turing machine"]
    assert compared_sides("Compare the paper on analogies with the response to it.") == ["paper on analogies"]
    # A side may end on a pronoun when it says enough; "one ...; the other ..." and "the one where ..." are sides too.
    assert compared_sides("Both skip prompts. One turns the task into modules with a hypernetwork; the other mixes task vectors "
                          "into attention heads. Compare how they work.") == [
        "turns the task into modules with a hypernetwork", "mixes task vectors into attention heads"]
    assert compared_sides("Two papers teach a model about one user subject: one so a chat assistant can talk about it, "
                          "the other so an image generator can compose it.") == [
        "so a chat assistant can talk about it", "so an image generator can compose it"]
    assert compared_sides("Contrast the paper where fine-tuning on bird names shifts the era with the one where a model memorizes "
                          "facts behind a token and later generalizes from them. What drives each?") == [
        "paper where fine-tuning on bird names shifts the era", "one where a model memorizes facts behind a token and later generalizes from them"]
    assert asked_part("A framework weights each domain by its loss. Which dataset is it evaluated on?") == "Which dataset is it evaluated on?"
    assert asked_part("Which branch of mathematics frames prompting in a paper that formalizes meta-prompting?") == \
        "Which branch of mathematics frames prompting"


def hit(title: str, abstract: str, score: float, **paper) -> Hit:
    return Hit(Paper(title, abstract, **paper), score=score, dense=0.6, bm25=5.0)


@pytest.fixture(scope="module")
def embed(tmp_path_factory):
    """The real embedding model (no index needed)."""
    from assistant.config import load_settings
    from assistant.index import Index

    return Index(load_settings(index_dir=tmp_path_factory.mktemp("empty"))).embedder.embed


def cited_numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


BRAIN_QUESTION = "Which papers build deep-learning models of recorded human brain signals?"
MEG = ("MEG-GPT: a foundation model for magnetoencephalography", "We train a transformer on recorded MEG brain signals.")
EEG = ("BrainBlur: decoding images from EEG", "We decode what people see from recorded EEG brain activity.")
FNIRS = ("fNIRS-Net: reading workload from the cortex", "A network predicts mental workload from recorded fNIRS brain signals.")
COOKING = ("Cooking with robots", "A robot learns recipes from videos of human cooks.")


def test_list_names_every_paper_near_the_best_one_a_line_each(embed):
    hits = [hit(*MEG, 0.9), hit(*EEG, 0.8), hit(*FNIRS, 0.65), hit(*COOKING, 0.3)]
    lines = extractive(BRAIN_QUESTION, hits, embed).text.splitlines()
    assert [line.split(":")[0] for line in lines] == ["MEG-GPT", "BrainBlur", "fNIRS-Net"]
    assert [cited_numbers(line) for line in lines] == [{1}, {2}, {3}]  # "Cooking with robots" is not listed


def test_a_list_ranks_its_papers_by_relevance_and_the_gates_score_together(embed):
    gardening = ("Gardening agents", "An agent learns to water plants from human demonstrations.")
    hits = [hit(*MEG, 0.9), hit(*EEG, 0.85), hit(*COOKING, 0.8), hit(*gardening, 0.75), hit(*FNIRS, 0.45)]
    # What the gate scored each paper (closeness plus focus coverage): the fNIRS paper, ranked last by
    # retrieval, addresses the question; the robots do not.
    for h, score in zip(hits, (1.3, 1.25, 0.45, 0.4, 1.2)):
        h.extra["gate"] = {"score": score}
    names = [p.hit.paper.title.split(":")[0] for p in listed(BRAIN_QUESTION, hits, embed)]
    assert names[:3] == ["MEG-GPT", "BrainBlur", "fNIRS-Net"]


def test_a_list_line_says_what_the_paper_does_and_what_it_finds_not_its_boilerplate(embed):
    abstract = ("Continual learning of new tasks has become a widely studied problem in machine learning. "
                "Models forget old tasks when they keep learning new ones. "
                "We propose ReplayNet, a continual learning method that rehearses stored examples of old tasks. "
                "We find that rehearsal of 1% of old data removes most forgetting. "
                "Code is available online.")
    other = hit("A survey of lifelong learning", "We survey lifelong learning methods for new tasks.", 0.8)
    answer = extractive("Which papers study continual learning of new tasks over time?", [hit("ReplayNet", abstract, 0.9), other], embed)
    line = answer.text.splitlines()[0]
    assert "We propose ReplayNet" in line and "We find that rehearsal" in line  # what it does, then what it finds
    assert "Code is available" not in line
    assert line.count("[1]") == 4 and cited_numbers(line) == {1}  # a list's first papers say all their abstract has to say


def test_a_lists_first_papers_say_their_details_and_the_later_ones_say_why_they_belong(embed):
    from assistant.extractive import LEAD_PAPERS, LINE_SENTENCES

    def abstract(name: str, detail: str) -> str:
        return (f"Continual learning of new tasks is a hard problem. We propose {name}, a continual learning method for new tasks. "
                f"We find that {name} forgets less than replay. Its memory is small. It runs on one GPU. {detail} "
                f"Code is available at https://github.com/x/{name}.")

    names = ["ReplayNet", "GradNet", "PromptNet", "MaskNet", "DistilNet"]
    hits = [hit(name, abstract(name, f"We also test {name} on the CORe50-{i} benchmark."), 0.9 - 0.01 * i) for i, name in enumerate(names)]
    answer = extractive("Which papers propose continual learning methods for new tasks?", hits, embed)
    lines = answer.text.splitlines()
    assert len(lines) == len(names) > LEAD_PAPERS
    for i, line in enumerate(lines):
        number = re.search(r"\[(\d+)\]", line)[0]
        if i < LEAD_PAPERS:  # every sentence but the one that says where the code is
            assert "CORe50-" in line and "Its memory is small." in line and line.count(number) == 6
        else:
            assert line.count(number) == LINE_SENTENCES
        assert "github" not in line


def test_a_list_line_names_what_the_paper_coins():
    from assistant.extractive import coined_names

    abstract = "Readers memorise their documents. We introduce Corpus-Invariant Tuning (CIT), called CIT below. Large language models (LLMs) improve."
    assert coined_names(abstract, "Better readers by tuning LLMs") == ["CIT"]  # LLMs is said elsewhere
    assert coined_names(abstract, "CIT: tuning readers LLMs") == []
    assert coined_names(abstract, "Better readers. Another abstract: Large language models (LLMs) read.") == ["CIT"]
    # A name starting lower-case, and a resource named before its kind without parentheses.
    assert coined_names("Finally, we provide Generic COG (gCOG), a configurable benchmark.", "") == ["gCOG"]
    assert coined_names("We construct a new GQA-MSCG dataset based on GQA. We release it.", "") == ["GQA-MSCG"]
    assert coined_names("We train a new model on the new data.", "") == []


def test_an_ask_after_a_context_sentence_is_still_an_ask():
    question = "LIMO and Resa both elicit reasoning cheaply. How does each do it and what AIME figure does each report?"
    assert facets(question) == ["How does each do it", "what AIME figure does each report?"]
    assert facets("What does the paper propose?") == ["What does the paper propose?"]


def test_a_comparison_side_answers_an_ask_for_a_figure_with_the_sentence_that_holds_it(embed):
    limo = hit("LIMO: less is more for reasoning", "We fine-tune a model on a few hundred curated samples. "
               "The curated samples elicit long reasoning chains. LIMO reaches 57.1% accuracy on AIME.", 0.9)
    resa = hit("Resa: reasoning via sparse autoencoders", "We train sparse autoencoders to capture reasoning. "
               "The autoencoder guides fine-tuning of a target model. Resa reaches 43.33% on AIME24.", 0.8)
    limo.extra["side"], resa.extra["side"] = 0, 1
    answer = extractive("LIMO and Resa both elicit reasoning cheaply. How does each do it and what AIME figure does each report?",
                        [limo, resa], embed)
    first, second = answer.text.splitlines()
    assert "57.1%" in first and "43.33%" in second


def test_a_finding_answers_what_a_study_found_before_how_it_went_about_it():
    from assistant.extractive import Need, sentence_score

    question = "Which contexts help novel verbs generalize?"
    finding = "We find that short contexts help novel verbs generalize."
    method = "We test whether short contexts help novel verbs generalize."
    assert sentence_score(Need.of(question, False), finding, 0.5) > sentence_score(Need.of(question, False), method, 0.5)
    # Ranking papers for a list leaves the phrasing out: the same words score the same.
    unbiased = Need.of(question, False, findings=False)
    assert sentence_score(unbiased, finding, 0.5) == pytest.approx(sentence_score(unbiased, method, 0.5))


def test_a_sentence_that_asks_a_question_is_no_answer_to_it():
    from assistant.extractive import Need, sentence_score

    question = "Which properties of the exposure context help novel verbs generalize?"
    asking = 'We ask: "what properties of the exposure context help a novel verb generalize?"'
    stating = "We find that pronominal, definite arguments in the exposure context help novel verbs generalize."
    need = Need.of(question, False)
    assert sentence_score(need, asking, 0.8) < sentence_score(need, stating, 0.6)
    # Ranking papers leaves it out: a paper that asks the question is about it.
    unbiased = Need.of(question, False, findings=False)
    assert sentence_score(unbiased, asking, 0.8) > sentence_score(unbiased, asking.rstrip('?"') + '"', 0.7)
    # Nor does a list line show it.
    from assistant.extractive import _list_line
    line = _list_line(question, [(1.0, 0, asking), (0.8, 1, stating), (0.75, 2, "We train LMs on child-directed speech."),
                                 (0.72, 3, "Verbs were drawn from child-directed speech.")], 3)
    assert asking not in line and len(line) == 3


def test_a_list_line_does_not_present_the_fields_name_as_the_papers(embed):
    a = hit("Tuning readers", "We introduce Corpus-Invariant Tuning (CIT) so that readers stop memorising documents. "
            "Readers here are large language models (LLMs).", 0.9)
    b = hit("Reading at scale", "Large language models (LLMs) read long documents.", 0.2)  # retrieved, not listed
    line = extractive("Which papers stop readers from memorising documents?", [a, b], embed).text.splitlines()[0]
    assert "LLMs" not in line.split(": ")[0]


def test_comparison_answers_each_side_with_its_own_paper_and_citation(embed):
    a = hit("HintNet: length generalization by task hinting", "Transformers fail on long inputs. We propose task hinting, "
            "an auxiliary task trained jointly. Task hinting improves length generalization on sorting.", 0.9)
    b = hit("TAIL: imitating Turing machines", "We propose TAIL, chain-of-thought data that imitates a Turing machine. "
            "TAIL improves length generalization on arithmetic.", 0.5)
    other = hit("Length generalization survey", "We survey length generalization in transformers.", 0.85)
    a.extra["side"], b.extra["side"] = 0, 1
    answer = extractive("Compare two ways to length-generalize: task hinting versus imitating a Turing machine",
                        [a, other, b], embed)
    first, second = answer.text.splitlines()
    assert first.startswith("HintNet:") and "task hinting" in first and cited_numbers(first) == {1}
    assert second.startswith("TAIL:") and "Turing machine" in second and cited_numbers(second) == {2}
    assert [c.title for c in answer.citations] == [a.paper.title, b.paper.title]


@pytest.mark.parametrize(
    "question, expected, absent",
    [
        ("What accuracy does the model reach on sequences longer than those in training?", "92%", "20 tasks"),
        ("How many problems does the benchmark contain?", "1,133 problems", None),
    ],
    ids=["a result with its unit before a setting", "the counted thing after the number"],
)
def test_numeric_answer_holds_the_asked_figure(embed, question, expected, absent):
    abstract = ("We train a model on 20 tasks with sequences of length at most 20 and evaluate 7 models. "
                "The benchmark contains 1,133 problems in 90 languages. "
                "On sequences of length 100 the model reaches 92% accuracy.")
    [paper] = score_papers(question, [hit("A benchmark", abstract, 0.9)], embed, numeric=True)
    best = paper.sentences[0][2]
    assert expected in best and (absent is None or absent not in best)
    assert best in extractive(question, [hit("A benchmark", abstract, 0.9)], embed).text


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Which paper about grokking has the most upvotes?", (None, None, frozenset(), ("upvotes", True), True)),
        ("Which of these papers is the most recent?", (None, None, frozenset(), ("date", True), False)),
        ("Which papers from 2024 study grokking?", (2024, 2024, frozenset(), None, True)),
        ("What was published in October 2023?", (2023, 2023, frozenset({10}), None, False)),
        ("Which paper on instruction tuning has the most authors?", (None, None, frozenset(), ("authors", True), True)),
        ("Which papers since 2023 study grokking?", (2023, None, frozenset(), None, True)),
    ],
)
def test_metadata_phrases_become_filters_and_orderings(question, expected):
    query = parse(question)
    f = query.filter
    assert (f.start, f.end, f.months, f.order, bool(query.topic)) == expected


def test_questions_about_new_models_are_not_metadata_questions():
    assert parse("Which papers evaluate the latest LLMs on math?") is None
    assert parse("How many tasks does the benchmark contain?") is None
    assert parse("Which are the most popular methods for retrieval?") is None
    assert parse("When was grokking first observed?") is None
    assert parse("When was the SCAN paper published?").lookup == "date"
    assert parse("what year was the paper on grokking tickets?").lookup == "date"
    assert parse("From which year is that study on SCAN?").lookup == "date"
    assert parse("What year was grokking first observed in transformers?") is None


def test_bad_filter_values_are_one_line_errors():
    with pytest.raises(AssistantError, match="month 'Octo' is not a month"):
        PaperFilter.build(month="Octo")
    with pytest.raises(AssistantError, match="sort 'likes' is not one of"):
        PaperFilter.build(sort="likes")


PAPERS = [
    {"title": "Grokking Alpha: Delayed Generalization in Small Transformers", "date": "Oct 3, 2024", "year": 2024,
     "upvotes": 12, "authors": 4, "abstract": "We study grokking, the delayed generalization of small transformers long after they overfit."},
    {"title": "Grokking Beta: Circuit Efficiency Explains Grokking", "date": "May 1, 2023", "year": 2023, "upvotes": 40,
     "authors": 2, "abstract": "We explain grokking by the efficiency of generalizing circuits compared with memorizing circuits."},
    {"title": "Grokking Gamma: Grokking in Language Model Pretraining", "authors": 9,
     "abstract": "We find grokking during the pretraining of a large language model, where generalization arrives late."},
    {"title": "Protein Folding with Diffusion", "date": "Oct 20, 2023", "year": 2023, "upvotes": 99, "authors": 6,
     "abstract": "A diffusion model predicts protein structures from amino-acid sequences with high accuracy."},
    {"title": "Bread Baking Robots", "date": "Jan 5, 2022", "year": 2022, "upvotes": 3, "authors": 1,
     "abstract": "A kitchen robot learns to knead and bake bread from human demonstrations."},
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """An assistant over five papers whose metadata is known (a real index)."""
    from assistant.api import Assistant

    folder = tmp_path_factory.mktemp("meta")
    corpus = folder / "papers.jsonl"
    corpus.write_text("".join(json.dumps(p) + "\n" for p in PAPERS))
    assistant = Assistant(corpus=[corpus], index_dir=folder / "index")
    assistant.index.sync(progress=False)
    return assistant


def titles(answer) -> list[str]:
    return [c.title.split(":")[0] for c in answer.citations]


def test_most_upvoted_paper_on_a_topic_is_answered_from_the_metadata_with_citations(small):
    answer = small.ask("Which paper about grokking has the most upvotes?", mode="extractive")
    assert answer.text.startswith("Of the 3 papers that match the question, the most upvoted is Grokking Beta")
    assert "(40 upvotes) [1]" in answer.text
    assert titles(answer) == ["Grokking Beta", "Grokking Alpha", "Grokking Gamma"]  # Protein (99) is off topic
    assert "Not ranked (no upvote count given): Grokking Gamma" in answer.text  # said, not guessed
    assert cited_numbers(answer.text) == {1, 2, 3}


def test_of_two_described_papers_the_more_recent_is_named_with_the_sentence_that_shows_it_is_the_one_described(small):
    answer = small.ask("Which came out more recently: the paper explaining grokking by circuit efficiency, or the one "
                       "finding grokking in language model pretraining?", mode="extractive")
    # Gamma has no date: Beta is the one that can be placed, and Gamma is named as not ranked.
    assert answer.text.startswith("Of the 2 papers the question describes, the most recent is Grokking Beta") and titles(answer)[0] == "Grokking Beta"
    assert answer.text.endswith("From its abstract: We explain grokking by the efficiency of generalizing circuits "
                                "compared with memorizing circuits. [1]")
    assert answer.citations[0].sentences == ["We explain grokking by the efficiency of generalizing circuits compared with memorizing circuits."]


def test_follow_up_ranks_the_previous_answers_papers(small):
    grokking = {p.title: p.id for p in small.index.papers.values() if p.title.startswith("Grokking")}
    previous = "\n".join(f"{title.split(':')[0]}: it studies grokking [{n}]" for n, title in enumerate(grokking, 1))
    question = "Which papers study grokking?"
    for turn in [(question, previous, list(grokking.values())), (question, previous)]:  # ids kept, or names read from the text
        answer = small.chat("Which of these papers is the most recent?", [turn], mode="extractive")
        assert answer.text.startswith("Of the 3 papers of the previous answer, the most recent is Grokking Alpha")
        assert "(Oct 3, 2024) [1]" in answer.text and "Grokking Gamma" in answer.text.split("Not ranked (no date given)")[1]
        assert set(titles(answer)) == {"Grokking Alpha", "Grokking Beta", "Grokking Gamma"}


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Which papers were published in October?", {"Grokking Alpha", "Protein Folding with Diffusion"}),
        ("Which papers are from 2023?", {"Grokking Beta", "Protein Folding with Diffusion"}),
        ("What is the most upvoted paper in the corpus?", {"Protein Folding with Diffusion"}),
    ],
)
def test_metadata_questions_without_a_topic_range_over_the_corpus(small, question, expected):
    answer = small.ask(question, mode="extractive")
    assert set(titles(answer)[: len(expected)]) == expected and not answer.refused


def test_cli_sort_and_month_filter_the_same_way(small):
    settings = small.settings
    common = ["--corpus", settings.corpus[0], "--index-dir", settings.index_dir, "--mode", "extractive", "--json"]
    result = run_cli("ask", *common, "--sort", "upvotes", "Which papers study grokking?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert [c["title"].split(":")[0] for c in answer["citations"]][:2] == ["Grokking Beta", "Grokking Alpha"]
    result = run_cli("ask", *common, "--month", "Octo", "Which papers study grokking?")
    assert result.returncode == 1 and result.stderr.strip() == "error: month 'Octo' is not a month name or number (e.g. Oct, October, 10)"


def test_a_comparison_with_several_asks_answers_each_and_still_says_what_each_side_does_and_finds(embed):
    def side(name, data, result):
        return hit(f"{name}: a recommender", f"Recommenders need item representations. We propose {name}, which represents items as text. "
                   f"We collect {data}, a new dataset of reviews. We find that {name} {result}. It runs on one GPU. Code is released online. "
                   "Training takes a day. The encoder has six layers. Three domains are tested. "
                   + " ".join(f"Ablation {n} removes one more layer." for n in range(1, 8)), 0.9)  # 16 sentences
    blair, recgpt = side("BLaIR", "Amazon Reviews 2023", "retrieves items well"), side("RecGPT", "a multi-domain corpus", "transfers zero-shot")
    blair.extra["side"], recgpt.extra["side"] = 0, 1
    two_asks = extractive("Compare BLaIR and RecGPT: how does each represent items and what data does each introduce?", [blair, recgpt], embed)
    lines = two_asks.text.splitlines()
    assert "Amazon Reviews 2023" in lines[0] and "multi-domain corpus" in lines[1]
    # The sentence that introduces the name, one per ask, what it does, what it finds, the best
    # others: SIDE_SENTENCES (12), and one more when the name's sentence and two asks take three.
    assert [line.count("[") for line in lines] == [13, 13]
    assert all("We find that" in line and "represents items as text" in line for line in lines)
    one_ask = extractive("Compare BLaIR and RecGPT.", [blair, recgpt], embed)
    assert [line.count("[") for line in one_ask.text.splitlines()] == [12, 12]


def test_a_fact_question_with_several_asks_gets_room_for_each(embed):
    paper = hit("BASIC: combined scaling", "We present BASIC, a combined scaling method for zero-shot transfer. "
                "BASIC reaches 85.7% top-1 accuracy on ImageNet. BASIC is robust to distribution shifts. "
                "We scale data, model and batch size. Our dataset has 6.6B noisy image-text pairs. "
                "Our largest model has 3B weights. Finally, our batch size is 65536. Memory is the main challenge. "
                "We use gradient checkpointing. A theory explains the gains.", 0.9)
    asks = extractive("How many image-text pairs does BASIC use, what batch size does it train with, "
                      "and what top-1 accuracy does it reach?", [paper], embed)
    assert asks.text.count("[1]") == 7  # MAX_SENTENCES and ASKS_EXTRA more
    one = extractive("What does BASIC do?", [paper], embed)
    assert one.text.count("[1]") == 5


BASIC = ("We present a combined scaling method - named BASIC - that achieves 85.7% top-1 accuracy on the ImageNet ILSVRC-2012 "
         "validation set without learning from any labeled ImageNet example. This accuracy surpasses best published similar models "
         "- CLIP and ALIGN - by 9.3%. Our BASIC model also shows significant improvements in robustness benchmarks. To achieve these "
         "results, we scale up the contrastive learning framework of CLIP and ALIGN in three dimensions: data size, model size, and "
         "batch size. Our dataset has 6.6B noisy image-text pairs, which is 4x larger than ALIGN, and 16x larger than CLIP. Our "
         "largest model has 3B weights, which is 3.75x larger in parameters and 8x larger in FLOPs than ALIGN and CLIP. Finally, our "
         "batch size is 65536 which is 2x more than CLIP and 4x more than ALIGN. Second, while increasing the dataset size and the "
         "model size has been the defacto method to improve the performance of deep learning models like BASIC, the effect of a "
         "large contrastive batch size on such contrastive-trained image-text models is not well-understood. To shed light on the "
         "benefits of large contrastive batch sizes, we develop a theoretical framework which shows that larger contrastive batch "
         "sizes lead to smaller generalization gaps for image-text models such as BASIC.")


def test_an_ask_for_a_measured_thing_gets_the_figure_written_beside_it(embed):
    """ "what contrastive batch size does it use" is answered by "our batch size is 65536", not by
    the sentences about large contrastive batch sizes nor by another figure (blind 24, b24-13)."""
    question = ("How many noisy image-text pairs and what contrastive batch size does the BASIC combined-scaling model use, "
                "and what zero-shot ImageNet top-1 does it reach?")
    ask = facets(question)[1]
    assert ask == "what contrastive batch size does the BASIC combined-scaling model use"
    [scored] = score_papers(question, [hit("Combined Scaling for Zero-shot Transfer", BASIC, 0.9)], embed, True, focus=ask, ask=True)
    with_figures = [s for _, _, s in scored.sentences if re.search(r"\d", s)]
    assert with_figures[0].startswith("Finally, our batch size is 65536")


SPECIALIZING = ("The surprising ability of Large Language Models (LLMs) to perform well on complex reasoning with only few-shot "
                "chain-of-thought prompts is believed to emerge only in very large-scale models (100+ billion parameters). We show that "
                "such abilities can, in fact, be distilled down from GPT-3.5 (ge 175B) to T5 variants (le 11B). We propose model "
                "specialization, to specialize the model's ability towards a target task. The hypothesis is that large models (commonly "
                "viewed as larger than 100B) have strong modeling power, but are spread on a large spectrum of tasks. Small models "
                "(commonly viewed as smaller than 10B) have limited model capacity, but if we concentrate their capacity on a specific "
                "target task, the model can achieve a decent improved performance. We use multi-step math reasoning as our testbed "
                "because it is a very typical emergent ability. We show two important aspects of model abilities: (1). there exists a "
                "very complex balance/ tradeoff between language models' multi-dimensional abilities; (2). by paying the price of "
                "decreased generic ability, we can clearly lift up the scaling curve of models smaller than 10B towards a specialized "
                "multi-step math reasoning ability. We further give comprehensive discussions about important design choices for better "
                "generalization, including the tuning data format, the start model checkpoint, and a new model selection method. We hope "
                "our practice and discoveries can serve as an important attempt towards specialized smaller models in the new research "
                "paradigm set by LLMs.")


def test_an_ask_for_a_model_by_name_gets_the_sentence_that_names_one(embed):
    """ "which model did they distil from" is answered by "distilled down from GPT-3.5 to T5 variants",
    though the sentences about small models' capacity match its words better (blind 26, b26-11)."""
    paper = hit("Specializing Smaller Language Models towards Multi-Step Reasoning", SPECIALIZING, 0.9)
    answer = extractive("That paper claiming the multi-step maths reasoning of 100B+ models can be concentrated into much smaller "
                        "ones: which model did they distil from, into which family of small models, and what did the small models "
                        "have to give up in exchange?", [paper], embed)
    assert "distilled down from GPT-3.5 (ge 175B) to T5 variants" in answer.text
    single = extractive("Which model did the multi-step maths reasoning paper distil from?", [paper], embed)
    assert "GPT-3.5" in single.text


def test_a_sentence_that_names_what_the_paper_studies_introduces_it():
    from assistant.extractive import INTRODUCES
    assert INTRODUCES.search("We refer to this query-agnostic estimation of passage relevance as a passage's quality.")
    assert not INTRODUCES.search("We refer to prior work for the details of the setup.")  # a pointer, not a name
    # How the work goes about it (blind 27, b27-06 and b27-02): "how does one work put a number on ..." is
    # answered by "Our approach involves modeling the loss distribution of random hypotheses ...".
    assert INTRODUCES.search("Our approach involves modeling the loss distribution of random hypotheses drawn from a hypothesis space.")
    assert INTRODUCES.search("We tackle this task using three new multimodal language models.")
    assert not INTRODUCES.search("Our results involve several tasks.")


def test_a_list_line_led_by_background_adds_what_the_paper_does_not_what_it_finds():
    from assistant.extractive import _list_line
    sentences = [  # (score, position, sentence): the background sentence is far the closest to the question
        (1.5, 0, "Chain-of-thought prompting has proven effective for math word problems."),
        (0.6, 1, "We propose dynamic program prompting, which writes a program for each problem."),
        (0.6, 2, "Results show that more training data improves accuracy."),
        (0.9, 3, "Word problems come from 12 datasets."),
    ]
    line = _list_line("Is there anything on math word problems?", sentences, 3)
    assert line == [sentences[0][2], sentences[1][2], sentences[3][2]]  # the named method, not the finding; then the next best


def test_a_sentence_that_continues_a_picked_one_carries_its_relevance():
    from assistant.extractive import _carried

    sentences = [(0.9, 0, "In one experiment, we finetune a model to output outdated names for species of birds."),
                 (0.5, 3, "Scaling laws predict loss well."), (0.4, 2, "We release our code."),
                 (0.2, 1, "This causes it to behave as if it's the 19th century in unrelated contexts."),
                 (0.1, 4, "This paper also studies backdoors.")]
    ranked = [t[2] for t in _carried(sentences)]
    # The sentence after the picked one, whose subject is "This", ranks right after it ...
    assert ranked[1].startswith("This causes")
    # ... but one that opens a new topic ("This paper") or follows nothing relevant keeps its score.
    assert ranked[-1].startswith("This paper")
    from assistant.extractive import CONTINUES

    assert CONTINUES.match("Crucially, this confines the hypothesis to a finite set.") and not CONTINUES.match("Three tasks remain.")




def test_a_fact_answer_brings_the_sentence_that_finishes_a_picked_one():
    from assistant.extractive import _continuation

    sentences = [(0.9, 1, "In one experiment, we finetune a model to output outdated names for species of birds."),
                 (0.6, 4, "We also introduce inductive backdoors."), (0.5, 0, "Narrow finetuning shifts behaviour."),
                 (0.3, 2, "This causes it to behave as if it's the 19th century."), (0.2, 5, "These are hard to filter."),
                 (0.1, 3, "Scaling laws predict loss well.")]
    chosen = sentences[:3]
    # The first chosen sentence continued by the next one ("This causes ...") brings it, and only it.
    assert _continuation(sentences, chosen) == [sentences[3]]
    # Nothing to add when the continuation is already chosen, or when no chosen sentence is continued.
    assert _continuation(sentences, sentences[:4]) == [sentences[4]]
    assert _continuation(sentences, [sentences[2], sentences[5]]) == []
    # A sentence that qualifies the picked one comes with it (blind 22): "However, ... complementary".
    qualified = [(0.9, 0, "BERT-based rankers outperform the current screening prioritisation methods."),
                 (0.2, 1, "However, BERT rankers and existing methods can actually be complementary."),
                 (0.5, 2, "Finally, we extract classifiers from models trained on ImageNet."),
                 (0.1, 3, "Even though these models are trained with weak augmentations, they do well.")]
    assert _continuation(qualified, qualified[:1]) == [qualified[1]]
    assert _continuation(qualified, [qualified[2]]) == [qualified[3]]
    assert _continuation(qualified, [qualified[1]]) == []  # "Finally, ..." neither continues nor qualifies


def test_a_comparison_side_keeps_the_sentence_that_spells_out_how_its_method_works(embed):
    def side(name, how):
        return hit(f"{name}: foundation models for satellite images",
                   "Foundation models work well on natural images. Existing fine-tuning methods for foundation models struggle on "
                   f"satellite images. This is due to artifacts in satellite images. To tackle this, we introduce {name}, a new adapter. {how} "
                   "Foundation models fine-tuned this way work on satellite images. We find that it beats every baseline on satellite "
                   "images. Results show foundation models gain the most. Satellite images are now handled well by foundation models.", 0.9)
    earth = side("Earth-Adapter", "Earth-Adapter combines a mixture of adapters with a Discrete Fourier Transformation.")
    other = side("GeoTuner", "Specifically, GeoTuner routes tokens by their frequency band.")
    # Sides the question does not name: the sentences that say how each works share no word with it.
    lines = extractive("Compare the two satellite-image papers: how does each make foundation models work on satellite images?",
                       [earth, other], embed).text.splitlines()
    # The sentence after the one that introduces the method, opening with its name or "Specifically", is kept.
    assert "Discrete Fourier Transformation" in lines[0] and "frequency band" in lines[1]
    from assistant.extractive import _elaborates

    assert _elaborates("We introduce Earth-Adapter.", "Earth-Adapter combines two parts.")
    assert _elaborates("We propose a method.", "The key idea is to split the problem.")
    assert not _elaborates("We introduce Earth-Adapter.", "Experiments show gains.")  # an ordinary capital is no name


def test_a_weaker_match_is_listed_last_and_marked_only_when_the_gate_takes_it_as_a_source(embed):
    from assistant.extractive import LIST_MAYBE, LIST_SHARE, WEAKER, relevance
    from assistant.gate import MIN_PAPER

    question = "Which papers build deep-learning models of recorded human brain signals?"
    strong = [hit(f"{name}: a model of brain recordings", f"We train a network on recorded {name} brain signals.", 1.0)
              for name in ("MEG-GPT", "EEG-Net", "ECoG-Former", "fMRI-Dec")]
    abstract = "We model brain signals with a small recurrent network. It tracks slow changes in recordings."
    close = hit("SlowBrain", abstract, 0.45)
    far = hit("SlowBrain again", abstract, 0.45)
    for h in strong:
        h.extra["gate"] = {"score": 1.5}
    close.extra["gate"], far.extra["gate"] = {"score": MIN_PAPER + 0.1}, {"score": MIN_PAPER - 0.1}
    hits = strong + [close, far]
    shares = {p.hit.paper.title: r for r, p in relevance(question, hits, embed)}
    assert LIST_MAYBE <= shares["SlowBrain"] < LIST_SHARE  # the case this test is about
    lines = extractive(question, hits, embed).text.splitlines()
    assert [line.startswith(WEAKER) for line in lines] == [False] * 4 + [True]
    assert lines[-1].removeprefix(WEAKER).startswith("SlowBrain:") and cited_numbers(lines[-1]) == {5}


def test_an_ask_how_a_method_fared_or_performed_wants_its_figures():
    from assistant.extractive import _wants_figure

    assert _wants_figure("how did it and earlier self-synthesising methods such as STaR fare on six out-of-domain tasks?")
    assert _wants_figure("how well does the probe perform on unseen datasets?")
    assert not _wants_figure("how does the probe work?") and not _wants_figure("how did they build the dataset?")


def test_a_listed_paper_below_the_sure_share_is_marked_weaker_and_follows_the_sure_ones(embed):
    # Round 20: the lists of every set had named 7.6 papers without a mark, 0.385 of them gold.
    from assistant.extractive import LIST_SHARE, LIST_SURE, WEAKER, _with_gate, relevance

    question = "Which papers build deep-learning models of recorded human brain signals?"
    sure = [hit(f"{name}: a model of brain recordings", f"We train a network on recorded {name} brain signals.", 1.0)
            for name in ("MEG-GPT", "EEG-Net")]
    middling = hit("BrainStats: signal statistics", "We compute statistics of recorded brain signals without any learned model.", 0.75)
    for h in sure:
        h.extra["gate"] = {"score": 1.5}
    middling.extra["gate"] = {"score": 1.0}
    hits = [sure[0], middling, sure[1]]
    shares = {p.hit.paper.title.split(":")[0]: r for r, p in _with_gate(relevance(question, hits, embed))}
    assert LIST_SHARE <= shares["BrainStats"] < LIST_SURE <= min(shares["MEG-GPT"], shares["EEG-Net"])  # the case this test is about
    lines = extractive(question, hits, embed).text.splitlines()
    assert [line.startswith(WEAKER) for line in lines] == [False, False, True]
    assert lines[-1].removeprefix(WEAKER).startswith("BrainStats")
    # A model is still given it to describe (api): the sure ones alone made Qwen refuse a list (blind 22, b22-26).
    from assistant.extractive import listed

    assert [p.weaker for p in listed(question, hits, embed, sure=False)] == [False, False, False]


def test_an_abstracts_opening_sentence_is_background_unless_it_says_we():
    from assistant.extractive import _list_line, _own
    opening = "Recent work has shown that fine-tuning on instructions improves generalization to unseen tasks."
    assert not _own(opening, 0) and _own(opening, 3)  # "improves" is the field's finding here, not the paper's
    assert _own("We show that instruction tuning improves generalization.", 0)
    sentences = [(0.61, 0, opening),
                 (0.97, 4, "To this end, we create OPT-IML Bench: a large benchmark of 2000 NLP tasks with instructions."),
                 (0.34, 5, "We first present insights about instruction-tuning decisions applied to OPT-30B.")]
    line = _list_line("Which papers build a benchmark of many NLP tasks with instructions?", sentences, 2)
    assert sentences[1][2] in line  # what the paper built, far the closest, is not crowded out by the opening


def test_a_list_line_holds_the_sentence_closest_to_the_question():
    from assistant.extractive import _list_line
    sentences = [(0.18, 0, "Neural networks have improved search engines in various ways."),
                 (0.18, 2, "In this work, we explore whether neural networks can predict which passages will never be retrieved."),
                 (0.05, 4, "We find that our methods allow passage corpora to be pruned considerably."),
                 (0.36, 5, "Such pruning reduces the operating costs of search engines in computing resources, power usage and carbon footprint.")]
    line = _list_line("What abstracts bring up energy use or the environmental footprint of models as a motivation?", sentences, 2)
    assert line == [sentences[1][2], sentences[3][2]]  # what the paper does, then why it belongs to the list


def test_a_picked_sentence_that_opens_an_enumeration_brings_its_other_items():
    from assistant.extractive import _continuation
    sentences = [(0.9, 1, "Several issues persist, namely: 1) Homogenization. Generalization is unclear."),
                 (0.3, 2, "2) Scalability. It is unknown how they scale."), (0.2, 3, "3) Efficiency. Training time needs evaluation."),
                 (0.5, 4, "We build a benchmark."), (0.1, 5, "It is public.")]
    assert [t[1] for t in _continuation(sentences, [sentences[0]])] == [2, 3]
    assert _continuation(sentences, [sentences[3]]) == [sentences[4]]  # "It ..." goes on as before


def test_a_picked_sentence_that_says_what_the_paper_built_brings_what_it_showed_with_it():
    from assistant.extractive import _continuation
    sentences = [(0.9, 6, "Finally, we design a simpler grounded task, RefEx, to investigate how transformers compose."),
                 (0.4, 7, "We show that a single self-attention layer with a single head generalizes to novel combinations."),
                 (0.8, 2, "Grid worlds are a common test bed."), (0.3, 3, "We show that depth matters.")]
    assert _continuation(sentences, [sentences[0]]) == [sentences[1]]
    assert _continuation(sentences, [sentences[2]]) == []  # background: what follows is another finding


def test_an_enumerations_items_come_before_another_sentences_continuation():
    from assistant.extractive import _continuation
    sentences = [(0.9, 0, "Simplicity bias is said to explain generalization."), (0.2, 1, "However, its notion is vague."),
                 (0.8, 4, "We make three observations: (i) networks can rely on the simplest feature."),
                 (0.7, 5, "(ii) This explains fragility under shift."), (0.3, 6, "(iii) It hurts even on the same data distribution.")]
    assert [t[1] for t in _continuation(sentences, [sentences[0], sentences[2], sentences[3]])] == [6]


EYES = ("Can human reading comprehension be assessed from eye movements in reading? In this work, we address this "
        "longstanding question using large-scale eyetracking data over textual materials that are geared towards behavioral "
        "analyses of reading comprehension. We focus on a fine-grained and largely unaddressed task of predicting reading "
        "comprehension from eye movements at the level of a single question over a passage. We tackle this task using three "
        "new multimodal language models, as well as a battery of prior models from the literature. We evaluate the models' "
        "ability to generalize to new textual items, new participants, and the combination of both, in two different reading "
        "regimes, ordinary reading and information seeking. The evaluations suggest that although the task is highly "
        "challenging, eye movements contain useful signals for fine-grained prediction of reading comprehension.")


def test_an_ask_for_what_the_work_built_gets_the_sentence_that_presents_something_new(embed):
    """Blind 27, b27-02: "What did the authors build to test this" is answered by "We tackle this task using three
    new multimodal language models", which matches its words less than "we address this question using eyetracking data"."""
    papers = [hit("Fine-Grained Prediction of Reading Comprehension from Eye Movements", EYES, 0.9),
              hit("Decoding Reading Goals from Eye Movements", "In this work, we examine for the first time whether it is possible "
                  "to decode two types of reading goals that are common in daily life: information seeking and ordinary reading.", 0.8),
              hit("The NarrativeQA Reading Comprehension Challenge", "To encourage progress on deeper comprehension of language, we "
                  "present a new dataset in which the reader must answer questions about stories by reading entire books.", 0.7)]
    answer = extractive("Can gaze recordings tell whether a reader will get one particular comprehension question about a passage "
                        "right? What did the authors build to test this, and under which two ways of reading were people recorded?",
                        papers, embed)
    assert "three new multimodal language models" in answer.text and "information seeking" in answer.text


REFINE = ("In this paper, we focus on improving the agent generalization capabilities of LLMs via instruction tuning. We first "
          "observe that the existing agent training corpus exhibits satisfactory results on held-in evaluation sets but fails to "
          "generalize to held-out sets. These agent-tuning works face severe formatting errors and are frequently stuck in the same "
          "mistake for a long while. We analyze that the poor generalization ability comes from overfitting to several manual agent "
          "environments and a lack of adaptation to new situations. Inspired by the insight, we propose a novel AgentRefine "
          "framework for agent-tuning. AgentRefine significantly outperforms state-of-the-art agent-tuning work in terms of "
          "generalization ability on diverse agent tasks.")


def test_an_ask_for_a_cause_gets_the_sentence_that_gives_one(embed):
    """Blind 27, b27-07: "what do the refinement-tuning authors blame" is answered by "the poor generalization
    ability comes from overfitting ...", not by the sentences that restate the failure."""
    from assistant.extractive import CAUSE_ASK
    assert CAUSE_ASK.search("models flop on held-out ones. what do the refinement-tuning authors blame")
    assert CAUSE_ASK.search("Why do agents fail on held-out tasks?") and not CAUSE_ASK.search("What do the authors propose?")
    papers = [hit("AgentRefine: Enhancing Agent Generalization through Refinement Tuning", REFINE, 0.9),
              hit("Agent tuning at scale", "Agent-tuned open models fail to generalize to held-out environments.", 0.85),
              hit("Held-out agents", "Open agents that look fine on held-in tasks flop on held-out ones.", 0.8)]
    answer = extractive("agent-tuned open models look fine on the environments they were tuned on but flop on held-out ones. what "
                        "do the refinement-tuning authors blame, and what does their framework outperform?", papers, embed)
    assert "comes from overfitting" in answer.text


MLTC = ("Despite significant advancements in multi-label text classification, the ability of existing models to generalize to novel "
        "and seldom-encountered complex concepts remains underexplored. This research addresses this gap. By creating unique data splits "
        "across three benchmarks, we assess the compositional generalization ability of existing multi-label text classification models. "
        "Our results show that these models often fail to generalize to compositional concepts encountered infrequently during training. "
        "To address this, we introduce a data augmentation method that leverages two innovative text generation models. Our experiments "
        "show that this data augmentation approach significantly improves the compositional generalization of classification models.")


def test_a_terse_two_word_ask_is_an_ask_of_its_own(embed):
    """Blind 28's b28-04: "how many benchmarks, what fix?" asks twice (a two-word ask is one): the fix
    ("To address this, we introduce a data augmentation method ...") has its own sentence beside the count."""
    assert facets("Compositional multi-label text classification: how many benchmarks, what fix?") == ["how many benchmarks", "what fix?"]
    assert facets("Which benchmark, and why?") == ["Which benchmark, and why?"]  # a one-word ask is no part of its own
    papers = [hit("Compositional Generalization for Multi-label Text Classification: A Data-Augmentation Approach", MLTC, 0.9)]
    answer = extractive("Compositional multi-label text classification: how many benchmarks, what fix?", papers, embed)
    assert "three benchmarks" in answer.text and "To address this, we introduce a data augmentation method" in answer.text


def test_a_count_a_list_asks_for_reads_figures_and_words():
    from assistant.questions import amount, exceeding, threshold

    assert [amount(f) for f in ("1,616", "12M", "1600+", "a hundred", "thousands", "2 million", "twenty")] == [
        1616, 12e6, 1600, 100, 1000, 2e6, 20]
    assert threshold("Which papers draw on more than twenty distinct LLMs?") == (20, {"llms"})
    assert threshold("Which benchmarks hold well over a hundred tasks?") == (100, {"task"})
    assert threshold("Which papers study LLMs?") is None
    assert exceeding("We test it. BIG-bench consists of 204 tasks from 442 authors.", 100, {"task"}) == "204"
    assert exceeding("We use 12 tasks and 500 prompts.", 100, {"task"}) is None  # 500 counts prompts
    assert exceeding("Tasks are often written as GPT4 tasks.", 2, {"task"}) is None  # no figure inside a word


def test_a_list_asked_by_a_count_lists_the_papers_that_state_one_that_large(shipped_index):
    # blind 29's b29-18 missed a paper that evaluates "thousands of different LLMs": it shares few words with the question
    answer = shipped_index.ask("I'm collecting papers that draw on a really big pool of language models: more than twenty "
                               "distinct LLMs, whether benchmarked, instruction-tuned or only used for their outputs. Which qualify?",
                               mode="extractive")
    listed = [line for line in answer.text.split("\n\n")[0].split("\n")]
    assert any(line.startswith("Revisiting Generalization Across Difficulty Levels") and "thousands of different LLMs" in line for line in listed)
