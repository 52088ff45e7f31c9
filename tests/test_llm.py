"""The model path against the scripted OpenAI-compatible server (tests/fake_llm.py): citations,
refusals, every fault, and a chat follow-up. Each test talks real HTTP to 127.0.0.1."""

import dataclasses
import re

import pytest

from assistant.types import Answer
from assistant.api import Assistant, follow_up_fallback
from assistant.errors import AssistantError
from conftest import FIXTURES
from fake_llm import FakeLLM, Reply, unreachable_url

QUESTION = "Which benchmark has several tasks?"
TOP = "Delta Paper Without Year"  # what the fixture corpus ranks first for QUESTION
BOTH = "What do the Gamma method and the Delta benchmark do?"  # both papers pass the gate as sources


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    a = Assistant(index_dir=tmp_path_factory.mktemp("ix"), corpus=[FIXTURES / "meta.txt"])
    a.index.sync(progress=False)
    return a


@pytest.fixture
def ask(assistant):
    """Ask through a FakeLLM running `script`; returns the streamed pieces, the Answer and the requests."""
    base = assistant.settings

    def run(script, question=QUESTION, url=None, **options):
        settings = {"llm_timeout": 10.0} | {k: options.pop(k) for k in list(options) if k.startswith("llm_")}
        with FakeLLM(script) as fake:
            assistant.settings = dataclasses.replace(base, llm_base_url=url or fake.base_url, **settings)
            try:
                events = list(assistant.stream(question, **options))
            finally:
                assistant.settings = base
        pieces, answer = events[:-1], events[-1]
        assert isinstance(answer, Answer) and all(isinstance(p, str) for p in pieces)
        return pieces, answer, fake.requests

    return run


def cited_numbers(text):
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def assert_citations_valid(answer):
    """Every [n] in the text is a listed cited source, and the listed sources are numbered 1..n."""
    assert [s.number for s in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert set(cited_numbers(answer.text)) <= {s.number for s in answer.citations}
    assert not re.search(r"\(\d\)|\u3010|\[Source", answer.text)


ADDED = "1 sentence of the sources that answers what the model's answer leaves out added in their own words"


def said(answer):
    """The model's own text: the abstracts' sentences it left out follow it (api.further_sentences)."""
    return answer.text.split("\n\nFrom the abstract")[0]


def prompt_of(request):
    return request["messages"][-1]["content"]


def test_well_cited_answer_streams_and_lists_its_sources(ask):
    pieces, answer, requests = ask(Reply("Delta describes a benchmark with several tasks [1]."))
    assert answer.mode == "model" and answer.model == "fake-model" and answer.note == ADDED
    assert said(answer) == "Delta describes a benchmark with several tasks [1]."
    assert len(pieces) > 1 and "".join(pieces) == said(answer)
    assert "From the abstract: Delta abstract describes a benchmark with several tasks and enough length" in answer.text
    assert [s.title for s in answer.citations] == [TOP]
    assert answer.citations[0].sentences and "benchmark" in answer.citations[0].sentences[0]
    assert len(answer.uncited) == 3
    prompt = prompt_of(requests[0])
    assert f"[1] {TOP}\n" in prompt and "Question: " + QUESTION in prompt  # title only: a model copies a date into its lines
    assert requests[0]["stream"] is True and requests[0]["model"] == "fake-model"


@pytest.mark.parametrize("variant", ["[{g}]", "[{g}, {d}]", "[{g}][{d}]", "[{g}-{g}]", "({g})", "\u3010{g}\u3011", "[Source {g}]"])
def test_each_citation_variant_is_normalised(ask, variant):
    def script(body):  # cite the Gamma paper by whatever number the prompt gave it
        numbers = {name: re.search(rf"\[(\d)\] {name}", prompt_of(body))[1] for name in ("Gamma", "Delta")}
        return Reply(f"Gamma describes a method that does things {variant.format(g=numbers['Gamma'], d=numbers['Delta'])}.")

    _, answer, requests = ask(script, question=BOTH)
    assert_citations_valid(answer)
    assert "[1] Gamma" not in prompt_of(requests[0])  # so the citation was renumbered
    # Delta's [n] supports nothing: dropped (Delta's own sentence then follows the model's text)
    assert answer.text.split("\n\nFrom the abstract: ")[0] == "Gamma describes a method that does things [1]."
    assert answer.citations[0].title == "Gamma Paper With Year"


def test_out_of_range_ids_are_removed(ask):
    _, answer, _ = ask(Reply("Delta describes a benchmark [9]. It has several tasks [1] [0] [27]."))
    assert said(answer) == "Delta describes a benchmark [1]. It has several tasks [1]."
    assert [s.title for s in answer.citations] == [TOP]


def test_answer_without_citations_gets_them_from_matching_sentences(ask):
    _, answer, _ = ask(Reply("Delta abstract describes a benchmark with several tasks."))
    assert said(answer) == "Delta abstract describes a benchmark with several tasks [1]."
    assert [s.title for s in answer.citations] == [TOP] and "attached" in answer.note


def test_answer_the_sources_do_not_support_falls_back_to_the_extractive_answer(ask):
    _, answer, requests = ask(Reply("Delta describes a benchmark with 40 tasks [1]."))  # no such figure in the abstract
    assert answer.mode == "extractive" and answer.citations[0].title == TOP
    assert "no sentence of the model's answer is supported" in answer.note and len(requests) == 1
    assert [(s.text, s.supported) for s in answer.sentences] == [("Delta describes a benchmark with 40 tasks.", False)]


def test_an_answer_from_the_models_own_knowledge_falls_back_to_the_extractive_answer(ask):
    """The gate admitted the sources; the model's not using them is the model's failure, not a
    sign that the corpus lacks the answer."""
    _, answer, requests = ask(Reply("Bananas grow in warm places and need a lot of water [1]."))
    assert not answer.refused and answer.mode == "extractive" and answer.citations[0].title == TOP
    assert "own knowledge" in answer.note and "this is the extractive answer" in answer.note and len(requests) == 1
    assert [(s.text, s.supported) for s in answer.sentences] == [("Bananas grow in warm places and need a lot of water.", False)]


def test_an_unsupported_sentence_is_left_out_and_listed_as_unsupported(ask):
    _, answer, _ = ask(Reply("Delta describes a benchmark with several tasks [1]. "
                             "It was released by Google in 2019 with 40 languages [1]."))
    assert answer.mode == "model" and said(answer) == "Delta describes a benchmark with several tasks [1]."
    first, second, *added = answer.sentences  # the abstract's sentence the model left out follows
    assert [s.supported for s in added] == [True] and first.supported and first.citations == [1] and "several tasks" in first.evidence
    assert not second.supported and second.citations == [] and second.evidence is None
    assert "left out" in answer.note
    assert answer.to_dict()["sentences"][1] == {"text": second.text, "citations": [], "supported": False, "evidence": None}


def test_a_hallucination_cited_to_an_unrelated_abstract_is_never_shown_as_supported(ask):
    _, answer, _ = ask(Reply("Gamma won the 2019 Turing award for protein folding [2]."))
    assert "Turing" not in answer.text and answer.mode == "extractive"  # the abstracts' own sentences instead
    assert [(s.text, s.supported) for s in answer.sentences] == [("Gamma won the 2019 Turing award for protein folding.", False)]


def test_a_sentence_cited_to_the_wrong_source_is_recited_to_the_one_that_supports_it(ask):
    def script(body):  # a sentence about Delta, cited with the Gamma paper's number
        gamma = re.search(r"\[(\d)\] Gamma", prompt_of(body))[1]
        return Reply(f"Delta describes a benchmark with several tasks [{gamma}].")

    _, answer, _ = ask(script, question=BOTH)
    assert said(answer) == "Delta describes a benchmark with several tasks [1]."
    assert [s.title for s in answer.citations] == [TOP] and "re-cited" in answer.note


DEGENERATE = [
    ("empty", Reply(fault="empty"), "was empty"),
    ("markers only", Reply("[1]"), "only citation markers"),
    ("markers joined by words", Reply("[1] and [2][3]"), "only citation markers"),
    ("question echoed", Reply(QUESTION + " [1]"), "only repeated the question"),
    ("example copied", Reply("Process Reward Models (PRMs) score every intermediate reasoning step [2]."), "copied the prompt's example"),
    ("repetition loop", Reply("Delta has several tasks [1]. " * 12), "repeated itself in a loop"),
    ("cut off", Reply("Delta describes a benchmark that has several tasks and", finish="length"), "cut off"),
]


@pytest.mark.parametrize("reply, problem", [d[1:] for d in DEGENERATE], ids=[d[0] for d in DEGENERATE])
def test_a_degenerate_reply_gets_one_corrective_retry_then_the_extractive_answer(ask, reply, problem):
    _, answer, requests = ask(reply, mode="model")  # even when the model was asked for explicitly
    assert len(requests) == 2
    correction = requests[1]["messages"][-1]
    assert correction["role"] == "user" and problem in correction["content"]
    assert requests[1]["messages"][-2]["role"] == "assistant"
    assert answer.mode == "extractive" and answer.citations[0].title == TOP
    assert problem in answer.reply_problem and problem in answer.note
    assert_citations_valid(answer)


def test_a_reply_cut_short_in_a_loop_is_closed_at_once_not_left_to_the_garbage_collector(ask):
    """openai's Stream keeps itself alive in a reference cycle: left to the garbage collector, its
    HTTP response closes at some later allocation, possibly inside httpcore's pool lock during the
    next request, which then deadlocks (encode/httpcore#990). With the collector off, no stream
    of the answer may be left open."""
    import gc

    import openai

    gc.disable()
    try:
        gc.collect()
        _, answer, requests = ask(Reply("Delta has several tasks [1]. " * 12))
        assert len(requests) == 2 and "repeated itself in a loop" in answer.note
        assert not [o for o in gc.get_objects() if isinstance(o, openai.Stream)]
    finally:
        gc.enable()


def test_a_degenerate_reply_whose_retry_answers_gives_the_model_answer(ask):
    _, answer, requests = ask([Reply("[1] and [2][3]"), Reply("Delta describes a benchmark with several tasks [1].")])
    assert len(requests) == 2 and answer.mode == "model" and answer.reply_problem is None
    assert said(answer) == "Delta describes a benchmark with several tasks [1]."


def test_a_sentence_that_only_restates_the_question_is_left_out(ask):
    _, answer, requests = ask(Reply("Delta describes a benchmark with several tasks [1]. The benchmark has several tasks [1]."))
    assert len(requests) == 1 and answer.mode == "model"
    assert said(answer) == "Delta describes a benchmark with several tasks [1]."
    assert "1 sentence that only restated the question left out" in answer.note
    assert [s.supported for s in answer.sentences] == [True, False, True]  # the last one the abstract's, added


def test_a_reply_cut_off_after_complete_sentences_keeps_them(ask):
    _, answer, requests = ask(Reply("Delta describes a benchmark with several tasks [1]. It also", finish="length"))
    assert len(requests) == 1 and answer.mode == "model"
    assert said(answer) == "Delta describes a benchmark with several tasks [1]."


def test_the_prompt_puts_rules_in_the_system_message_and_sources_with_the_question_in_the_user_message(ask):
    _, _, requests = ask(Reply("Delta describes a benchmark with several tasks [1]."))
    system, user = requests[0]["messages"]
    assert system["role"] == "system" and "Example" in system["content"]
    assert user["role"] == "user" and f"[1] {TOP}" in user["content"] and QUESTION in user["content"]
    assert "Sources" not in system["content"] and "own knowledge" in system["content"]


def test_a_model_refusal_of_sources_the_gate_admitted_gives_the_extractive_answer(ask, monkeypatch):
    monkeypatch.setattr("assistant.api.MODEL_REFUSAL_MARGIN", -10.0)  # the gate as sure as can be
    _, answer, requests = ask(Reply("I cannot answer this from the provided sources."))
    assert len(requests) == 1 and not answer.refused and answer.mode == "extractive"
    assert answer.citations[0].title == TOP and "the model said the sources do not answer" in answer.note
    assert answer.reply_problem is None  # a refusal is not a degenerate reply


def test_a_model_refusal_of_sources_the_gate_only_just_admitted_stands(ask, assistant, monkeypatch):
    evidence = assistant.gate(QUESTION, assistant.retrieve(QUESTION))
    assert evidence.reason is None and evidence.margin > 0
    monkeypatch.setattr("assistant.api.MODEL_REFUSAL_MARGIN", evidence.margin + 0.01)  # passed by less than the margin
    _, answer, requests = ask(Reply("I cannot answer this from the provided sources."))
    assert len(requests) == 1 and answer.refused and answer.model and not answer.citations
    assert answer.text.startswith("The corpus does not cover this question") and "the model said" in answer.note


def test_a_model_refusal_of_a_list_whose_name_a_paper_writes_gives_the_extractive_answer(ask, monkeypatch):
    # The gate's doubt does not count when a paper writes the name the list asks for (blind 22, b22-23).
    monkeypatch.setattr("assistant.api.MODEL_REFUSAL_MARGIN", 10.0)  # every admission "only just"
    _, answer, _ = ask(Reply("I cannot answer this from the provided sources."), question="Which papers study the Delta benchmark?")
    assert not answer.refused and answer.mode == "extractive" and answer.citations[0].title == TOP
    assert "the model said the sources do not answer" in answer.note
    # A question that names nothing the list asks for: the two doubts agree, and the refusal stands.
    _, answer, _ = ask(Reply("I cannot answer this from the provided sources."))
    assert answer.refused


def test_nothing_relevant_is_refused_without_calling_the_model(ask):
    _, answer, requests = ask(Reply("should not be asked [1]"), question="How does Chinchilla scale?")
    assert answer.refused and "Chinchilla" in answer.text
    assert requests == []



@pytest.mark.parametrize("fault, script, reason, attempts", [
    ("connection refused", Reply(), "connection refused", 0),
    ("dns failure", Reply(), "host not found", 0),
    ("timeout", Reply(delay=5), "timeout", 1),
    ("http 4xx", Reply(status=400), "HTTP 400", 1),
    ("http 5xx", Reply(status=503), "HTTP 503", 3),
    ("malformed reply", Reply(fault="malformed"), "malformed", 1),
    ("stream cut halfway", Reply("Delta has several tasks and the stream stops right here [1].", fault="cut"), "cut off", 1),
    ("connection lost halfway", Reply("Delta has several tasks and the stream stops right here [1].", fault="drop"), "cut off", 1),
])
def test_each_fault_falls_back_to_the_extractive_answer_with_a_note(ask, fault, script, reason, attempts):
    url = {"connection refused": unreachable_url(), "dns failure": "http://no-such-host.invalid/v1"}.get(fault)
    pieces, answer, requests = ask(script, url=url, llm_model="m", llm_timeout=2.0)
    assert answer.mode == "extractive" and answer.citations and answer.citations[0].title == TOP
    assert answer.note.startswith("the model was not used") and reason in answer.note
    assert len(requests) == attempts  # retried only where retrying can help
    assert_citations_valid(answer)
    if "halfway" in fault:
        assert "".join(pieces).startswith("Delta has")  # the draft was shown; the Answer replaces it
    else:
        assert "".join(pieces) == answer.text


def test_a_model_trickling_tokens_is_stopped_at_the_timeout(ask):
    _, answer, _ = ask(Reply("Delta has several tasks. " * 20, chunk_delay=0.2), llm_timeout=1.5)
    assert answer.mode == "extractive" and "timeout" in answer.note


def test_a_server_error_is_retried_and_the_retry_used(ask):
    _, answer, requests = ask([Reply(status=502), Reply("Delta has several tasks [1].")])
    assert answer.mode == "model" and len(requests) == 2 and answer.note == ADDED


def test_mode_model_reports_the_failure_instead_of_falling_back(ask):
    with pytest.raises(AssistantError, match="the model could not be used: .*HTTP 400"):
        ask(Reply(status=400), mode="model")


def test_without_a_model_name_the_first_listed_model_is_used(assistant):
    base = assistant.settings
    with FakeLLM(Reply("Delta has several tasks [1].")) as fake:
        fake.models = ["first-model", "second-model"]
        assistant.settings = dataclasses.replace(base, llm_base_url=fake.base_url)
        try:
            answer = assistant.ask(QUESTION)
        finally:
            assistant.settings = base
    assert answer.model == "first-model" and fake.requests[0]["model"] == "first-model"


def test_the_query_engine_works_as_a_plain_llama_index_engine(assistant):
    from assistant.llm import CitedAnswerEngine, Endpoint, PaperRetriever

    with FakeLLM(Reply("Delta has several tasks [1].")) as fake:
        settings = dataclasses.replace(assistant.settings, llm_base_url=fake.base_url)
        engine = CitedAnswerEngine(retriever=PaperRetriever(assistant.retrieve), endpoint=Endpoint(settings), context_tokens=1000)
        response = engine.query(QUESTION)
        assert "".join(response.response_gen) == "Delta has several tasks [1]."
    assert response.source_nodes[0].node.metadata == {"title": TOP, "date": "Sep 11"}


def test_follow_up_is_rewritten_by_the_model_before_retrieval(ask):
    def script(body):
        if prompt_of(body).startswith("Rewrite"):
            return Reply(QUESTION)
        return Reply("Delta describes a benchmark with several tasks [1].")

    history = [("Tell me about the Delta paper.", "It describes a benchmark [1].")]
    _, answer, requests = ask(script, question="How many tasks does it have?", history=history)
    rewrite, answering = map(prompt_of, requests)
    assert "User: Tell me about the Delta paper." in rewrite and "Last question: How many tasks does it have?" in rewrite
    assert answer.standalone_question == QUESTION and answer.question == "How many tasks does it have?"
    assert "Question: " + QUESTION in answering  # the retrieval and the answer used the rewrite
    assert f"[1] {TOP}" in answering and [s.title for s in answer.citations] == [TOP]


def test_follow_up_without_a_model_carries_over_the_previous_terms():
    history = [("Which papers study grokking in transformers?", "...")]
    assert follow_up_fallback("What data do they use?", history) == "What data do they use? (grokking transformers)"
    standalone = "Which optimisers make grokking happen sooner in small transformers?"
    assert follow_up_fallback(standalone, history) == standalone


def test_follow_up_with_the_model_failing_falls_back_to_carrying_over_terms(ask):
    history = [("Which benchmark has several tasks?", "Delta [1].")]
    _, answer, requests = ask(Reply(status=400), question="Who made it?", history=history)
    assert len(requests) == 1  # the failed rewrite; the answer does not ask again
    assert answer.standalone_question == "Who made it? (benchmark several tasks)"
    assert answer.mode == "extractive" and "HTTP 400" in answer.note


def test_extractive_answers_do_not_import_llama_index(assistant):
    import subprocess
    import sys

    code = (
        "import sys; from assistant.api import Assistant; "
        f"a = Assistant(index_dir={str(assistant.settings.index_dir)!r}, corpus=[{str(FIXTURES / 'meta.txt')!r}]); "
        f"assert a.ask({QUESTION!r}).citations; print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'llama_index', 'openai'}}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"  # importing them costs about 2 s of start-up
