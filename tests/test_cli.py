import pytest

from conftest import FIXTURES, run_cli, write_jsonl


def assert_one_line_error(result, expected):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], result.stderr


def test_corpus_report_on_shipped_corpus():
    result = run_cli("corpus")
    assert result.returncode == 0
    assert "files:         5" in result.stdout and "entries:       333" in result.stdout
    assert "unique papers: 254" in result.stdout


def test_missing_corpus_folder(tmp_path):
    assert_one_line_error(run_cli("corpus", "--corpus", tmp_path / "nope"), "does not exist")


def test_empty_corpus(tmp_path):
    (tmp_path / "empty.txt").write_text("\n")
    assert_one_line_error(run_cli("index", "--corpus", tmp_path, "--index-dir", tmp_path / "ix"), "the corpus is empty")


def test_corpus_folder_without_papers(tmp_path):
    assert_one_line_error(run_cli("corpus", "--corpus", tmp_path), "no corpus files")


def test_file_that_is_not_utf8(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe title")
    assert_one_line_error(run_cli("corpus", "--corpus", tmp_path), "bad.txt: not UTF-8")


def test_jsonl_line_without_title(tmp_path):
    write_jsonl(tmp_path / "p.jsonl", [{"title": "T", "abstract": "A"}, {"abstract": "no title"}])
    assert_one_line_error(run_cli("corpus", "--corpus", tmp_path / "p.jsonl"), "p.jsonl:2: missing or empty 'title'")


def test_empty_question(tmp_path):
    assert_one_line_error(run_cli("ask", "  ", "--corpus", FIXTURES / "meta.txt", "--index-dir", tmp_path / "ix"), "the question is empty")


def test_index_folder_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert_one_line_error(run_cli("index", "--corpus", FIXTURES / "meta.txt", "--index-dir", blocker / "ix"), "cannot be written")


def test_index_built_with_another_embedding_model(tmp_path):
    args = ("--corpus", FIXTURES / "meta.txt", "--index-dir", tmp_path / "ix")
    assert run_cli("index", "--quiet", *args).returncode == 0
    assert_one_line_error(run_cli("ask", "gamma method", *args, "--embedding", "minilm"), "--rebuild")


def test_ask_prints_cited_answer_and_numbered_sources(tmp_path):
    result = run_cli("ask", "Which benchmark has several tasks?", "--corpus", FIXTURES / "meta.txt", "--index-dir", tmp_path / "ix")
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout and "Sources:" in result.stdout
    assert "  [1] Delta Paper Without Year (Sep 11) id:" in result.stdout


@pytest.mark.parametrize("command", ["corpus", "index", "ask", "api", "mcp"])
def test_help_explains_each_command(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0 and "--corpus" in result.stdout
