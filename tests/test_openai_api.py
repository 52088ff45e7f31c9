"""The OpenAI-compatible API, end to end: the real `assistant api` server process on the shipped
corpus, asked by the real openai client, streaming included."""

import re

import openai
import pytest

from conftest import api_process

KEY = "test-key"
QUESTION = "Which papers study grokking?"


@pytest.fixture(scope="module")
def api(shipped_index, tmp_path_factory):
    with api_process(shipped_index.settings.index_dir, tmp_path_factory.mktemp("api") / "api.log", "--api-key", KEY) as url:
        yield url


@pytest.fixture(scope="module")
def client(api):
    return openai.OpenAI(base_url=api, api_key=KEY, max_retries=0)


def cited_numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_models_lists_the_corpus(client):
    assert [m.id for m in client.models.list()] == ["papers"]


def test_answer_carries_markers_and_cited_papers(client):
    response = client.chat.completions.create(model="papers", messages=[{"role": "user", "content": QUESTION}])
    text = response.choices[0].message.content
    citations = response.model_extra["citations"]
    assert cited_numbers(text) == {c["number"] for c in citations} != set()
    assert any("grokking" in c["title"].lower() for c in citations)
    assert response.model_extra["refused"] is False


def test_stream_gives_the_same_answer_and_citations_at_the_end(client):
    plain = client.chat.completions.create(model="papers", messages=[{"role": "user", "content": QUESTION}])
    chunks = list(client.chat.completions.create(model="papers", messages=[{"role": "user", "content": QUESTION}], stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == plain.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"] == plain.model_extra["citations"]


def test_follow_up_uses_the_conversation(client):
    first = client.chat.completions.create(model="papers", messages=[{"role": "user", "content": QUESTION}])
    follow_up = [{"role": "user", "content": QUESTION},
                 {"role": "assistant", "content": first.choices[0].message.content},
                 {"role": "user", "content": "What do they explain it with?"}]
    answer = client.chat.completions.create(model="papers", messages=follow_up)
    assert any("grokking" in c["title"].lower() for c in answer.model_extra["citations"])


def test_year_filter_as_an_extra_body_field(client):
    response = client.chat.completions.create(model="papers", messages=[{"role": "user", "content": QUESTION}],
                                              extra_body={"years": "2023", "k": 3})
    papers = response.model_extra["citations"] + response.model_extra["uncited"]
    assert 0 < len(papers) <= 3 and {p["year"] for p in papers} == {2023}


def test_key_is_required_when_set(api):
    with pytest.raises(openai.AuthenticationError, match="missing or wrong API key"):
        openai.OpenAI(base_url=api, api_key="wrong", max_retries=0).models.list()


def test_model_answer_streams_in_pieces_with_citations_checked(shipped_index, tmp_path):
    """Behind the API, a model (the scripted stand-in) writes the answer in 8-character pieces:
    they reach the client as they come, and an out-of-range [77] is dropped by the citation check."""
    from fake_llm import FakeLLM, Reply

    with FakeLLM(Reply("Grokking is generalisation long after memorisation [1] [77].", chunk_delay=0.02)) as llm, \
            api_process(shipped_index.settings.index_dir, tmp_path / "api.log", "--llm-base-url", llm.base_url) as url:
        client = openai.OpenAI(base_url=url, api_key="-", max_retries=0)
        chunks = list(client.chat.completions.create(model="papers", messages=[{"role": "user", "content": QUESTION}], stream=True))
    pieces = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    text = "".join(pieces)
    assert len(pieces) > 3 and "[1]" in text and "[77]" not in text
    # A list answer also names, after the model's line, the other grokking papers it left out.
    numbers = [c["number"] for c in chunks[-1].model_extra["citations"]]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 1
