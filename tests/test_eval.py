import json
import re

import pytest

from assistant.extractive import extractive
from assistant.gate import named_terms, uncovered_terms
from assistant.types import Answer, Source
from assistant.corpus import Paper
from assistant.errors import AssistantError
from assistant.evaluate import citation_problems, evaluate, load_questions, ranking
from assistant.questions import plan
from assistant.retrieve import Hit
from conftest import DEV, run_cli, write_jsonl

METRICS = ("recall_at_5", "mrr_at_10", "negative_refusal_rate", "false_refusal_rate", "keyword_hit_rate", "citation_validity",
           "keyword_hit_rate_by_type", "citation_recall", "citation_precision", "contentful_answer_rate", "degenerate_reply_rate",
           "failures", "list_paper_recall")


def hit(title: str, abstract: str, score: float = 0.8) -> Hit:
    return Hit(Paper(title, abstract), score=score, dense=0.6, bm25=5.0)


@pytest.fixture(scope="module")
def embed(shipped_index):
    return shipped_index.index.embedder.embed


def test_dev_set_meets_the_quality_bar_in_extractive_mode(shipped_index, dev_questions):
    summary, results = evaluate(shipped_index, load_questions(DEV))
    assert summary["recall_at_5"] >= 0.98
    assert summary["negative_refusal_rate"] == 1.0 and summary["false_refusal_rate"] == 0.0
    # Every [n] points at a listed source, and every cited paper was retrieved as deep as the
    # answer read (a "which papers" list reads deeper than top_k).
    assert summary["citation_validity"] == 1.0
    assert summary["keyword_hit_rate"] >= 0.8
    assert len(results) == len(dev_questions)
    # Extractive answers are abstract sentences, each cited to its own paper.
    assert summary["citation_recall"] >= 0.95 and summary["citation_precision"] >= 0.95
    assert summary["contentful_answer_rate"] == 1.0 and summary["failures"] == 0
    assert summary["degenerate_reply_rate"] is None  # no model was asked
    types = {q["type"] for q in dev_questions if q["answer_keywords"]}
    assert set(summary["keyword_hit_rate_by_type"]) == types


def test_eval_command_prints_json_metrics_and_writes_details(shipped_index, dev_questions, tmp_path):
    fact = next(q for q in dev_questions if q["type"] == "fact")
    negative = next(q for q in dev_questions if q["type"] == "negative")
    questions = write_jsonl(tmp_path / "q.jsonl", [fact, negative])
    details = tmp_path / "details.jsonl"
    result = run_cli("eval", questions, "--json", "--details", details, "--index-dir", shipped_index.settings.index_dir,
                     "--mode", "extractive")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert all(key in summary for key in METRICS)
    assert summary["questions"] == 2 and summary["negative_refusal_rate"] == 1.0
    assert summary["recall_at_5"] == 1.0 and summary["citation_validity"] == 1.0
    rows = [json.loads(line) for line in details.read_text().splitlines()]
    assert [r["id"] for r in rows] == [fact["id"], negative["id"]]
    assert rows[1]["refused"] and rows[0]["gold_ranks"][0] is not None


def test_eval_command_in_model_mode_scores_the_model_answers(shipped_index, dev_questions, tmp_path):
    from fake_llm import FakeLLM, Reply

    fact = next(q for q in dev_questions if q["id"] == "d001")
    questions = write_jsonl(tmp_path / "q.jsonl", [fact])
    # The model cites one real source and one that does not exist, and adds a claim no source
    # makes: the metrics must see only valid citations and supported sentences.
    reply = ("The paper introduces Corpus-Invariant Tuning (CIT), a training strategy that controls the likelihood "
             "of retrieved contexts during training [1] [9]. It was invented at Google in 2012 for speech [1].")
    with FakeLLM(Reply(reply)) as llm:
        result = run_cli("eval", questions, "--json", "--details", tmp_path / "d.jsonl", "--index-dir",
                         shipped_index.settings.index_dir, "--mode", "model", "--llm-base-url", llm.base_url)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["modes"] == ["model"] and len(llm.requests) == 2  # warm-up + the question
    assert summary["keyword_hit_rate"] == 1.0 and summary["citation_validity"] == 1.0
    assert summary["citation_recall"] == 1.0 and summary["citation_precision"] == 1.0
    assert summary["contentful_answer_rate"] == 1.0 and summary["degenerate_reply_rate"] == 0.0
    row = json.loads((tmp_path / "d.jsonl").read_text())
    assert "Google" not in row["answer"] and row["sentences"][0]["supported"]


def test_eval_in_model_mode_records_degenerate_replies_and_failures_and_finishes(shipped_index, dev_questions, tmp_path):
    from fake_llm import FakeLLM, Reply

    answerable = [q for q in dev_questions if q["gold_titles"]][:3]
    questions = write_jsonl(tmp_path / "q.jsonl", answerable)

    def script(body):  # the first question's replies are empty (the retry's too); every other request fails
        return Reply(fault="empty") if answerable[0]["question"] in body["messages"][1]["content"] else Reply(status=500)

    with FakeLLM(script) as llm:
        result = run_cli("eval", questions, "--json", "--details", tmp_path / "d.jsonl", "--index-dir",
                         shipped_index.settings.index_dir, "--mode", "model", "--llm-base-url", llm.base_url, "--llm-timeout", "5")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    summary = json.loads(result.stdout)
    assert summary["questions"] == 3 and summary["failures"] == 2
    assert [f["id"] for f in summary["failed"]] == [q["id"] for q in answerable[1:]]
    assert all("HTTP 500" in f["error"] for f in summary["failed"])
    assert summary["degenerate_reply_rate"] == 1.0 and summary["contentful_answer_rate"] == 1.0  # the extractive answer stood in
    rows = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert rows[0]["reply_problem"] == "the reply was empty" and rows[0]["mode"] == "extractive"
    assert rows[1]["error"] and rows[1]["mode"] == "failed"


def test_eval_table_shows_the_failures(shipped_index, dev_questions, tmp_path):
    from fake_llm import FakeLLM, Reply

    questions = write_jsonl(tmp_path / "q.jsonl", dev_questions[:1])
    with FakeLLM(Reply(status=400)) as llm:
        result = run_cli("eval", questions, "--details", tmp_path / "d.jsonl", "--index-dir", shipped_index.settings.index_dir,
                         "--mode", "model", "--llm-base-url", llm.base_url)
    assert result.returncode == 0, result.stderr
    assert re.search(rf"failures\s+1\n  {dev_questions[0]['id']}: the model could not be used: .*HTTP 400", result.stdout)


def test_eval_measures_list_coverage_and_ranks_metadata_answers_by_their_sources(shipped_index, tmp_path):
    questions = write_jsonl(tmp_path / "q.jsonl", [
        {"id": "l", "type": "list", "question": "Which papers explain grokking through circuit efficiency or lottery tickets?",
         "gold_titles": ["Explaining grokking through circuit efficiency", "Grokking Tickets: Lottery Tickets Accelerate Grokking"],
         "answer_keywords": []},
        # The dev set's form of a list: type multi with several gold papers.
        {"id": "d", "type": "multi", "question": "Which papers explain grokking through circuit efficiency or lottery tickets?",
         "gold_titles": ["Explaining grokking through circuit efficiency", "Grokking Tickets: Lottery Tickets Accelerate Grokking"],
         "answer_keywords": []},
        {"id": "m", "type": "metadata", "question": "Which paper has the largest number of authors?",
         "gold_titles": ["Beyond the Imitation Game: Quantifying and extrapolating the capabilities of language models"],
         "answer_keywords": []},
    ])
    summary, results = evaluate(shipped_index, load_questions(questions))
    listed, multi, meta = results
    cited = {t.lower() for t in listed.cited}
    assert listed.list_recall == sum(t.lower() in cited for t in listed.gold_titles) / 2 == summary["list_paper_recall"]
    assert listed.list_recall == multi.list_recall == 1.0
    assert meta.list_recall is None and meta.gold_ranks == [1]  # the metadata ranking, not a text search, found it
    assert summary["citation_validity"] == 1.0


def test_eval_command_table(shipped_index, dev_questions, tmp_path):
    questions = write_jsonl(tmp_path / "q.jsonl", dev_questions[:1])
    result = run_cli("eval", questions, "--index-dir", shipped_index.settings.index_dir, "--details", tmp_path / "d.jsonl")
    assert result.returncode == 0, result.stderr
    for label in ("Recall@1", "Recall@5", "Recall@10", "MRR@10", "keyword_hit_rate", "keyword hits by type", "citation_validity",
                  "citation_recall", "citation_precision", "contentful_answer_rate", "degenerate_reply_rate", "failures",
                  "latency p50 / p95"):
        assert label in result.stdout


def test_gold_title_missing_from_corpus_is_a_one_line_error(shipped_index, tmp_path):
    questions = write_jsonl(tmp_path / "q.jsonl", [{"question": "What is X?", "gold_titles": ["No Such Paper"]}])
    result = run_cli("eval", questions, "--index-dir", shipped_index.settings.index_dir)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "error: question 1: gold title 'No Such Paper' is not a paper of the corpus"


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "q.jsonl:2: not valid JSON"),
        ('{"gold_titles": []}', "q.jsonl:2: missing or empty 'question'"),
        ('{"question": "Why?", "gold_titles": "A title"}', "q.jsonl:2: 'gold_titles' must be a list"),
        ('["a list"]', "q.jsonl:2: expected a JSON object"),
    ],
)
def test_malformed_question_files_are_refused_with_file_and_line(tmp_path, line, message):
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "Fine?"}\n' + line + "\n")
    with pytest.raises(AssistantError, match=re.escape(message)):
        load_questions(path)


def test_ranking_counts_gold_papers_within_each_cutoff():
    retrieved = ["A", "B", "C", "D", "E", "F"]
    gold_ranks, recall, reciprocal_rank = ranking(retrieved, ["C", "F", "Z"])
    assert gold_ranks == [3, 6, None]
    assert recall == {"1": 0.0, "5": 1 / 3, "10": 2 / 3}
    assert reciprocal_rank == pytest.approx(1 / 3)


def test_citation_problems_catch_dangling_markers_and_unretrieved_papers():
    source = Source(1, "p1", "Paper one", None, None, None, None, 0.1)
    answer = Answer("q", "Claim [1]. Other claim [1, 3].", [source], [], "model")
    assert citation_problems(answer, {"p1"}) == ["[3] points at no listed source"]
    assert citation_problems(answer, {"p2"})[-1] == "cited paper 'Paper one' was not retrieved"


@pytest.mark.parametrize(
    "abstract, question, expected",
    [
        ("Conventional wisdom says reasoning needs huge training sets. "
         "We study how few curated examples a model needs to reason about mathematics. "
         "Reasoning emerges from knowledge stored during pre-training. "
         "With merely 817 curated training samples, the model reaches 57.1% accuracy on a competition benchmark.",
         "How many curated training samples were needed to reach competition-level math reasoning?", "817"),
        ("Open-domain question answering reads retrieved documents. "
         "Readers tend to memorise the document collection and fail when it changes. "
         "We introduce Corpus-Invariant Tuning (CIT), a training strategy that controls the likelihood of retrieved contexts. "
         "Experiments on several benchmarks confirm the findings.",
         "What training strategy keeps the reader from memorising its document collection?", "Corpus-Invariant Tuning"),
    ],
    ids=["figure for a numeric question", "named contribution for a what-method question"],
)
def test_answer_holds_the_sentence_that_carries_the_answer(embed, abstract, question, expected):
    answer = extractive(question, [hit("A paper", abstract)], embed)
    assert expected in answer.text and answer.citations[0].title == "A paper"


def test_which_papers_question_names_each_relevant_paper_once(embed):
    hits = [
        hit("MEG-GPT: a foundation model for magnetoencephalography", "We train a transformer on recorded MEG brain signals."),
        hit("BrainBlur: decoding images from EEG", "We decode what people see from recorded EEG brain activity with deep networks.", 0.7),
        hit("Cooking with robots", "A robot learns recipes from videos of human cooks.", 0.3),
    ]
    answer = extractive("Which papers build deep-learning models of recorded human brain signals?", hits, embed)
    assert "MEG-GPT:" in answer.text and "BrainBlur:" in answer.text and "Cooking" not in answer.text
    used = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert used == {s.number for s in answer.citations} == {1, 2}


def test_sentence_initial_words_are_not_names_but_plurals_of_known_names_are_known():
    assert named_terms("A method weights each domain. Which dataset is used?") == []
    assert uncovered_terms("Which PRMs score steps, unlike Chinchilla?", {"prm"}) == ["Chinchilla"]
