import contextlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
DEV = FIXTURES / "dev.jsonl"  # a copy of ../shared/eval/dev.jsonl, so a clone anywhere has it
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def run_cli(*args, env=None, timeout=300):
    """Run the real `assistant` command in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})},
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(command, ready_url: str, log_path: Path, env=None, timeout: float = 300):
    """Start a real server process, wait until `ready_url` answers, stop it afterwards. Its
    output goes to `log_path` and is shown if it dies or never becomes ready."""
    with open(log_path, "w+") as log:
        process = subprocess.Popen([str(c) for c in command], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(ready_url, timeout=2)
                    break
                except urllib.error.HTTPError:
                    break  # it answers (say, 401 without a key): it is up
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        pytest.fail(f"{command[0]} did not start:\n{log.read()[-3000:]}")
                    time.sleep(0.5)
            yield
        finally:
            process.terminate()
            process.wait(timeout=30)


@contextlib.contextmanager
def api_process(index_dir, log_path, *args):
    """`assistant api` (the OpenAI-compatible API) on a free port, as a user starts it; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "assistant", "api", "--port", port, "--index-dir", index_dir, *args]
    with running_server(command, f"http://127.0.0.1:{port}/v1/models", log_path, timeout=120):
        yield f"http://127.0.0.1:{port}/v1"


async def with_stdio_session(index_dir, work):
    """Start `assistant mcp` the way an MCP client does (stdio) and run `work(session)` in an
    initialised session of the mcp SDK's own client."""
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    server = StdioServerParameters(command=sys.executable, args=["-m", "assistant", "mcp", "--index-dir", str(index_dir)], cwd=ROOT)
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        return await work(session)


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory):
    """The shipped corpus indexed once for the whole session (a real Chroma store)."""
    from assistant.api import Assistant

    assistant = Assistant(index_dir=tmp_path_factory.mktemp("index"))
    assistant.index.sync(progress=False)
    return assistant


@pytest.fixture(scope="session")
def dev_questions():
    return [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]


@pytest.fixture
def models_endpoint(tmp_path):
    """A server whose /models lists nothing: an OpenAI-compatible endpoint that is up."""
    (tmp_path / "models").write_text('{"data": []}')
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
