"""All settings in one place.

Precedence, lowest first: defaults < config file < environment (ASSISTANT_*) < CLI flags.
The config file is TOML with the same keys as `Settings` (e.g. `llm_base_url = "..."`), read
from --config, $ASSISTANT_CONFIG, ./assistant.toml when present or, when installed rather than
run from a checkout, assistant.toml in the user config folder (see paths.py).

Every value is converted to its field's type by pydantic, whatever its source: "false" from
the environment is False, "5" is 5, and "maybe" for a boolean is refused with where it came from.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AssistantError
from .paths import ROOT, default_config_file, default_index_dir, shipped  # noqa: F401 - ROOT is re-exported


@dataclass
class Settings:
    corpus: list[Path] = field(default_factory=lambda: [shipped("corpus")])
    index_dir: Path = field(default_factory=default_index_dir)
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
    progress: bool = True  # progress bars on long work (index builds, batch); ASSISTANT_PROGRESS=false for logs


@functools.cache
def _adapters() -> dict:
    from pydantic import TypeAdapter

    hints = typing.get_type_hints(Settings)
    return {f.name: TypeAdapter(hints[f.name]) for f in dataclasses.fields(Settings)}


def _coerce(name: str, raw, where: str):
    from pydantic import ValidationError

    if name == "corpus" and isinstance(raw, str):
        raw = [p for p in raw.split(os.pathsep) if p]  # a list from the environment: PATH-style
    if isinstance(raw, str) and raw == "" and type(None) in typing.get_args(typing.get_type_hints(Settings)[name]):
        return None
    try:
        value = _adapters()[name].validate_python(raw)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].lower()  # e.g. "input should be a valid boolean"
        raise AssistantError(f"{where}: {name} has an invalid value {raw!r} ({reason})") from None
    if isinstance(value, Path):
        return value.expanduser()
    if name == "corpus":
        return [p.expanduser() for p in value]
    return value


def load_settings(config: str | Path | None = None, **overrides) -> Settings:
    names = {f.name for f in dataclasses.fields(Settings)}
    values: dict = {}
    path = config or os.environ.get("ASSISTANT_CONFIG") or default_config_file()
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise AssistantError(f"config file {path}: {exc.strerror}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
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
