"""The UI's pure parts: escaping, citation links, sources cards, export, examples, endpoint check."""

from assistant.corpus import Paper
from assistant.ui import conversation_markdown, endpoint_state, example_questions, render_answer, render_sources, safe
from conftest import free_port

ATTACK = "<img src=x onerror=alert(1)> [evil](javascript:alert(2)) $x$ **b**"


def source(number, title, sentences=()):
    return {"number": number, "paper_id": f"id{number}", "title": title, "date": "Mar 3, 2024", "year": 2024,
            "authors": 1, "upvotes": 2, "score": 0.1, "sentences": list(sentences)}


def answer(text, citations, uncited=()):
    return {"question": "q", "text": text, "citations": citations, "uncited": list(uncited), "mode": "extractive",
            "refused": False, "model": None, "note": None, "latency": 0.0, "standalone_question": None}


def test_untrusted_text_carries_no_markup():
    shown = safe(ATTACK)
    assert not any(c in shown for c in "<>[]()*$`\"'") and "alert" in shown


def test_markers_of_cited_papers_link_to_their_cards_and_others_stay_text():
    html = render_answer(answer(f"Fact {ATTACK} [1]. Other [7].", [source(1, "A <b>Title</b>")]), turn=3)
    assert html.count("<a ") == 1
    assert '<a class="cite" href="#src-3-1" title="&#91;1&#93; A &#60;b&#62;Title&#60;/b&#62; &#40;Mar 3, 2024&#41;">[1]</a>' in html
    assert "&#91;7&#93;" in html and "<img" not in html


def test_sources_panel_cards_for_latest_answer_with_earlier_ones_folded():
    turns = [{"question": "first <q>", "answer": answer("x [1]", [source(1, "Old")])},
             {"question": "second", "answer": answer("y [1]", [source(1, ATTACK, [ATTACK])], [source(2, "Not cited")])}]
    html = render_sources(turns)
    assert html.index('id="src-2-1"') < html.index("<details>") < html.index('id="src-1-1"')
    assert "<mark>" in html and "Retrieved, not cited" in html and "Not cited" in html
    assert "Mar 3, 2024 · 1 author · 2 upvotes" in html
    assert "<img" not in html and "<q>" not in html


def test_export_lists_questions_answers_and_references():
    turns = [{"question": "What is X?", "answer": answer("X is Y [1].", [source(1, "Paper One")], [source(2, "Extra")])}]
    md = conversation_markdown(turns)
    assert "## 1. What is X?" in md and "X is Y [1]." in md
    assert "References:\n\n1. Paper One (Mar 3, 2024), id id1" in md and "Extra" not in md


def test_example_questions_come_from_frequent_title_topics():
    titles = ["Process Reward Learning", "Sparse Process Reward", "Grokking Tickets", "Grokking Tickets Again", "Lottery Tickets"]
    titles += ["Generalization Bounds"] * 4  # a word in most titles names the corpus, not a topic
    assert example_questions([Paper(t, "abstract") for t in titles], n=2) == [
        "Which papers study process reward?", "Which papers study grokking tickets?"]


def test_endpoint_state_reachable_and_unreachable(models_endpoint):
    assert endpoint_state(models_endpoint) == (True, "reachable")
    closed = f"http://127.0.0.1:{free_port()}/v1"
    ok, message = endpoint_state(closed)
    assert not ok and message.startswith("unreachable")
    assert endpoint_state("") == (False, "no model endpoint set: answers are extractive")


def test_sentences_the_sources_do_not_support_are_shown_struck_through_and_escaped():
    data = answer("Fact [1].", [source(1, "A")]) | {"sentences": [
        {"text": "Fact.", "citations": [1], "supported": True, "evidence": "Fact."},
        {"text": f"Made up {ATTACK}.", "citations": [], "supported": False, "evidence": None}]}
    html = render_answer(data, turn=1)
    assert 'class="unsupported">Not supported by the sources' in html
    assert "<s>Made up " in html and "<img" not in html and html.count("<s>") == 1
    assert "unsupported" not in render_answer(answer("Fact [1].", [source(1, "A")]), turn=1)
