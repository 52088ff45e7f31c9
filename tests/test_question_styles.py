"""Questions in other styles than the tuned sets': conversational lists, comparisons named by
"vs", "or" and "the two papers", multi-part questions, metadata in other words; and how the
extractive answer and the retrieval order serve them (small fixtures, the real embedding model)."""

import pytest

from assistant.corpus import Paper
from assistant.extractive import LIST_CAP, extractive, rerank
from assistant.gate import MIN_PAPER, writes, written
from assistant.metadata import PaperFilter, parse
from assistant.questions import facets, plan
from assistant.retrieve import Hit


@pytest.mark.parametrize(
    "question",
    [
        "i'm looking for papers that work with audio, speech or music signals",
        "is there work on software supply-chain or code security using ML?",
        "anything using Lean or Isabelle provers",
        "who trains linear probes on LM hidden states?",
        "remote sensing papers?",
        "video retrieval work?",
        "What work is there on reading comprehension?",
        "Give me everything in here on recommending items to users.",
        "Are there diffusion models here that generate music?",
        "any shared-task or challenge papers in here? list them",
        "instruction tuning papers from 2022?",
        "what's out there on remote sensing imagery (satellite or aerial images)?",
        "I'm designing a medical QA assistant that retrieves literature. Which papers here combine retrieval with medical QA?",
        "What work in the collection carries chains of thought over to vision-language models?",
        "I need every paper that involves mixture-of-experts models.",
        "I need every paper whose inputs are stories that a model must reason over.",  # round 16, from blind 16
        "Got any work where a proof assistant checks the model's steps?",
        "Prompting or fine-tuning? List the papers that compare the two on the same tasks.",
        "I'm after agents that learn to act in simulated worlds through reinforcement learning.",
        "Papers that evaluate Qwen models but do NOT fine-tune them - which ones?",  # the topic is the ask
        "Which abstracts are written in the first person?",
        "Do any papers use Qwen?",
        "In which papers is MMLU used?",
        # Round 19, from blind 21 and earlier sets: each of a list's papers is no comparison, a later
        # question about them no ask of its own, a hyphenated topic no obstacle.
        "mmlu shows up in which abstracts? and what does each paper use it for",
        "Which papers train linear probes on a language model's internal representations, and what does the probe recover in each case?",
        "Any papers that use the CrossFit benchmark? what for?",
        "Which length-generalisation papers evaluate transformers on copying, duplicating or sorting sequences?",
        "List the shared-task system descriptions and competition reports in the collection.",
        "neural architecture search using LLMs or training-free proxies - what's in the collection?",
        "I need all the abstracts whose titles say they are about sentence embeddings.",  # round 22, from blind 24
        # Round 23, from blind 25: a topic with a dash and a colon before the ask; "Which ones?" after a question about papers.
        "Perceptrons — the 1960s kind or modern multi-layer ones: which abstracts mention them?",
        "Is batch normalisation (or a variant of it) part of the story in any of these papers? Which ones?",
    ],
)
def test_conversational_requests_for_papers_are_lists(question):
    assert plan(question).kind == "list"


@pytest.mark.parametrize(
    "question, kind",
    [
        ("What makes diversification methods fragile in practice?", "fact"),  # about methods, not a list of them
        ("Is there work on why explanations are less faithful for some groups? Which data issues make it worse?", "fact"),
        ("How does it work?", "fact"),
        ("I'm after the paper that introduced grokking: what did it find?", "fact"),  # one paper asked for
        ("How large are the corpus and the dataset released with the models?", "numeric"),
        ("What improvement does the method reach on 11 datasets?", "numeric"),
        # a topic first, then a question of its own about it
        ("methods that learn diverse hypotheses: what are they especially sensitive to?", "fact"),
        ("models that read the instructions used to build datasets: how much better did they do?", "numeric"),
        ("nli models and whether they really generalize beyond the benchmark they were trained on: which papers are mainly about that?", "list"),
        ("One model for many tasks through one interface, instead of a model per task - which papers build such models?", "list"),
        ("Two losses are proposed in the grokking paper - which ones?", "fact"),  # "which ones" of a paper's own
        ("Which losses does the grokking paper propose? Which ones matter most?", "fact"),  # a "which ones" of its own, round 23
        ("Which method does the grokking paper use? Which one?", "fact"),
        # Round 16, from blind 7 and 17: what one described study used, not a list of papers.
        ("Which nine language models were studied in the paper on how LMs bind entities?", "fact"),
        ("Which six datasets were ranked by difficulty in the cross-difficulty study, and which model was fine-tuned?", "fact"),
        ("Which small language models (names and sizes) does the prompting-versus-fine-tuning study use?", "fact"),  # blind 14
        ("Which medical QA benchmarks (MedQA, PubMedQA, ...) does Med-R^3 report on?", "fact"),  # blind 18: a named method's
        ("Which papers does GPT-4 appear in?", "list"),
        # Blind 27 (nn04): so many datasets are one work's; so many papers are still papers.
        ("Which three maths word-problem datasets were used for program distillation?", "fact"),
        ("Which three papers use program distillation?", "list"),
        # Round 19: "which of the two" asked of one paper's modes; "the other" and "which paper does which" compare.
        ("Someone mentioned a study of how models generalise by rules or by similarity. Which of the two modes do complex "
         "representations do better at?", "fact"),
        ("Which of the FLUX/LlamaGen evaluation and IterComp learns from a gallery of diffusion models, and what does the "
         "other conclude about autoregressive models?", "compare"),
        ("Domain generalisation, two opposite moves: invent new domains with an LLM, or adapt per test sample online. "
         "Which paper does which, and how?", "compare"),
    ],
)
def test_a_paper_noun_alone_does_not_make_a_list(question, kind):
    assert plan(question).kind == kind


@pytest.mark.parametrize(
    "question, sides",
    [
        ("med-r^3 vs self-biorag — how do they each combine retrieval and reasoning?", ["med-r^3", "self-biorag"]),
        ("NarrativeQA or CliCR: which one asks about whole books, and which one uses clinical reports?", ["NarrativeQA", "CliCR"]),
        ("two eye-tracking papers from the same group: what does each try to predict from gaze?", []),
        ("one paper asks what makes test examples hard, another asks whether benchmarks agree with each other. what do they find?",
         ["paper asks what makes test examples hard", "asks whether benchmarks agree with each other"]),
        ("RL for math: the one that warms up with SFT, or the one built around binary rewards - which algorithm does the first use?",
         ["one that warms up with SFT", "one built around binary rewards"]),
        ("Two retrievers: the generative one for knowledge tasks, and the utility-based one for RAG. How does each score passages?",
         ["generative one for knowledge tasks", "utility-based one for RAG"]),
        ("Diversity: how does the instruction study define diversity, and how does the gradient paper measure its effect?",
         ["instruction study define diversity", "gradient paper measure its effect"]),
        ("Extra training data: text classification or text-to-SQL - how does each one produce its examples?",
         ["text classification", "text-to-SQL"]),
        # sides described in several words, and "what model does each ..."
        ("Two suites: the 1600+ task one with declarative prompts vs. the 2000-task meta-learning one built on OPT. What model does each train?",
         ["1600+ task one with declarative prompts", "2000-task meta-learning one built on OPT"]),
        ("What separates the block-stacking planning study from the one that borrows tasks where thinking hurts people?",
         ["block-stacking planning study", "one that borrows tasks where thinking hurts people"]),
        ("Two IR papers: which of the two opens up cross-encoders neuron by neuron, and which ranks documents for reviewers?",
         ["opens up cross-encoders neuron by neuron", "ranks documents for reviewers"]),
        # "compare" after a topic, "what X found" as a side, "set A next to B", "in one ..., in the other ..."
        ("The dip-then-recover effect: compare the paper that names it in continual learning with the one that meets it in pre-training.",
         ["paper that names it in continual learning", "one that meets it in pre-training"]),
        ("Do QA models transfer? Contrast what the reading study across many datasets found with what the NLI study reports.",
         ["reading study across many datasets", "NLI study"]),
        ("Good data for generalization? Set the study that varies data scale next to the one that builds story tasks.",
         ["study that varies data scale", "one that builds story tasks"]),
        ("Two probing studies: in one the model names an object from its description, in the other text is matched to audio. What does each find?",
         ["model names an object from its description", "text is matched to audio"]),
        # Round 16, from blind 18: the two described after a colon, the second as "the one ...".
        ("Two continual-learning papers: the brain-inspired few-shot method and the one proposing continual evaluation. What does each contribute?",
         ["brain-inspired few-shot method", "one proposing continual evaluation"]),
        # Round 20, from blind 22: a side that opens with a quoted name is that name.
        ("Both 'Unforgettable Generalization' and 'Weird Generalization' fine-tune language models on narrow data. How do their findings differ?",
         ["Unforgettable Generalization", "Weird Generalization"]),
    ],
)
def test_comparisons_in_other_phrasings(question, sides):
    asked = plan(question)
    assert (asked.kind, asked.sides) == ("compare", sides)


def test_facets_split_after_a_dash_and_before_a_preposition_but_not_at_whether():
    assert facets("personalized tuning loses composition — what loss fixes that, and what metric did they introduce?") == [
        "what loss fixes that", "what metric did they introduce?"]
    assert facets("Can you tell early whether an answer is right? Where is that signal strongest, and on what kind of "
                  "question does it stop working?") == [
        "Can you tell early whether an answer is right?", "Where is that signal strongest",
        "on what kind of question does it stop working?"]
    # An ask inside the first part ("... was built over which body ...") is an ask too.
    assert facets("A search engine was built over which body of literature, and how many clinicians took part?") == [
        "A search engine was built over which body of literature", "how many clinicians took part?"]
    assert facets("A search engine was built over this literature, and how many clinicians took part?") == [
        "A search engine was built over this literature, and how many clinicians took part?"]
    # A relative clause describes the paper, it asks nothing (blind 22): "In the study where ...".
    assert facets("In the study where a transformer beats specialised models, what is the main challenge, and how small a model "
                  "generalizes on RefEx?") == ["what is the main challenge", "how small a model generalizes on RefEx?"]


@pytest.mark.parametrize(
    "question, order, topic",
    [
        ("Of the papers about search or retrieval, which one has the longest author list?", ("authors", True), "search or retrieval"),
        ("What is the oldest dated paper whose main topic is mathematical reasoning?", ("date", False), "mathematical reasoning"),
        ("hey, what came out in September 2024?", None, ""),
        ("I'm looking for the papers dated in March, any year", None, ""),
    ],
)
def test_metadata_questions_in_other_words(question, order, topic):
    query = parse(question)
    assert (query.filter.order, query.topic) == (order, topic)
    assert plan(question).kind == "meta"


def test_one_paper_asked_for_is_one_paper_even_with_the_word_list():
    assert parse("Of the papers about search, which one has the longest author list?").limit == 1
    assert parse("Sort the papers by most upvotes").limit is None  # all of them, in order


def test_submitted_by_filters_on_the_submitter():
    query = parse("which paper was submitted by Alibaba-NLP?")
    assert plan("which paper was submitted by Alibaba-NLP?").kind == "meta" and query.topic == ""
    assert query.filter.admits(Paper("A", "x", submitter="Alibaba-NLP Alibaba-NLP"))
    assert not query.filter.admits(Paper("B", "x")) and not query.filter.admits(Paper("C", "x", submitter="Other"))
    assert PaperFilter().over(query.filter).submitter == "Alibaba-NLP"  # the UI/CLI filter keeps it


def hit(title: str, abstract: str, score: float) -> Hit:
    return Hit(Paper(title, abstract), score=score, dense=0.6, bm25=5.0)


@pytest.fixture(scope="module")
def embed(tmp_path_factory):
    from assistant.config import load_settings
    from assistant.index import Index

    return Index(load_settings(index_dir=tmp_path_factory.mktemp("empty"))).embedder.embed


NEGATION = ("Although large language models (LLMs) have apparently acquired a certain level of grammatical knowledge and the "
            "ability to make generalizations, they fail to interpret negation, a crucial step in Natural Language Processing. "
            "We try to clarify the reasons for the sub-optimal performance of LLMs understanding negation. We introduce a large "
            "semi-automatically generated dataset of circa 400,000 descriptive sentences about commonsense knowledge that can be "
            "true or false in which negation is present in about 2/3 of the corpus in different forms. Our findings show that, "
            "while LLMs are proficient at classifying affirmative sentences, they struggle with negative sentences and lack a deep "
            "understanding of negation, often relying on superficial cues. Although fine-tuning the models on negative sentences "
            "improves their performance, the lack of generalization in handling negation is persistent.")


def test_an_ask_for_a_size_is_answered_with_the_sentence_that_holds_the_figure(embed):
    answer = extractive("how big is the negation benchmark for LLMs and how much of it is negated?",
                        [hit("This is not a Dataset: A Large Negation Benchmark", NEGATION, 0.9)], embed)
    assert "400,000" in answer.text and "2/3" in answer.text


GREENAUG = ("Generalising vision-based manipulation policies to novel environments remains a challenging area with limited "
            "exploration. This paper proposes a novel approach where data is collected in a location predominantly featuring "
            "green screens. We introduce Green-screen Augmentation (GreenAug), employing a chroma key algorithm to overlay "
            "background textures onto a green screen. Through extensive real-world empirical studies with over 850 training "
            "demonstrations, we demonstrate that GreenAug surpasses no augmentation and prior generative augmentation methods in "
            "performance. We propose that real-world demonstrations in future research should utilise green screens, followed by "
            "the application of GreenAug. We believe GreenAug unlocks policy generalisation to visually distinct novel locations, "
            "addressing the current scene generalisation limitations in robot learning.")


def test_a_named_side_shows_the_sentence_that_introduces_its_name(embed):
    green = hit("Green Screen Augmentation Enables Scene Generalisation", GREENAUG, 0.9)
    mt3 = hit("Learning a Thousand Tasks in a Day", "We develop Multi-Task Trajectory Transfer (MT3), an imitation learning "
              "method based on decomposition and retrieval. MT3 learns everyday manipulation tasks from a single demonstration.", 0.8)
    mt3.extra["side"], green.extra["side"] = 0, 1
    answer = extractive("MT3 vs GreenAug: what does each rely on to make robot learning generalize?", [mt3, green], embed)
    assert "chroma key" in answer.text.splitlines()[1]


def test_covering_sentences_add_the_parts_of_the_question_the_chosen_ones_leave_out():
    from assistant.extractive import _covering

    sentences = [(1.0, 0, "Held-out games were handled zero-shot."), (0.99, 1, "Zero-shot held-out games were handled well."),
                 (0.95, 2, "Emergent behaviours were observed, such as tool use.")]
    question = "Which held-out games were handled zero-shot and which emergent behaviours were observed?"
    assert [t[1] for t in _covering(question, sentences, [], 2)] == [0, 2]


def test_rerank_moves_the_paper_whose_sentence_answers_above_one_that_only_shares_words(embed):
    shares = hit("Length of training runs", "Training runs of language models get longer every year. Length matters.", 0.9)
    answers = hit("Randomized positional encodings", "We randomize positional encodings so that transformers "
                  "extrapolate to sequences longer than those seen in training.", 0.8)
    ranked = rerank("Which papers change position encodings so transformers extrapolate to longer sequences?", [shares, answers], embed)
    assert [h.paper.title for h in ranked] == ["Randomized positional encodings", "Length of training runs"]


def test_rerank_with_the_corpus_idf_prefers_the_paper_that_holds_the_rare_words_asked_about(embed):
    shares = hit("Package popularity", "We measure how popular software packages in public registries are. Popular packages get more downloads.", 0.9)
    answers = hit("Registry defence", "We detect typosquatting attacks that imitate package names.", 0.7)
    question = "Which papers detect typosquatting in package registries?"
    idf = {"typosquat": 9.0}.get  # the rare word; the others are everyday corpus words
    ranked = rerank(question, [shares, answers], embed, lambda stem: idf(stem) or 1.0)
    assert [h.paper.title for h in ranked] == ["Registry defence", "Package popularity"]
    assert rerank(question, [shares, answers], embed)[0] is shares  # relevance alone goes by the shared words


def test_how_large_models_do_is_no_ask_for_a_size():
    assert plan("What metric diagnoses how large multimodal models handle visual maths problems?").kind == "fact"
    assert plan("How large is the model?").kind == plan("How big a model do you need?").kind == "numeric"


def test_a_misspelt_word_is_mended_against_the_corpus_words_and_names_are_left_alone():
    from assistant.spelling import respelled

    vocabulary = {"results", "prompts", "retrieval", "lora", "report"}
    asked = []

    def known(words):
        asked.append(words)
        return words & vocabulary

    assert respelled("which papers report reslts on MMLU?", known) == "which papers report results on MMLU?"
    assert respelled("Learnable promtps and retreival", known) == "Learnable prompts and retrieval"
    asked.clear()
    # a capitalised or short word may be a name; an English word is meant as written (and nothing is looked up)
    assert respelled("Reslts of qlora, and the pasting of prompts", known) == "Reslts of qlora, and the pasting of prompts"
    assert asked == []
    # a typo English has seen ("serch", rare) is mended to a far commoner word, a rare real word is not
    vocabulary |= {"search", "gram"}
    assert respelled("which papers call a serch engine?", known) == "which papers call a search engine?"
    assert respelled("ngram models", known) == "ngram models"


def test_a_question_with_a_typo_is_answered_as_if_typed_right(shipped_index):
    typed = "Which papers report reslts on MMLU?"
    answer = shipped_index.ask(typed)
    right = shipped_index.ask("Which papers report results on MMLU?")
    assert not answer.refused and answer.text == right.text
    assert answer.question == typed and answer.standalone_question == "Which papers report results on MMLU?"


PROBES = ("Do large language models (LLMs) anticipate when they will answer correctly? To study this, we extract activations "
          "after a question is read but before any tokens are generated, and train linear probes to predict whether the model's "
          "forthcoming answer will be correct. Across three open-source model families ranging from 7 to 70 billion parameters, "
          "projections on this \"in-advance correctness direction\" trained on generic trivia questions predict success in "
          "distribution and on diverse out-of-distribution knowledge datasets, outperforming black-box baselines and verbalised "
          "predicted confidence. Predictive power saturates in intermediate layers, suggesting that self-assessment emerges "
          "mid-computation. Notably, generalisation falters on questions requiring mathematical reasoning. Moreover, for models "
          "responding \"I don't know\", doing so strongly correlates with the probe score, indicating that the same direction also "
          "captures confidence. By complementing previous results on truthfulness and other behaviours obtained with probes and "
          "sparse auto-encoders, our work contributes essential findings to elucidate LLM internals.")


def test_each_ask_gets_the_sentence_that_answers_it_not_the_one_closest_to_the_whole_question(embed):
    """The sentence on probing before generation matches the whole question best; the asks about
    layers and about failures are answered by two others, in other words than the question's."""
    answer = extractive("llm probes that guess whether the answer will be right before any token is generated: which layers work "
                        "best, and what kind of questions make it fall over?",
                        [hit("No Answer Needed: Predicting LLM Answer Accuracy from Question-Only Linear Probes", PROBES, 0.9)], embed)
    assert "intermediate layers" in answer.text and "mathematical reasoning" in answer.text


# AIME: two papers write only "AIME24"; MATH500: one writes "MATH-500" (blind 24)
@pytest.mark.parametrize("name", ["BBH", "VirtualHome", "MMLU", "AIME", "MATH500"])
def test_a_list_that_names_what_it_wants_lists_every_paper_that_writes_the_name(shipped_index, name):
    """ "Which papers report BBH numbers?" shares one word with its papers, and retrieval ranks
    papers about other "numbers" above them. Every paper that writes the name is listed, and
    another paper only when the gate takes it as a source (gate.MIN_PAPER)."""
    writers = {p.id for p in shipped_index.index.papers.values() if written(name, p)}
    assert 2 <= len(writers) <= LIST_CAP  # the shipped corpus has such papers to list
    question = f"Which papers report {name} numbers?"
    answer = shipped_index.ask(question)
    cited = {s.paper_id for s in answer.citations}
    assert writers <= cited
    for source in answer.citations:
        assert source.paper_id in writers or source.relevance >= MIN_PAPER, source.title
        if source.paper_id in writers:  # its line shows the name
            assert any(writes(name, sentence) for sentence in source.sentences), source.title


def test_a_name_of_two_words_finds_the_papers_that_write_it_as_one(shipped_index):
    """The corpus writes Hugging Face only in links ("https://huggingface.co/..."): the question
    is not refused for a name the corpus "never mentions", and lists exactly those papers."""
    writers = {p.id for p in shipped_index.index.papers.values() if "huggingface.co" in p.abstract}
    assert len(writers) >= 2
    answer = shipped_index.ask("Which papers host their datasets or models on Hugging Face?")
    assert not answer.refused and {s.paper_id for s in answer.citations} == writers


def test_a_side_named_with_a_hyphen_is_the_paper_that_writes_it_apart(shipped_index):
    """ "Coherent gradients vs train-longer" (blind 27): "train-longer" is the paper titled "Train
    longer, generalize better"; retrieval ranks four length-generalisation papers above it."""
    question = "Coherent gradients vs train-longer: how does each explain generalisation?"
    sides = {h.extra["side"]: h.paper.title for h in shipped_index.retrieve(question)[:5] if "side" in h.extra}
    assert sides[1].startswith("Train longer, generalize better"), sides
    assert sides[0].startswith("On the Generalization Mystery"), sides


def test_the_original_paper_of_a_name_is_the_one_titled_by_it(shipped_index):
    # Blind 31's b31-36 and blind 5's b5-44 had compared "Grokking Tickets" or the effective-theory
    # paper for "the original grokking paper": several papers are about grokking, one is titled by it.
    for question in ("the original grokking paper vs the effective-theory one - what setting does each look at?",
                     "How does the setting of the original grokking study differ from the work that looks for grokking during LLM pretraining?"):
        answer = shipped_index.ask(question, mode="extractive")
        assert answer.citations[0].title.startswith("Grokking: Generalization Beyond Overfitting"), question
        assert len(answer.citations) == 2 and "Grokking Tickets" not in answer.citations[1].title
