"""All settings in one place.

Precedence, lowest first: defaults < config file < environment (ASSISTANT_*) < CLI flags.
The config file is TOML with the same keys as `Settings` (e.g. `llm_base_url = "..."`), read
from --config, $ASSISTANT_CONFIG, or ./assistant.toml when present.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AssistantError

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Settings:
    corpus: list[Path] = field(default_factory=lambda: [ROOT / "corpus"])
    index_dir: Path = ROOT / "index"
    embedding: str = "minilm-onnx"
    embed_base_url: str | None = None
    embed_api_key: str | None = None
    chroma_url: str | None = None  # http://host:port of a `chroma run` server; None = embedded store
    collection: str = "papers"
    chunk_tokens: int = 256  # model tokens per chunk, [CLS] and [SEP] included; MiniLM reads at most 256
    top_k: int = 5
    mode: str = "auto"  # auto: use the model when one is configured, else extractive
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 30.0
    llm_max_tokens: int = 256  # answers are 1-3 sentences; a runaway reply stops sooner
    llm_temperature: float = 0.1
    llm_retries: int = 2
    llm_context_tokens: int = 1200  # sources packed into the prompt (cl100k tokens), shared evenly; long abstracts keep their most relevant sentences


def _coerce(name: str, raw, where: str):
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    try:
        if name == "corpus":
            items = raw if isinstance(raw, list) else str(raw).split(os.pathsep)
            return [Path(p).expanduser() for p in items if str(p)]
        if "Path" in kind:
            return Path(raw).expanduser()
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        return None if raw in ("", None) else str(raw)
    except (TypeError, ValueError):
        raise AssistantError(f"{where}: {name} has an invalid value {raw!r}") from None


def load_settings(config: str | Path | None = None, **overrides) -> Settings:
    names = {f.name for f in dataclasses.fields(Settings)}
    values: dict = {}
    path = config or os.environ.get("ASSISTANT_CONFIG") or ("assistant.toml" if Path("assistant.toml").is_file() else None)
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise AssistantError(f"config file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise AssistantError(f"config file {path}: {exc}") from None
        unknown = set(data) - names
        if unknown:
            raise AssistantError(f"config file {path}: unknown setting(s) {', '.join(sorted(unknown))}")
        values.update({k: _coerce(k, v, f"config file {path}") for k, v in data.items()})
    for name in names:
        env = f"ASSISTANT_{name.upper()}"
        if os.environ.get(env) not in (None, ""):
            values[name] = _coerce(name, os.environ[env], f"environment {env}")
    values.update({k: _coerce(k, v, f"option --{k.replace('_', '-')}") for k, v in overrides.items() if v is not None})
    settings = Settings(**values)
    check_mode(settings.mode)
    if settings.embedding.startswith("minilm") and not 64 <= settings.chunk_tokens <= 256:
        raise AssistantError(f"chunk_tokens must be between 64 and 256 for MiniLM (it reads at most 256 tokens), "
                             f"not {settings.chunk_tokens}")
    return settings


def check_mode(mode: str) -> str:
    if mode not in ("auto", "model", "extractive"):
        raise AssistantError(f"mode must be auto, model or extractive, not {mode!r}")
    return mode
