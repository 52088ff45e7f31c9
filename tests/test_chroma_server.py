"""Scale-out: indexing and querying through a real `chroma run` server."""

import sys
from pathlib import Path

import pytest

from assistant.api import Assistant
from conftest import free_port, running_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    port, tmp = free_port(), tmp_path_factory.mktemp("chroma")
    command = [Path(sys.executable).parent / "chroma", "run", "--path", tmp / "data", "--host", "127.0.0.1", "--port", port]
    url = f"http://127.0.0.1:{port}"
    with running_server(command, f"{url}/api/v2/heartbeat", tmp / "server.log", timeout=60):
        yield url


@pytest.fixture(scope="module")
def on_server(chroma_url, tmp_path_factory):
    """The shipped corpus indexed through the server; only manifest, papers.sqlite and BM25 are local."""
    assistant = Assistant(index_dir=tmp_path_factory.mktemp("server-index"), chroma_url=chroma_url)
    report = assistant.index.sync(progress=False)
    assert report.embedded == report.papers
    assert not (assistant.index.dir / "chroma").exists()
    return assistant


def test_server_gives_the_same_answers_as_the_embedded_store(on_server, shipped_index, dev_questions):
    for q in dev_questions:
        local, remote = shipped_index.ask(q["question"]), on_server.ask(q["question"])
        assert remote.text == local.text, q["id"]
        assert [c.paper_id for c in remote.citations] == [c.paper_id for c in local.citations], q["id"]


def test_second_instance_sharing_the_server_embeds_nothing(on_server, chroma_url, tmp_path):
    second = Assistant(index_dir=tmp_path / "index", chroma_url=chroma_url)
    report = second.index.sync(progress=False)
    assert (report.embedded, report.reused, report.chunks_written) == (0, report.papers, 0)
    question = "Which papers study grokking?"
    assert [h.paper.id for h in second.retrieve(question)] == [h.paper.id for h in on_server.retrieve(question)]


def test_unreachable_server_is_one_clear_error(tmp_path):
    from assistant.errors import AssistantError

    assistant = Assistant(index_dir=tmp_path / "index", chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(AssistantError, match=r"Chroma store at http://127\.0\.0\.1:\d+ cannot be used"):
        assistant.index.sync(progress=False)


def test_instance_with_other_chunking_is_refused_by_the_shared_collection(on_server, chroma_url, tmp_path):
    from assistant.errors import AssistantError

    other = Assistant(index_dir=tmp_path / "index", chroma_url=chroma_url, chunk_tokens=150)
    with pytest.raises(AssistantError, match="collection 'papers' holds vectors built with"):
        other.index.sync(progress=False)
