"""Clone to chat: the time from a fresh clone to the chat UI answering, as a new user meets it.

Clones this checkout's committed HEAD into a temporary folder and runs `make run` there with an
empty pip cache (PIP_CACHE_DIR in the temporary folder) and an empty model cache
(ASSISTANT_CACHE_DIR), so the venv, the int8 model and ./index are all made from nothing. Stops
when the UI answers on its port and prints JSON: seconds, whether PyTorch or Playwright got
installed, the venv's size.

    python3 bench/first_run.py           # 1-3 minutes on 2 cores, depending on what else runs
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 1200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="first-run-"))
    repo = tmp / "repo"
    port = free_port()
    env = {**os.environ, "PIP_CACHE_DIR": str(tmp / "pip-cache"), "ASSISTANT_CACHE_DIR": str(tmp / "model-cache"),
           "GRADIO_SERVER_PORT": str(port)}
    env.pop("VIRTUAL_ENV", None)
    started = time.monotonic()
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
    log = open(tmp / "make-run.log", "w")
    process = subprocess.Popen(["make", "run"], cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    ready = None
    # make echoes each command as it starts: the time a marker first shows ends the phase before it
    markers = {"install_s": "-m assistant.fastmodel", "int8_model_s": "app.py"}
    seen: dict[str, float] = {}
    try:
        while time.monotonic() - started < TIMEOUT and process.poll() is None:
            text = (tmp / "make-run.log").read_text(errors="replace")
            seen.update({k: time.monotonic() - started for k, m in markers.items() if k not in seen and m in text})
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                ready = time.monotonic() - started
                break
            except OSError:
                time.sleep(1)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    site = next((repo / ".venv" / "lib").glob("python*/site-packages"))
    venv_mb = sum(f.stat().st_size for f in (repo / ".venv").rglob("*") if f.is_file()) / 2**20
    result = {
        "clone_to_chat_s": round(ready, 1) if ready else None,
        # phases: clone + venv + pip; the int8 model; then building ./index and starting the UI
        "phases_s": {"clone_and_install": round(seen.get("install_s", 0), 1),
                     "int8_model": round(seen.get("int8_model_s", 0) - seen.get("install_s", 0), 1),
                     "index_and_ui": round((ready or 0) - seen.get("int8_model_s", 0), 1)},
        "load_average_1min": round(os.getloadavg()[0], 1),
        "command": "make run (fresh clone, empty pip cache, empty model cache)",
        "torch_installed": (site / "torch").exists(),
        "playwright_installed": (site / "playwright").exists(),
        "llama_cpp_installed": (site / "llama_cpp").exists(),
        "venv_mb": round(venv_mb),
        "log_tail": None if ready else (tmp / "make-run.log").read_text()[-2000:],
    }
    print(json.dumps(result, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0 if ready else 1)


if __name__ == "__main__":
    main()
