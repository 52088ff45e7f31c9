import pytest

from assistant.corpus import load_corpus, parse_dump
from assistant.errors import AssistantError
from conftest import FIXTURES, ROOT, write_jsonl


def papers_of(name):
    papers, problems = parse_dump((FIXTURES / name).read_text(), name)
    assert problems == []
    return {p.title: p for p in papers}


def test_first_title_glued_to_subscribe_is_split_off():
    papers = papers_of("glued.txt")
    assert list(papers) == ["Alpha Paper: Testing Glued Titles", "Beta Paper On Reasoning"]
    assert papers["Beta Paper On Reasoning"].abstract.startswith("The beta abstract")


def test_page_chrome_and_page_date_are_not_papers():
    papers = papers_of("meta.txt")
    assert all(t not in papers for t in ("Daily Papers", "Subscribe", "new", "Oct 27"))
    assert len(papers) == 4


def test_date_with_year_and_upvotes():
    gamma = papers_of("meta.txt")["Gamma Paper With Year"]
    assert (gamma.authors, gamma.date, gamma.year, gamma.upvotes) == (6, "Oct 27, 2024", 2024, 2)


def test_date_without_year_keeps_trailing_upvotes_apart():
    delta = papers_of("meta.txt")["Delta Paper Without Year"]
    assert (delta.authors, delta.date, delta.year, delta.upvotes) == (3, "Sep 11", None, 2)


def test_submitter_line_is_metadata_not_a_paper():
    papers = papers_of("meta.txt")
    assert "Alibaba-NLP Alibaba-NLP" not in papers
    epsilon = papers["Epsilon Paper From An Organisation"]
    assert (epsilon.submitter, epsilon.date, epsilon.upvotes) == ("Alibaba-NLP Alibaba-NLP", "Oct 31", 1)


def test_duplicates_merge_by_normalised_title_and_keep_every_source():
    corpus = load_corpus([FIXTURES / "glued.txt", FIXTURES / "meta.txt"])
    assert (corpus.entries, len(corpus.papers), corpus.duplicates) == (6, 5, 1)
    alpha = next(p for p in corpus.papers if p.title.lower().startswith("alpha"))
    assert alpha.sources == ["glued.txt", "meta.txt"]
    assert (alpha.authors, alpha.year) == (4, 2023)  # filled in from the later copy


def test_a_title_without_abstract_is_reported_with_its_line():
    papers, problems = parse_dump("Lonely Title\n\n  • 3 authors\n·\nJan 1, 2024\n", "x.txt")
    assert papers == []
    assert [(p.file, p.line) for p in problems] == [("x.txt", 1)]


def test_shipped_corpus_counts():
    corpus = load_corpus([ROOT / "corpus"])
    assert (len(corpus.files), corpus.entries, len(corpus.papers), corpus.problems) == (5, 333, 254, [])
    titles = {p.title: p for p in corpus.papers}
    assert "Alibaba-NLP Alibaba-NLP" not in titles
    step = titles["Mind Your Step (by Step): Chain-of-Thought can Reduce Performance on Tasks where Thinking Makes Humans Worse"]
    assert step.abstract.startswith("Chain-of-thought (CoT) prompting has become a widely used strategy")


def test_jsonl_and_csv_keep_extra_fields(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"title": "J Paper", "abstract": "About J.", "year": 2021, "venue": "ACL"}])
    (tmp_path / "b.csv").write_text('title,abstract,url\nC Paper,"About C, briefly.",http://c\n')
    papers = {p.title: p for p in load_corpus([tmp_path]).papers}
    assert papers["J Paper"].year == 2021 and papers["J Paper"].extra == {"venue": "ACL"}
    assert papers["C Paper"].abstract == "About C, briefly." and papers["C Paper"].extra == {"url": "http://c"}


@pytest.mark.parametrize("name, content, message", [
    ("bad.jsonl", '{"title": "ok", "abstract": "fine"}\n{"abstract": "no title"}\n', "bad.jsonl:2: missing or empty 'title'"),
    ("bad.jsonl", "{not json\n", "bad.jsonl:1: not valid JSON"),
    ("bad.csv", "name,abstract\nx,y\n", "bad.csv:1: CSV header lacks column(s) title"),
])
def test_bad_records_name_file_and_line(tmp_path, name, content, message):
    (tmp_path / name).write_text(content)
    with pytest.raises(AssistantError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_corpus([tmp_path / name])


def test_non_utf8_file_is_an_error(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 Title\nAbstract".encode("latin-1"))
    with pytest.raises(AssistantError, match="latin.txt: not UTF-8"):
        load_corpus([tmp_path])
