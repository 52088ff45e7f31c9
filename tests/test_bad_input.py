"""Bad input at every front end: the CLI, batch, the chat UI's API, the OpenAI-compatible API
and the MCP server. Each row of a table gives the input and what the one-line message must say;
every message is a single line, no traceback, and the command exits non-zero."""

import asyncio
import json
import os
import shutil
import subprocess
import sys

import httpx
import pytest

from conftest import ROOT, api_process, free_port, with_stdio_session

NOT_UTF8 = "what is \udcff grokking?"  # how Python receives the byte 0xff from a command line or JSON


def one_line(message: str) -> str:
    message = message.strip()
    assert message and "\n" not in message and "Traceback" not in message, message
    return message


def cli(*args, env=None):
    """The real `assistant` command; args may hold bytes (a non-UTF-8 argument)."""
    command = [sys.executable, "-m", "assistant", *[a if isinstance(a, bytes) else str(a) for a in args]]
    return subprocess.run(command, capture_output=True, cwd=ROOT, timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture
def index_copy(shipped_index, tmp_path):
    """A copy of the shipped index that a row may damage."""
    return shutil.copytree(shipped_index.settings.index_dir, tmp_path / "index")


def damage(path):
    path.write_bytes(b"\x00\x01garbage{" * 10)


# (name, arguments, extra environment, damage to do to the index copy, what the message says)
CLI_ROWS = [
    ("non-UTF-8 byte in the question", ["ask", b"what is \xff grokking?"], {}, None, "not valid UTF-8 text (byte 0xff at character 9)"),
    ("empty question", ["ask", "   "], {}, None, "the question is empty"),
    ("bad year filter", ["ask", "--year", "20x4", "grokking"], {}, None, "year filter '20x4' is not a year"),
    ("boolean setting that is not one", ["ask", "grokking"], {"ASSISTANT_PROGRESS": "maybe"}, None,
     "environment ASSISTANT_PROGRESS: progress has an invalid value 'maybe'"),
    ("number setting that is not one", ["ask", "grokking"], {"ASSISTANT_TOP_K": "many"}, None,
     "environment ASSISTANT_TOP_K: top_k has an invalid value 'many'"),
    ("damaged papers.sqlite", ["ask", "grokking"], {}, "papers.sqlite", "papers.sqlite is damaged"),
    ("damaged manifest.json", ["index"], {}, "manifest.json", "manifest.json is damaged"),
    ("damaged BM25 terms", ["ask", "grokking"], {}, "bm25/terms.json", "bm25 is damaged (not valid JSON"),
    ("damaged BM25 counts", ["ask", "grokking"], {}, "bm25/counts.npy", "bm25 is damaged (a file cannot be read)"),
    ("damaged Chroma store", ["ask", "grokking"], {}, "chroma/chroma.sqlite3", "cannot be used"),
]


@pytest.mark.parametrize("name,args,env,damaged,says", CLI_ROWS, ids=[row[0] for row in CLI_ROWS])
def test_cli(name, args, env, damaged, says, index_copy):
    if damaged:
        damage(index_copy / damaged)
    result = cli(*args, "--index-dir", index_copy, env=env)
    message = one_line(result.stderr.decode())
    assert result.returncode == 1 and message.startswith("error: ") and says in message
    assert message.count("cannot be used") <= 1
    if damaged and not damaged.startswith("chroma"):
        assert "assistant index --rebuild" in message


def test_damaged_index_is_repaired_by_the_command_the_message_names(index_copy):
    damage(index_copy / "papers.sqlite")
    assert cli("index", "--rebuild", "--quiet", "--index-dir", index_copy).returncode == 0
    answer = cli("ask", "--json", "Which papers study grokking?", "--index-dir", index_copy)
    assert json.loads(answer.stdout)["citations"]


def test_config_file_that_is_not_toml(tmp_path):
    (tmp_path / "bad.toml").write_text("top_k = [")
    result = cli("ask", "--config", tmp_path / "bad.toml", "grokking")
    assert result.returncode == 1 and "config file" in one_line(result.stderr.decode())


BATCH_ROWS = [
    ("not UTF-8", "q.txt", b"what is \xff grokking?\n", "not UTF-8 text (byte 0xff"),
    ("a line that is not JSON", "q.jsonl", b'{"question": "grokking?"}\n{"question": \n', "q.jsonl:2"),
    ("no question column", "q.csv", b"id,text\n1,grokking\n", "no 'question' column"),
    # JSON can escape a lone surrogate, which is no text at all: refused before anything is written
    ("escaped lone surrogate", "q.jsonl", b'{"question": "what is \\udcff grokking?"}\n', "q.jsonl:1: holds an escaped lone surrogate"),
]


@pytest.mark.parametrize("name,file,content,says", BATCH_ROWS, ids=[row[0] for row in BATCH_ROWS])
def test_batch_input_file(name, file, content, says, shipped_index, tmp_path):
    (tmp_path / file).write_bytes(content)
    result = cli("batch", tmp_path / file, "-o", tmp_path / "out.jsonl", "--index-dir", shipped_index.settings.index_dir)
    message = one_line(result.stderr.decode())
    assert result.returncode == 1 and says in message and not (tmp_path / "out.jsonl").exists()


# ---- the OpenAI-compatible API: status and the error's one-line message ---------------------
def chat(messages, **extra):
    return {"model": "papers", "messages": messages, **extra}


USER = [{"role": "user", "content": "Which papers study grokking?"}]
API_ROWS = [
    ("body that is not JSON", b"{not json", 400, "not valid JSON"),
    ("no messages", {"model": "papers"}, 400, "messages: Field required"),
    ("unknown role", chat([{"role": "robot", "content": "hi"}]), 400, "messages.0.role"),
    ("last message not the user's", chat([*USER, {"role": "assistant", "content": "Hm."}]), 400, "the last message must be the user's question"),
    ("unknown model", {**chat(USER), "model": "gpt-4"}, 404, "the model 'gpt-4' does not exist"),
    ("non-UTF-8 byte in the question", chat([{"role": "user", "content": NOT_UTF8}]), 400, "not valid UTF-8 text"),
    ("empty question", chat([{"role": "user", "content": "  "}]), 400, "the question is empty"),
    ("image content", chat([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]), 400, "only text"),
    ("k out of range", chat(USER, k=0), 400, "k: Input should be greater than or equal to 1"),
    ("bad year filter", chat(USER, years="20x4"), 400, "year filter '20x4'"),
    ("streamed, bad year filter", chat(USER, years="20x4", stream=True), 400, "year filter '20x4'"),
]


@pytest.fixture(scope="module")
def api(shipped_index, tmp_path_factory):
    with api_process(shipped_index.settings.index_dir, tmp_path_factory.mktemp("api") / "api.log") as url:
        yield url


@pytest.mark.parametrize("name,body,status,says", API_ROWS, ids=[row[0] for row in API_ROWS])
def test_openai_api(name, body, status, says, api):
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = httpx.post(f"{api}/chat/completions", content=content, headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code == status
    assert says in one_line(response.json()["error"]["message"])


# ---- MCP: the tool error's one-line text ------------------------------------------------------
MCP_ROWS = [
    ("unknown paper id", "get_paper", {"paper_id": "nope"}, "no paper has the id 'nope'"),
    ("empty question", "ask", {"question": " "}, "the question is empty"),
    # (The SDK's client refuses to encode a lone surrogate, so it cannot send the non-UTF-8 row.)
    ("years the wrong way round", "search_papers", {"query": "grokking", "year_from": 2025, "year_to": 2023}, "year_from 2025 is after year_to 2023"),
    ("k out of range", "search_papers", {"query": "grokking", "k": 0}, "search_papers: k: Input should be greater than or equal to 1"),
    ("missing argument", "ask", {}, "ask: question: Field required"),
]


@pytest.fixture(scope="module")
def mcp_errors(shipped_index):
    async def work(session):
        return [await session.call_tool(tool, args) for _, tool, args, _ in MCP_ROWS]

    return dict(zip([row[0] for row in MCP_ROWS], asyncio.run(with_stdio_session(shipped_index.settings.index_dir, work))))


@pytest.mark.parametrize("name,tool,args,says", MCP_ROWS, ids=[row[0] for row in MCP_ROWS])
def test_mcp(name, tool, args, says, mcp_errors):
    result = mcp_errors[name]
    assert result.is_error
    assert says in one_line(result.content[0].text)


# ---- the chat UI's API (gradio_client against the real UI, served in this process) -----------
UI_ROWS = [
    ("empty question", ("  ",), "the question is empty"),
    ("bad year filter", ("grokking", None, 5, "20x4"), "year filter '20x4'"),
    ("unknown mode", ("grokking", None, 5, "", "fast"), "mode must be auto, model or extractive"),
]


@pytest.fixture(scope="module")
def ui(shipped_index):
    from assistant.ui import build

    demo = build(shipped_index)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}"
    demo.close()


@pytest.mark.parametrize("name,args,says", UI_ROWS, ids=[row[0] for row in UI_ROWS])
def test_ui(name, args, says, ui):
    from gradio_client import Client

    with pytest.raises(Exception) as raised:
        Client(ui, verbose=False).predict(*args, api_name="/ask")
    assert says in one_line(str(raised.value))


def test_ui_non_utf8_question(ui):
    """gradio_client cannot encode a lone surrogate; a browser's JSON can escape one."""
    body = b'{"data": ["what is \\udcff grokking?", null, 0, "", "", "", "", "", ""]}'
    event = httpx.post(f"{ui}/gradio_api/call/ask", content=body, headers={"Content-Type": "application/json"}).json()["event_id"]
    stream = httpx.get(f"{ui}/gradio_api/call/ask/{event}", timeout=60).text
    assert "event: error" in stream
    error = json.loads(stream.split("event: error", 1)[1].split("data:", 1)[1].splitlines()[0])
    assert "not valid UTF-8 text" in one_line(error["error"])
