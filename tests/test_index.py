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
    stored = assistant.index.collection.get(include=["metadatas"])
    assert {m["paper_id"] for m in stored["metadatas"]} == set(assistant.index.papers)
    new_version = next(p for p in assistant.index.papers.values() if p.title == PAPERS[0]["title"])
    assert "New sentence." in new_version.abstract
    assert {m["content_hash"] for m in stored["metadatas"] if m["paper_id"] == new_version.id} == {new_version.content_hash}


def test_interrupted_build_resumes_without_re_embedding_stored_papers(small, monkeypatch):
    import assistant.index as index_module

    assistant, _ = small
    monkeypatch.setattr(index_module, "STEP", 1)
    monkeypatch.setattr(index_module, "COMMIT", 1)  # every paper committed on its own
    embed, calls = assistant.index.embedder.embed, []

    def embed_then_interrupt(texts):
        calls.append(texts)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second paper is embedded
        return embed(texts)

    monkeypatch.setattr(assistant.index.embedder, "embed", embed_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        assistant.index.sync(progress=False)
    assert not assistant.index.exists()  # an unfinished first build is not used as an index
    assert len(assistant.index.papers) == 1  # the first paper was committed
    monkeypatch.setattr(assistant.index.embedder, "embed", embed)
    report = assistant.index.sync(progress=False)
    assert (report.embedded, report.reused) == (2, 1)
    assert assistant.index.exists() and len(assistant.index.papers) == 3
    assert sorted(assistant.index.lexical.stored()) == sorted(assistant.index.papers)
    assert [h.paper.title for h in assistant.retrieve("MEG recordings of brain activity", k=1)] == ["Brain Signals and Deep Nets"]


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


def test_corpus_vocabulary_is_written_with_the_index_and_follows_edits(small):
    """The no-answer rule's word list is stored at index time, not rebuilt at every start,
    and a word leaves it with the last paper that used it."""
    assistant, corpus = small
    assistant.index.sync(progress=False)
    stored = Assistant(corpus=[corpus], index_dir=assistant.index.dir).index.vocabulary
    assert {"grokking", "meg", "corpusinvariant", "invariant"} <= stored
    assert assistant.ask("What does the Chinchilla paper recommend?").refused
    write_jsonl(corpus, PAPERS[1:] + [dict(PAPERS[0], title="Chinchilla Scaling", abstract="Chinchilla trades parameters for tokens at fixed compute.")])
    assistant.index.sync(progress=False)
    words = assistant.index.vocabulary
    assert "chinchilla" in words and "grokking" not in words and "meg" in words


def test_chunking_many_papers_at_once_gives_the_same_chunks():
    from pathlib import Path

    from assistant.corpus import load_corpus
    from assistant.embeddings import Tokenizer
    from assistant.index import chunk_paper, chunk_papers

    papers = load_corpus([Path(__file__).resolve().parent.parent / "corpus"]).papers
    tokenizer = Tokenizer()
    one_by_one = [(p.id, c) for p in papers for c in chunk_paper(p, tokenizer, 200)]
    assert [(p.id, c) for p, c in chunk_papers(papers, tokenizer, 200)] == one_by_one
    assert len(one_by_one) > len(papers)  # some papers need several chunks at 200 tokens


def test_a_sync_parses_only_the_corpus_lines_that_changed_and_merges_repeats_as_before(small, monkeypatch):
    from assistant import scan
    from assistant.corpus import load_corpus

    assistant, corpus = small
    repeat = {"title": PAPERS[1]["title"], "abstract": PAPERS[1]["abstract"], "upvotes": 7}  # a second copy adds metadata
    write_jsonl(corpus, PAPERS + [repeat])
    assistant.index.sync(progress=False)
    parsed = []
    parse = scan.jsonl_paper
    monkeypatch.setattr(scan, "jsonl_paper", lambda line, name, n: parsed.append(n) or parse(line, name, n))
    edited = dict(PAPERS[2], abstract=PAPERS[2]["abstract"] + " Edited.")
    write_jsonl(corpus, [PAPERS[0], PAPERS[1], edited, repeat])
    report = assistant.index.sync(progress=False)
    assert (report.embedded, report.reused, report.removed) == (1, 2, 0)
    # the edited line and both copies of the repeated paper, not line 1; each line is parsed once
    # to find its paper and once more when it is embedded or merged
    assert parsed[:3] == [2, 3, 4] and sorted(parsed[3:]) == [2, 3, 4]
    expected = {p.id: p.record() for p in load_corpus([corpus]).papers}
    assert {pid: p.record() for pid, p in assistant.index.papers.items()} == expected
    assert expected[load_corpus([corpus]).papers[1].id]["upvotes"] == 7


def many_papers(n: int) -> list[dict]:
    words = "grokking retrieval decoding memory attention sparse tokens planning".split()
    return [{"title": f"Study {i} of {words[i % 8]}", "abstract": f"Paper {i} measures {words[i % 8]} and {words[(i * 3) % 8]} at scale {i}."}
            for i in range(n)]


def test_a_first_sync_holds_no_more_papers_than_a_commit_batch(tmp_path, monkeypatch):
    """The corpus is read twice, and papers are parsed again as they are embedded, so a
    sync's memory does not grow with the corpus."""
    import gc

    import assistant.index as index_module
    from assistant.corpus import Paper

    monkeypatch.setattr(index_module, "STEP", 10)
    monkeypatch.setattr(index_module, "COMMIT", 30)
    corpus = write_jsonl(tmp_path / "papers.jsonl", many_papers(200))
    assistant = Assistant(corpus=[corpus], index_dir=tmp_path / "index")
    embed, alive = assistant.index.embedder.embed, []

    def embed_and_count(texts):
        alive.append(sum(isinstance(o, Paper) for o in gc.get_objects()))
        return embed(texts)

    monkeypatch.setattr(assistant.index.embedder, "embed", embed_and_count)
    assert assistant.index.sync(progress=False).embedded == 200
    assert alive and max(alive) <= 30 + 10  # a commit batch pending and the batch being embedded
    assert len(assistant.index.papers) == 200


def test_the_second_pass_gives_the_papers_load_corpus_gives(tmp_path):
    """Text dumps, CSV and JSONL, with a paper repeated across formats, read back through the
    scan's second pass equal load_corpus's papers, merged the same way."""
    from pathlib import Path

    from assistant.corpus import load_corpus
    from assistant.scan import scan_corpus

    folder = tmp_path / "corpus"
    folder.mkdir()
    dump = Path(__file__).resolve().parent.parent / "corpus"
    first_dump = sorted(dump.glob("*.txt"))[0]
    (folder / first_dump.name).write_text(first_dump.read_text())
    shared = load_corpus([folder / first_dump.name]).papers[0]
    (folder / "extra.csv").write_text(f'title,abstract,upvotes\n"{shared.title}","{shared.abstract}",99\n"CSV Only Paper","A paper that only the CSV file holds, with a long enough abstract."\n')
    write_jsonl(folder / "z.jsonl", [{"title": shared.title, "abstract": shared.abstract, "authors": 4}] + many_papers(3))
    scan = scan_corpus([folder], lambda name: {}, {})
    assert not hasattr(scan, "papers") and list(scan.merged) == [shared.id]  # only the repeated paper is held
    expected = {p.id: p.record() for p in load_corpus([folder]).papers}
    assert {p.id: p.record() for p in scan.read(set(scan.fresh()))} == expected
    assert (expected[shared.id]["upvotes"], expected[shared.id]["authors"]) == (99, 4)


def test_a_corpus_file_changed_during_the_sync_is_one_line_error(small):
    from assistant.scan import scan_corpus

    _, corpus = small
    scan = scan_corpus([corpus], lambda name: {}, {})
    write_jsonl(corpus, [dict(PAPERS[0], abstract="Rewritten while the sync ran, so the line no longer matches.")] + PAPERS[1:])
    with pytest.raises(AssistantError, match=r"papers.jsonl: changed during the sync; run the sync again"):
        list(scan.read(set(scan.fresh())))
