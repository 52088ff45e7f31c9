import json
import re

import pytest

from assistant.api import Assistant
from assistant.errors import AssistantError
from conftest import write_jsonl

PAPERS = [
    {"title": "Grokking in Small Transformers", "abstract": "We study grokking, where validation accuracy jumps long after training accuracy saturates. Weight decay drives it.", "year": 2022},
    {"title": "Retrieval Augmented Readers", "abstract": "A reader conditioned on retrieved passages answers open-domain questions. Corpus-invariant tuning limits memorisation.", "year": 2024},
    {"title": "Brain Signals and Deep Nets", "abstract": "We decode MEG recordings of human brain activity with deep networks trained on many subjects.", "year": 2023},
]


@pytest.fixture
def small(tmp_path):
    corpus = write_jsonl(tmp_path / "papers.jsonl", PAPERS)
    return Assistant(corpus=[corpus], index_dir=tmp_path / "index"), corpus


def test_unchanged_corpus_embeds_nothing(small):
    assistant, _ = small
    assert assistant.index.sync(progress=False).embedded == 3
    again = assistant.index.sync(progress=False)
    assert (again.embedded, again.reused, again.removed) == (0, 3, 0)


def test_edited_paper_is_the_only_one_re_embedded_and_removed_paper_is_deleted(small):
    assistant, corpus = small
    assistant.index.sync(progress=False)
    edited = [dict(PAPERS[0], abstract=PAPERS[0]["abstract"] + " New sentence."), PAPERS[1]]
    write_jsonl(corpus, edited)
    report = assistant.index.sync(progress=False)
    assert (report.embedded, report.reused, report.removed) == (1, 1, 1)
    stored = assistant.index.collection.get(include=["metadatas", "documents"])
    assert {m["paper_id"] for m in stored["metadatas"]} == set(assistant.index.papers)
    assert any("New sentence." in d for d in stored["documents"])


def test_interrupted_build_resumes_without_re_embedding_stored_papers(small):
    assistant, _ = small
    assistant.index.sync(progress=False)
    (assistant.index.dir / "manifest.json").unlink()  # as if killed before the manifest was written
    (assistant.index.dir / "papers.json").unlink()
    report = assistant.index.sync(progress=False)
    assert (report.embedded, report.reused) == (0, 3)
    assert len(assistant.index.papers) == 3


def test_index_built_with_another_embedding_is_refused(small, tmp_path):
    assistant, corpus = small
    assistant.index.sync(progress=False)
    other = Assistant(corpus=[corpus], index_dir=tmp_path / "index", embedding="minilm")
    with pytest.raises(AssistantError, match="built with embedding 'all-MiniLM-L6-v2/onnx-int8-dynamic'.*--rebuild"):
        other.ask("grokking")


def test_chunks_fit_the_embedding_model_and_carry_the_title():
    from assistant.corpus import Paper
    from assistant.embeddings import Tokenizer
    from assistant.index import chunk_paper

    long = Paper("A Long Paper", " ".join(f"Sentence number {i} says something about models and data." for i in range(80)))
    tokenizer = Tokenizer()
    chunks = chunk_paper(long, tokenizer, 256)
    assert len(chunks) > 3
    sizes = [tokenizer.count(c.text) + 2 for c in chunks]  # + [CLS] and [SEP]
    assert all(c.text.startswith("A Long Paper\n") for c in chunks) and max(sizes) <= 256
    assert min(sizes) > 0.6 * max(sizes)  # evenly sized: no short leftover chunk
    body = " ".join(c.text.split("\n", 1)[1] for c in chunks)
    assert [int(n) for n in re.findall(r"Sentence number (\d+) ", body)] == list(range(80))  # each once, in order


def test_year_filter_restricts_retrieval(small):
    assistant, _ = small
    hits = assistant.retrieve("deep networks and models", k=5, years="2024")
    assert [h.paper.title for h in hits] == ["Retrieval Augmented Readers"]


def test_corpus_vocabulary_is_written_with_the_index(small):
    """The no-answer rule's word list is stored at index time, not rebuilt at every start."""
    assistant, _ = small
    assistant.index.sync(progress=False)
    stored = json.loads((assistant.index.dir / "vocabulary.json").read_text())
    assert {"grokking", "meg", "corpusinvariant", "invariant"} <= set(stored)
    assert assistant.ask("What does the Chinchilla paper recommend?").refused
