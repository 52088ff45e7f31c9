"""`assistant ask` and `assistant doctor` with a model endpoint, configured by flags, environment
or config file, in a real subprocess against the scripted server."""

import re

import pytest

from conftest import FIXTURES, run_cli
from fake_llm import FakeLLM, Reply, unreachable_url

QUESTION = "Which benchmark has several tasks?"


@pytest.fixture(scope="module")
def corpus_args(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("ix")
    args = ("--corpus", FIXTURES / "meta.txt", "--index-dir", index_dir)
    assert run_cli("index", "--quiet", *args).returncode == 0
    return args



@pytest.mark.parametrize("how", ["flags", "environment", "config file"])
def test_ask_uses_the_endpoint_however_it_is_configured(corpus_args, tmp_path, how):
    with FakeLLM(Reply("Delta describes a benchmark with several tasks [1].")) as fake:
        settings = {"llm_base_url": fake.base_url, "llm_model": "my-model", "llm_api_key": "sk-test"}
        flags, env = [], {}
        if how == "flags":
            flags = ["--llm-base-url", fake.base_url, "--llm-model", "my-model", "--llm-api-key", "sk-test"]
        elif how == "environment":
            env = {f"ASSISTANT_{k.upper()}": v for k, v in settings.items()}
        else:
            config = tmp_path / "assistant.toml"
            config.write_text("".join(f'{k} = "{v}"\n' for k, v in settings.items()))
            flags = ["--config", config]
        result = run_cli("ask", *corpus_args, *flags, QUESTION, env=env)
    assert result.returncode == 0, result.stderr
    assert fake.requests and fake.requests[0]["model"] == "my-model"
    assert fake.headers[0]["Authorization"] == "Bearer sk-test"
    assert result.stdout.startswith("Delta describes a benchmark with several tasks [1].\n")
    listed = re.findall(r"^  \[(\d+)\] ", result.stdout, re.M)
    assert listed == ["1"] and "model was not used" not in result.stderr


def test_ask_with_the_endpoint_down_answers_extractively_and_says_why(corpus_args):
    url = unreachable_url()
    result = run_cli("ask", *corpus_args, "--llm-base-url", url, "--llm-model", "m", "--llm-timeout", "3", QUESTION)
    assert result.returncode == 0, result.stderr
    assert "Delta abstract describes a benchmark" in result.stdout and "  [1] Delta Paper Without Year" in result.stdout
    assert f"note: the model was not used (cannot connect to {url}: connection refused)" in result.stderr


def test_doctor_checks_index_and_endpoint(corpus_args):
    with FakeLLM(Reply("ready")) as fake:
        result = run_cli("doctor", *corpus_args, "--llm-base-url", fake.base_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok       index: 4 papers" in result.stdout
    assert "ok       embedding: all-MiniLM-L6-v2/onnx-int8-dynamic embeds text" in result.stdout
    assert "lists 1 model(s): fake-model" in result.stdout and "replied 'ready'" in result.stdout


def test_doctor_says_plainly_what_is_wrong(tmp_path):
    url = unreachable_url()
    result = run_cli("doctor", "--index-dir", tmp_path / "none", "--llm-base-url", url, "--llm-timeout", "2")
    assert result.returncode == 1
    assert f"PROBLEM  index: none at {tmp_path / 'none'}; build it with `assistant index`" in result.stdout
    assert f"PROBLEM  model: cannot connect to {url}: connection refused" in result.stdout
    assert result.stderr.strip() == "error: doctor found 2 problem(s)"


def test_doctor_reports_an_embedding_endpoint_that_is_down(corpus_args):
    url = unreachable_url()
    result = run_cli("doctor", *corpus_args, "--embedding", "openai:e5", "--embed-base-url", url)
    assert result.returncode == 1
    assert f"PROBLEM  embedding: embedding endpoint {url}:" in result.stdout


def test_flags_win_over_environment_which_wins_over_the_config_file(corpus_args, tmp_path):
    config = tmp_path / "assistant.toml"
    config.write_text('llm_model = "from-config"\n')
    with FakeLLM(Reply("Delta has several tasks [1].")) as fake:
        env = {"ASSISTANT_CONFIG": str(config), "ASSISTANT_LLM_BASE_URL": fake.base_url}
        assert run_cli("ask", *corpus_args, QUESTION, env=env).returncode == 0
        assert run_cli("ask", *corpus_args, QUESTION, env=env | {"ASSISTANT_LLM_MODEL": "from-env"}).returncode == 0
        flagged = run_cli("ask", *corpus_args, "--llm-model", "from-flag", QUESTION, env=env | {"ASSISTANT_LLM_MODEL": "from-env"})
        assert flagged.returncode == 0
    assert [r["model"] for r in fake.requests] == ["from-config", "from-env", "from-flag"]


@pytest.mark.parametrize("command", ["ask", "doctor"])
def test_help_lists_the_model_options(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0
    for option in ("--llm-base-url", "--llm-model", "--llm-api-key", "--llm-timeout", "--mode"):
        assert option in result.stdout
