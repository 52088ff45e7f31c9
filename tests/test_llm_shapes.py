"""The answer's shape by the question's kind, against the scripted server (tests/fake_llm.py):
the closing instruction the prompt ends with, and the papers a model's list or comparison
leaves out, added after it in their abstracts' own words. Four real grokking abstracts and one
unrelated one (tests/fixtures/grokking_corpus.jsonl)."""

import dataclasses
import re

import pytest

from assistant.api import Assistant
from assistant.types import Answer
from conftest import FIXTURES
from fake_llm import FakeLLM, Reply

LIST = "Which papers study grokking?"
COMPARE = "Compare Grokking Tickets with the circuit efficiency explanation"
TICKETS = "Grokking Tickets: Lottery Tickets Accelerate Grokking"
GROKKING = {"Grokking: Generalization Beyond Overfitting on Small Algorithmic Datasets", "Explaining grokking through circuit efficiency",
            "Towards Understanding Grokking: An Effective Theory of Representation Learning", TICKETS}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    a = Assistant(index_dir=tmp_path_factory.mktemp("ix"), corpus=[FIXTURES / "grokking_corpus.jsonl"])
    a.index.sync(progress=False)
    return a


def ask(assistant, script, question, **settings):
    with FakeLLM(script) as fake:
        other = assistant.with_settings(llm_base_url=fake.base_url, llm_timeout=10.0, **settings)
        answer = other.ask(question, mode="model")
    assert isinstance(answer, Answer)
    return answer, fake.requests


def naming_the_tickets_paper(body):
    """A model that names only the Grokking Tickets paper, by whatever number the prompt gave it."""
    number = re.search(rf"\[(\d)\] {re.escape(TICKETS)}", body["messages"][1]["content"])[1]  # the sources, in a retry too
    return Reply(f"Grokking tickets: lottery tickets found by magnitude pruning drastically accelerate grokking [{number}].")


def tickets_and_circuits(body):
    """The source numbers the prompt gave the Grokking Tickets and the circuit efficiency papers."""
    prompt = body["messages"][-1]["content"]
    return re.search(rf"\[(\d)\] {re.escape(TICKETS)}", prompt)[1], re.search(r"\[(\d)\] Explaining grokking", prompt)[1]


def test_a_list_gets_a_line_per_paper_and_the_papers_the_model_left_out(assistant):
    answer, requests = ask(assistant, naming_the_tickets_paper, LIST, llm_max_tokens=100)
    user = requests[0]["messages"][-1]["content"]
    assert user.rstrip().endswith("and its source number like [1].") and "one line for each source" in user
    assert requests[0]["max_tokens"] > 100  # room for a line per paper
    assert sum(title in user for title in GROKKING) == 4  # every paper the list rule keeps is a source
    lines = answer.text.split("\n")
    assert answer.mode == "model" and lines[0].startswith("Grokking tickets: lottery tickets found by magnitude pruning drastically accelerate grokking [1]. ")
    # The model's clause is followed by what its line in the extractive list says beyond it, cited to the paper.
    added_to_line = lines[0].split("accelerate grokking [1]. ", 1)[1]
    assert added_to_line.endswith("[1]") and set(re.findall(r"\[(\d+)\]", added_to_line)) == {"1"}
    assert all(s in answer.citations[0].sentences for s in re.split(r" \[1\] ?", added_to_line) if s)
    assert "sentences of the listed papers' abstracts added to their lines" in answer.note
    assert [c.title for c in answer.citations][0] == TICKETS and {c.title for c in answer.citations} == GROKKING
    for number, line in enumerate(lines[1:], 2):  # each added paper: its title, its own sentences, its number
        source = answer.citations[number - 1]
        assert line.startswith(source.title) and set(re.findall(r"\[(\d+)\]", line)) == {str(number)}
        assert source.sentences and all(s in line for s in source.sentences)
    added = [s for s in answer.sentences if s.citations and s.citations[0] > 1]
    assert added and all(s.supported and s.evidence == s.text for s in added)
    assert "3 further papers the model did not name" in answer.note
    assert all(s.paper_id not in {c.paper_id for c in answer.citations} for s in answer.uncited)


def test_a_comparison_that_covers_one_side_gets_the_other_side_added(assistant):
    answer, requests = ask(assistant, naming_the_tickets_paper, COMPARE)
    user = requests[0]["messages"][-1]["content"]
    # The model reads the compared papers only, one per side, each answered in turn by its number.
    assert f"[1] {TICKETS}" in user and "[2] Explaining grokking through circuit efficiency" in user and "[3]" not in user
    assert "Answer this for each compared paper in turn, first for source [1], then for [2]: Compare Grokking Tickets" in user
    assert [c.title for c in answer.citations] == [TICKETS, "Explaining grokking through circuit efficiency"]
    body = answer.text.split("\n\nFrom the abstract")[0]
    first, second = body.split("\n")
    assert first.endswith("[1].") and second.startswith("Explaining grokking through circuit efficiency") and "[2]" in second


def test_a_model_answer_that_names_every_paper_gets_no_paper_added_but_what_each_says_to_the_asks(assistant):
    def both(body):
        t, c = tickets_and_circuits(body)
        return Reply(f"Grokking tickets: lottery tickets found by magnitude pruning drastically accelerate grokking [{t}].\n"
                     f"Circuit efficiency: grokking occurs when the generalising solution is slower to learn but more efficient [{c}].")

    answer, _ = ask(assistant, both, COMPARE)
    body, _, added = answer.text.partition("\n\nFrom ")
    added = "From " + added
    assert body.count("\n") == 1 and len(answer.citations) == 2 and "further paper" not in (answer.note or "")
    # A sentence a side is all a small model says: what each side's abstract says to the asks
    # follows, each sentence cited to its own paper, and the model's text is left as it was.
    assert body.startswith("Grokking tickets: lottery tickets") and added
    for number, source in enumerate(answer.citations, 1):
        extra = [s for s in answer.sentences if s.citations == [number] and s.evidence == s.text and s.text in added]
        assert extra and all(s.text in source.sentences for s in extra)
        # each side's paragraph is led by its title and cites only its own paper
        line = added.split("\n")[number - 1]
        assert line.startswith(f"From {source.title}: ") and set(re.findall(r"\[(\d+)\]", line)) == {str(number)}
    assert "leaves out added in their own words" in answer.note


def test_a_fact_question_asks_for_every_part_in_a_few_sentences(assistant):
    answer, requests = ask(assistant, Reply("Ungrokking is when a network regresses from perfect to low test accuracy [1]."),
                           "What is ungrokking?")
    assert "Answer every part of the question in 2 or 3 sentences" in requests[0]["messages"][-1]["content"]
    assert requests[0]["max_tokens"] == assistant.settings.llm_max_tokens
    # The extractive answer's sentences follow the model's text, cited to their source: the one
    # its sentence rests on too, which it said in part ("two novel and surprising behaviours").
    model_text, added = answer.text.split("\n\nFrom the abstract: ")
    assert model_text == "Ungrokking is when a network regresses from perfect to low test accuracy [1]."
    assert "we demonstrate two novel and surprising behaviours: ungrokking" in added
    assert set(re.findall(r"\[(\d+)\]", added)) == {"1"}
    assert all(s.supported and s.evidence == s.text for s in answer.sentences[1:])
    # A sentence the model says word for word is not repeated.
    said = "Most strikingly, we demonstrate two novel and surprising behaviours: ungrokking, in which a network regresses " \
           "from perfect to low test accuracy, and semi-grokking, in which a network shows delayed generalisation to " \
           "partial rather than perfect test accuracy."
    copied, _ = ask(assistant, Reply(f"{said} [1]"), "What is ungrokking?")
    assert copied.text.startswith(said[:-1]) and copied.text.count("two novel and surprising") == 1


def test_a_question_that_asks_several_things_gets_each_ask_spelled_out(assistant):
    _, requests = ask(assistant, Reply("Ungrokking is when a network regresses to low test accuracy [1]."),
                      "In the circuit-efficiency account of grokking, what is ungrokking, and what is semi-grokking?")
    instruction = requests[0]["messages"][-1]["content"].split("Question:")[1]
    assert "The question asks 2 things:\n1. What is ungrokking?\n2. What is semi-grokking?" in instruction
    assert "2 or 3 sentences" not in instruction


def test_a_reply_that_hands_back_the_list_example_is_not_an_answer(assistant):
    copied = Reply("TabMWP: a dataset of grade-level math word problems that require reasoning over tables [1].\n"
                   "TableBench: a benchmark of table question answering across 18 industrial fields [2].")
    answer, requests = ask(assistant, [copied, copied], LIST)
    assert len(requests) == 2 and "copied the prompt's example" in answer.reply_problem
    assert answer.mode == "extractive"


def test_a_source_number_used_as_a_sentences_subject_becomes_the_papers_name(assistant):
    def numbered(body):  # "[n] shows ...": the number in place of the paper's name
        number = re.search(rf"\[(\d)\] {re.escape(TICKETS)}\n", body["messages"][-1]["content"])[1]
        return Reply(f"Yes, lottery tickets matter. [{number}] shows that lottery tickets drastically accelerate grokking. "
                     f"Magnitude pruning is used in [{number}] to identify the good subnetworks.")

    answer, _ = ask(assistant, numbered, "What do lottery tickets do to grokking?")
    assert answer.mode == "model"
    assert "Grokking Tickets shows that lottery tickets drastically accelerate grokking [1]." in answer.text
    assert "Magnitude pruning is used in Grokking Tickets to identify the good subnetworks [1]." in answer.text
    assert answer.sentences[-1].supported and answer.sentences[-1].citations == [1]


def test_a_reply_that_only_strings_the_titles_together_is_retried(assistant):
    def titles_then_answer(body):
        if len(body["messages"]) > 2:  # the corrective retry
            return naming_the_tickets_paper(body)
        prompt = body["messages"][-1]["content"]
        return Reply(" ".join(re.findall(r"^\[\d\] (.+)$", prompt, re.M)) + " [1]")

    answer, requests = ask(assistant, titles_then_answer, LIST)
    assert len(requests) == 2 and "only listed the sources' titles" in requests[1]["messages"][-1]["content"]
    assert answer.mode == "model" and answer.text.startswith("Grokking tickets: lottery tickets")


def test_a_model_list_gets_a_line_per_paper_led_by_its_title(assistant):
    def unnamed(body):
        t, c = tickets_and_circuits(body)
        return Reply(f"One study finds that lottery tickets found by magnitude pruning drastically accelerate grokking [{t}]. "
                     f"Another explains grokking: the generalising solution is slower to learn but more efficient [{c}]. "
                     f"The tickets are found by magnitude pruning [{t}].")

    answer, _ = ask(assistant, unnamed, LIST, llm_max_tokens=100)
    lines = answer.text.split("\n")
    # The two sentences about the tickets paper share its line, which its title leads.
    assert lines[0].startswith(f"{TICKETS}: One study finds") and "magnitude pruning [1]." in lines[0]
    assert set(re.findall(r"\[(\d+)\]", lines[0])) == {"1"}  # the abstract's further sentences too cite only it
    assert lines[1].startswith("Explaining grokking through circuit efficiency: Another explains") and "more efficient [2]." in lines[1]
    assert set(re.findall(r"\[(\d+)\]", lines[1])) == {"2"}
    assert len(lines) == len(answer.citations) == 4  # the papers the model left out follow, a line each


def test_an_ask_the_model_leaves_out_is_answered_by_the_abstract_after_its_text(assistant):
    """Two asks, and the model answers the first: the abstract's sentence for the second is added
    after the model's text, cited to the same source; an answer that says both in the abstract's
    words gets neither again."""
    question = "In the Grokking Tickets paper, how are the tickets identified, and can grokking happen without weight decay?"
    answer, _ = ask(assistant, Reply("The tickets are sparse subnetworks identified via magnitude pruning after perfect generalization [1]."),
                    question)
    model_text, added = answer.text.split("\n\nFrom the abstract: ")
    assert model_text.endswith("after perfect generalization [1].") and "without weight decay" in added and added.endswith("[1]")
    assert answer.citations[0].title == TICKETS and len(answer.citations) == 1
    assert "leaves out added in their own words" in answer.note
    assert any(s.supported and "without weight decay" in s.text and s.citations == [1] for s in answer.sentences)
    both, _ = ask(assistant, Reply("We refer to these subnetworks as Grokking tickets, which is identified via magnitude pruning "
                                   "after perfect generalization [1]. In further investigations, we discovered that at an "
                                   "appropriate pruning rate, grokking can be achieved even without weight decay [1]."), question)
    both_text, _, both_added = both.text.partition("\n\nFrom the abstract: ")
    assert both_text.endswith("even without weight decay [1].") and "weight decay" not in both_added and "magnitude pruning" not in both_added
