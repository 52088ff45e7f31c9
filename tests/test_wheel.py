"""The wheel works anywhere: built from the project, installed into a fresh venv and run from an
unrelated folder with an empty home, it finds its prompts and corpus inside the package, builds
its index in the user data folder, reads its config from the user config folder and answers
with citations.

The fresh venv gets only the wheel (pip --no-deps). Its dependencies come from the environment
running the tests, through a .pth line naming that environment's site-packages: installing
them anew would download about 1 GB on every CI run, and `venv --system-site-packages` would
expose the base interpreter's packages, not this environment's. Python does not run the .pth
hooks of a folder added that way, so the editable install of the checkout stays invisible:
`assistant` is imported from the wheel alone (checked below).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from conftest import ROOT
from fake_llm import FakeLLM, Reply

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the venv's bin folder, an environment with an empty home) after installing the wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so the build leaves nothing (build/, *.egg-info) in the checkout.
    (tmp / "src").mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp / "src")
    for name in ("assistant", "prompts", "corpus"):
        shutil.copytree(ROOT / name, tmp / "src" / name, ignore=shutil.ignore_patterns("__pycache__"))
    # --no-build-isolation: build with this environment's setuptools instead of downloading one.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", tmp / "dist", tmp / "src"],
                   check=True, cwd=tmp)
    wheel = next((tmp / "dist").glob("paper_assistant-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", "--no-deps", wheel], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    home = tmp / "home"
    (home / ".config" / "paper-assistant").mkdir(parents=True)
    (home / ".config" / "paper-assistant" / "assistant.toml").write_text("top_k = 2\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "XDG_", "VIRTUAL_ENV", "PYTHON"))}
    env["HOME"] = str(home)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return wheel, venv / "bin", env, elsewhere


def run(installed, *args):
    _, bin_dir, env, elsewhere = installed
    return subprocess.run([str(bin_dir / args[0]), *map(str, args[1:])], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=600)


def test_wheel_carries_prompts_corpus_and_tokenizer(installed):
    names = zipfile.ZipFile(installed[0]).namelist()
    assert {f"assistant/prompts/{p.name}" for p in (ROOT / "prompts").glob("*.txt")} <= set(names)
    assert {f"assistant/shipped_corpus/{p.name}" for p in (ROOT / "corpus").glob("*.txt")} <= set(names)
    assert "assistant/minilm-tokenizer.json" in names


def test_installed_package_is_the_wheel_not_the_checkout(installed):
    result = run(installed, "python", "-c", "import assistant; print(assistant.__file__)")
    assert result.stdout.startswith(str(installed[1].parent)), result.stdout + result.stderr


def test_ask_from_an_unrelated_folder_answers_with_citations(installed):
    _, _, env, elsewhere = installed
    result = run(installed, "assistant", "ask", "--json", "What explains grokking?")  # not a list: a list shows every paper it cites, beyond top_k
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "[1]" in answer["text"] and any("grokking" in c["title"].lower() for c in answer["citations"])
    assert len(answer["citations"]) + len(answer["uncited"]) <= 2  # top_k from the user config file
    assert (elsewhere.parent / "home" / ".local" / "share" / "paper-assistant" / "index" / "papers.sqlite").is_file()
    assert list(elsewhere.iterdir()) == []  # nothing written to the folder it was run from


def test_model_prompts_come_from_the_package(installed):
    template = (ROOT / "prompts" / "answer.txt").read_text()
    fixed_text = max(re.split(r"\{\w+\}", template), key=len).strip()  # the longest part without placeholders
    with FakeLLM(Reply("Grokking is delayed generalisation [1].")) as llm:
        result = run(installed, "assistant", "ask", "--llm-base-url", llm.base_url, "--mode", "model", "Which papers study grokking?")
    assert result.returncode == 0, result.stderr
    sent = json.dumps(llm.requests[-1]["messages"])
    assert json.dumps(fixed_text)[1:-1] in sent
