"""Batch questions: input formats, records, resuming after a kill, failures, output formats.

Tests that need the model path (assistant.llm, from the LLM branch) are skipped until it exists.
"""

import csv
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import FIXTURES, ROOT, run_cli, write_jsonl
from fake_llm import FakeLLM, Reply, quoting_first_source, unreachable_url
from test_cli import assert_one_line_error

from assistant.api import Assistant
from assistant.batch import RECORD_FIELDS, answer_questions, read_questions, run_batch
from assistant.errors import AssistantError

needs_llm = pytest.mark.skipif(importlib.util.find_spec("assistant.llm") is None,
                               reason="the model path (assistant/llm.py) is not merged yet")

CORPUS = FIXTURES / "meta.txt"
ASKED = ["Which benchmark has several tasks?", "What does the gamma method do?", "Which paper is from an organisation?"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """An assistant over the four-paper fixture corpus, index built once for the module."""
    assistant = Assistant(corpus=[CORPUS], index_dir=tmp_path_factory.mktemp("index"))
    assistant.index.sync(progress=False)
    return assistant


@pytest.fixture
def tiny_args(tiny):
    return ("--corpus", CORPUS, "--index-dir", tiny.settings.index_dir, "--quiet")


def questions_file(path, n, **extra):
    return write_jsonl(path, [{"id": f"x{i:03d}", "question": ASKED[i % 3], **extra} for i in range(n)])


def read_records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


# ---- input ------------------------------------------------------------------------------
def test_txt_questions_get_ids_from_their_line_numbers(tmp_path):
    (tmp_path / "q.txt").write_text("First question?\n\n  Second question?  \n")
    questions = read_questions(tmp_path / "q.txt")
    assert [(q.id, q.text, q.line) for q in questions] == [("q0001", "First question?", 1), ("q0003", "Second question?", 3)]


def test_jsonl_keeps_given_ids_and_carries_other_fields(tmp_path):
    write_jsonl(tmp_path / "q.jsonl", [{"id": 7, "question": "A?", "gold": ["T"]}, {"question": "B?"}])
    first, second = read_questions(tmp_path / "q.jsonl")
    assert (first.id, first.extra) == ("7", {"gold": ["T"]})
    assert second.id == "q0002"


def test_csv_reads_the_question_column_and_counts_lines_of_quoted_cells(tmp_path):
    (tmp_path / "q.csv").write_text('topic,question\nml,"What is\ngrokking?"\nir,Which retriever?\n')
    first, second = read_questions(tmp_path / "q.csv")
    assert (first.id, first.text, first.extra) == ("q0002", "What is\ngrokking?", {"topic": "ml"})
    assert (second.id, second.line) == ("q0004", 4)


@pytest.mark.parametrize("name, content, message", [
    ("q.jsonl", "", "q.jsonl: no questions in the file"),
    ("q.txt", "\n  \n", "q.txt: no questions in the file"),
    ("q.jsonl", '{"question": "A?"}\n{"question": "B?"\n', "q.jsonl:2: not valid JSON"),
    ("q.jsonl", '{"question": "A?"}\n["B?"]\n', "q.jsonl:2: expected a JSON object"),
    ("q.jsonl", '{"id": "a", "question": "A?"}\n\n{"id": "a", "question": "B?"}\n', "q.jsonl:3: duplicate id 'a' (first on line 1)"),
    ("q.jsonl", '{"question": "A?"}\n{"text": "B?"}\n', "q.jsonl:2: missing or empty 'question'"),
    ("q.csv", "id,text\n1,What?\n", "q.csv:1: no 'question' column (columns: id, text)"),
    ("q.xlsx", "question\nA?\n", "must be in a .txt, .jsonl or .csv file"),
])
def test_bad_input_is_one_clear_error(tmp_path, name, content, message):
    (tmp_path / name).write_text(content)
    with pytest.raises(AssistantError) as error:
        read_questions(tmp_path / name)
    assert message in str(error.value)


@pytest.mark.parametrize("content, message", [("", "no questions"), ('{"question": "A?"}\nnot json\n', "q.jsonl:2: not valid JSON")])
def test_cli_bad_input_writes_no_output(tmp_path, content, message):
    (tmp_path / "q.jsonl").write_text(content)
    result = run_cli("batch", tmp_path / "q.jsonl", "-o", tmp_path / "out.jsonl", "--index-dir", tmp_path / "ix")
    assert_one_line_error(result, message)
    assert not (tmp_path / "out.jsonl").exists()


def test_cli_output_that_cannot_be_written(tmp_path):
    questions_file(tmp_path / "q.jsonl", 2)
    (tmp_path / "file").write_text("not a folder")
    result = run_cli("batch", tmp_path / "q.jsonl", "-o", tmp_path / "file" / "out.jsonl", "--index-dir", tmp_path / "ix")
    assert_one_line_error(result, "out.jsonl cannot be written")


def test_existing_output_is_not_overwritten_without_asking(tmp_path, tiny):
    questions_file(tmp_path / "q.jsonl", 2)
    (tmp_path / "out.jsonl").write_text("earlier work\n")
    with pytest.raises(AssistantError, match="already exists: pass --resume"):
        run_batch(tiny, tmp_path / "q.jsonl", tmp_path / "out.jsonl", progress=False)
    assert (tmp_path / "out.jsonl").read_text() == "earlier work\n"


# ---- records ----------------------------------------------------------------------------
def assert_complete_record(record):
    assert set(RECORD_FIELDS) <= set(record)
    assert record["status"] in ("answered", "refused") and record["answer"] and record["error"] is None
    assert record["latency"] > 0
    for source in record["citations"]:
        assert set(source) == {"number", "paper_id", "title", "date"}
        assert f"[{source['number']}]" in record["answer"]
    for source in record["uncited"]:
        assert set(source) == {"paper_id", "title", "date"}


def test_jsonl_batch_writes_one_record_per_question(tmp_path, tiny_args):
    questions_file(tmp_path / "q.jsonl", 60, topic="fixture", answer="a gold answer")
    result = run_cli("batch", tmp_path / "q.jsonl", "-o", tmp_path / "out.jsonl", "--workers", 2, *tiny_args)
    assert result.returncode == 0, result.stderr
    assert "60 questions: 60 answered, 0 refused, 0 failed" in result.stdout
    records = read_records(tmp_path / "out.jsonl")
    assert [r["id"] for r in records] == [f"x{i:03d}" for i in range(60)]  # input order
    for record in records:
        assert_complete_record(record)
        assert (record["mode"], record["model"], record["topic"]) == ("extractive", None, "fixture")
        assert record["input_answer"] == "a gold answer" and record["answer"] != "a gold answer"
        assert record["citations"] and record["uncited"]


@needs_llm
def test_jsonl_batch_with_a_model_endpoint(tmp_path, tiny_args):
    questions_file(tmp_path / "q.jsonl", 60)
    with FakeLLM(quoting_first_source) as llm:
        result = run_cli("batch", tmp_path / "q.jsonl", "-o", tmp_path / "out.jsonl", "--workers", 4, *tiny_args,
                         env={"ASSISTANT_LLM_BASE_URL": llm.base_url, "ASSISTANT_LLM_MODEL": "fake-model"})
    assert result.returncode == 0, result.stderr
    records = read_records(tmp_path / "out.jsonl")
    assert len(records) == 60 and len(llm.requests) >= 60
    for record in records:
        assert_complete_record(record)
        assert (record["mode"], record["model"]) == ("model", "fake-model")
        assert record["answer"].endswith("[1].") and len(record["citations"]) == 1  # the model's quote, checked


def test_answer_questions_from_python(tiny):
    records = list(answer_questions(tiny, ["What does the gamma method do?", "Which paper mentions GPT-9?"], workers=2))
    by_id = {r["id"]: r for r in records}
    assert by_id["q0001"]["status"] == "answered" and "Gamma" in by_id["q0001"]["citations"][0]["title"]
    assert by_id["q0002"]["status"] == "refused" and "GPT-9" in by_id["q0002"]["answer"]


def test_threads_give_the_same_answers_as_one(tiny):
    questions = ASKED * 4
    def answers(workers):
        return {r["id"]: (r["answer"], r["citations"], r["uncited"]) for r in answer_questions(tiny, questions, workers=workers)}
    assert answers(4) == answers(1)


# ---- nothing lost -----------------------------------------------------------------------
def test_killed_batch_resumes_without_losing_or_repeating(tmp_path, tiny_args):
    questions_file(tmp_path / "q.jsonl", 200)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "assistant", "batch", tmp_path / "q.jsonl", "-o", out, "--workers", 2, *tiny_args]
    process = subprocess.Popen([str(a) for a in command], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while process.poll() is None and time.monotonic() < deadline:
            if out.exists() and out.read_bytes().count(b"\n") >= 100:
                break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    before = out.read_bytes().count(b"\n")
    assert 100 <= before < 200, "the batch was not killed halfway"
    with out.open("a") as f:  # as if the kill had landed in the middle of a write
        f.write('{"id": "x199", "question": "Which ben')

    result = run_cli("batch", tmp_path / "q.jsonl", "-o", out, "--resume", "--workers", 2, *tiny_args)
    assert result.returncode == 0, result.stderr
    assert f"{before} of them from the earlier run" in result.stdout
    records = read_records(out)
    assert sorted(r["id"] for r in records) == [f"x{i:03d}" for i in range(200)]
    for record in records:
        assert_complete_record(record)


def test_resume_redoes_failed_records_and_drops_a_torn_line(tmp_path, tiny):
    questions_file(tmp_path / "q.jsonl", 3)
    out = tmp_path / "out.jsonl"
    run_batch(tiny, tmp_path / "q.jsonl", out, progress=False)
    first, second, _ = read_records(out)
    failed = second | {"status": "failed", "answer": None, "error": "endpoint down"}
    out.write_text(json.dumps(first) + "\n" + json.dumps(failed) + "\n" + '{"id": "x002", "quest')

    summary = run_batch(tiny, tmp_path / "q.jsonl", out, resume=True, progress=False)
    assert (summary.answered, summary.failed, summary.resumed) == (3, 0, 1)
    records = read_records(out)
    assert [r["id"] for r in records] == ["x000", "x001", "x002"]
    assert records[0] == first and records[1]["status"] == "answered"


def test_resume_refuses_records_of_another_input(tmp_path, tiny):
    questions_file(tmp_path / "q.jsonl", 2)
    write_jsonl(tmp_path / "out.jsonl", [{"id": "x000", "question": "Something else?", "status": "answered"}])
    with pytest.raises(AssistantError, match=r"out.jsonl:1: record 'x000' is not a question of this input"):
        run_batch(tiny, tmp_path / "q.jsonl", tmp_path / "out.jsonl", resume=True, progress=False)


# ---- failures ---------------------------------------------------------------------------
class UnluckyAssistant(Assistant):
    """The real assistant, except that questions saying "unlucky" fail as an endpoint would."""

    def ask(self, question, **options):
        if "unlucky" in question:
            raise AssistantError("model endpoint: HTTP 500")
        return super().ask(question, **options)


def test_a_failing_question_is_recorded_and_the_run_goes_on(tmp_path, tiny):
    unlucky = UnluckyAssistant(tiny.settings)
    (tmp_path / "q.txt").write_text("\n".join(["What does the gamma method do?", "unlucky question", "Which benchmark has several tasks?"]))
    summary = run_batch(unlucky, tmp_path / "q.txt", tmp_path / "out.jsonl", workers=2, progress=False)
    assert (summary.answered, summary.refused, summary.failed) == (2, 0, 1)
    records = {r["id"]: r for r in read_records(tmp_path / "out.jsonl")}
    assert records["q0002"]["status"] == "failed" and records["q0002"]["error"] == "model endpoint: HTTP 500"
    assert records["q0003"]["status"] == "answered"


@needs_llm
def test_endpoint_failures_are_recorded_and_exit_non_zero(tmp_path, tiny_args):
    # the unlucky questions are marked by words the evidence gate ignores, so they reach the model
    questions = [{"id": f"u{i}", "question": ("Tell me: " if i % 4 == 0 else "") + ASKED[i % 3]} for i in range(12)]
    write_jsonl(tmp_path / "q.jsonl", questions)
    def script(body):
        return Reply(status=500) if "Tell me:" in json.dumps(body) else quoting_first_source(body)
    with FakeLLM(script) as llm:
        result = run_cli("batch", tmp_path / "q.jsonl", "-o", tmp_path / "out.jsonl", "--workers", 4, "--no-fallback", *tiny_args,
                         env={"ASSISTANT_LLM_BASE_URL": llm.base_url, "ASSISTANT_LLM_MODEL": "fake-model", "ASSISTANT_LLM_RETRIES": "0"})
    assert result.returncode == 1
    assert "12 questions: 9 answered, 0 refused, 3 failed" in result.stdout
    records = {r["id"]: r for r in read_records(tmp_path / "out.jsonl")}
    for qid, record in records.items():
        if qid in ("u0", "u4", "u8"):
            assert record["status"] == "failed" and record["error"] and record["answer"] is None
        else:
            assert record["status"] == "answered" and record["mode"] == "model"


@needs_llm
def test_endpoint_failures_fall_back_to_extractive_by_default(tmp_path, tiny_args):
    questions_file(tmp_path / "q.jsonl", 3)
    with FakeLLM(Reply(status=503)) as llm:
        result = run_cli("batch", tmp_path / "q.jsonl", "-o", tmp_path / "out.jsonl", *tiny_args,
                         env={"ASSISTANT_LLM_BASE_URL": llm.base_url, "ASSISTANT_LLM_MODEL": "fake-model", "ASSISTANT_LLM_RETRIES": "0"})
    assert result.returncode == 0, result.stderr
    assert "3 answered (3 by extractive fallback)" in result.stdout
    for record in read_records(tmp_path / "out.jsonl"):
        assert record["mode"] == "extractive" and record["note"] and record["fallback"] is True


def test_extractive_mode_asked_for_is_not_a_fallback(tmp_path, tiny):
    """An endpoint is configured, but the run asks for extractive answers: none is a fallback."""
    with_endpoint = tiny.with_settings(llm_base_url=unreachable_url(), llm_model="fake-model")
    (tmp_path / "q.txt").write_text("What does the gamma method do?\n")
    summary = run_batch(with_endpoint, tmp_path / "q.txt", tmp_path / "out.jsonl", progress=False, mode="extractive")
    assert summary.answered == 1
    [record] = read_records(tmp_path / "out.jsonl")
    assert record["mode"] == "extractive" and record["fallback"] is False and record["note"] is None


# ---- other output formats ---------------------------------------------------------------
def test_csv_output_in_input_order_and_safe_for_spreadsheets(tmp_path, tiny):
    write_jsonl(tmp_path / "q.jsonl", [{"question": q} for q in [*ASKED, "=HYPERLINK(1)"]])
    run_batch(tiny, tmp_path / "q.jsonl", tmp_path / "out.csv", workers=2, progress=False)
    rows = list(csv.DictReader((tmp_path / "out.csv").open(newline="")))
    assert [r["id"] for r in rows] == ["q0001", "q0002", "q0003", "q0004"]
    assert rows[1]["citations"].startswith("[1] Gamma Paper With Year (Oct 27, 2024) id:")
    assert rows[3]["question"] == "'=HYPERLINK(1)"


def test_markdown_output_shows_untrusted_text_literally(tmp_path, tiny):
    # markup made of the corpus' own words, so the evidence gate admits the question
    (tmp_path / "q.txt").write_text("What does the gamma method do? <b>gamma</b> ![gamma](method)\n")
    run_batch(tiny, tmp_path / "q.txt", tmp_path / "out.md", progress=False)
    text = (tmp_path / "out.md").read_text()
    assert "<b>" not in text and "![gamma]" not in text
    assert r"\<b\>gamma\</b\>" in text and r"\[1\] Gamma Paper With Year" in text
