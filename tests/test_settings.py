"""Settings arrive with their types, from the environment and from the config file alike; a value
that is not of its type is refused with the place it came from."""

from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import AssistantError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("PROGRESS", "CORPUS", "TOP_K", "LLM_TIMEOUT", "LLM_MODEL", "CONFIG"):
        monkeypatch.delenv(f"ASSISTANT_{name}", raising=False)


def config(tmp_path, text: str) -> Path:
    path = tmp_path / "assistant.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("raw,expected", [("false", False), ("0", False), ("no", False), ("off", False), ("true", True), ("1", True)])
def test_boolean_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("ASSISTANT_PROGRESS", raw)
    assert load_settings().progress is expected


def test_boolean_from_the_config_file(tmp_path):
    assert load_settings(config(tmp_path, "progress = false")).progress is False
    assert load_settings(config(tmp_path, 'progress = "false"')).progress is False


def test_list_from_the_environment_is_split_like_path(monkeypatch):
    monkeypatch.setenv("ASSISTANT_CORPUS", "one.jsonl:~/two")
    assert load_settings().corpus == [Path("one.jsonl"), Path("~/two").expanduser()]


def test_list_from_the_config_file(tmp_path):
    assert load_settings(config(tmp_path, 'corpus = ["a.txt", "b.csv"]')).corpus == [Path("a.txt"), Path("b.csv")]


def test_numbers_from_the_environment(monkeypatch):
    monkeypatch.setenv("ASSISTANT_TOP_K", "7")
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "2.5")
    settings = load_settings()
    assert settings.top_k == 7 and settings.llm_timeout == 2.5


@pytest.mark.parametrize("env,file,says", [
    ({"ASSISTANT_PROGRESS": "maybe"}, "", "environment ASSISTANT_PROGRESS: progress has an invalid value 'maybe'"),
    ({}, 'top_k = "five"', "top_k has an invalid value 'five' (input should be a valid integer"),
    ({}, "top_k = 2.5", "top_k has an invalid value 2.5"),
    ({}, "llm_model = 5", "llm_model has an invalid value 5 (input should be a valid string)"),
    ({}, 'corpus = [1, 2]', "corpus has an invalid value [1, 2]"),
    ({}, "progress = 3", "progress has an invalid value 3"),
])
def test_values_of_the_wrong_type_are_refused_with_their_source(tmp_path, monkeypatch, env, file, says):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = config(tmp_path, file)
    with pytest.raises(AssistantError, match="^" + ("environment" if env else f"config file {path}")) as raised:
        load_settings(path)
    assert says in str(raised.value) and "\n" not in str(raised.value)
