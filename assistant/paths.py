"""Where the assistant's files live: in a source checkout, or installed from a wheel.

In a checkout (this package beside pyproject.toml) everything stays in the project folder:
prompts/ and corpus/ at the top level, the index in ./index, the config in ./assistant.toml.
Installed (pip, pipx), the prompts and the shipped corpus travel inside the package (the
wheel maps the top-level folders to assistant/prompts and assistant/shipped_corpus, see
pyproject.toml), the index goes to the user data folder and the config file is looked for in
the user config folder, so the tool works from any folder.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

APP = "paper-assistant"
ROOT = Path(__file__).resolve().parent.parent
CHECKOUT = (ROOT / "pyproject.toml").is_file() and (ROOT / "prompts").is_dir()
PACKAGED = {"prompts": "prompts", "corpus": "shipped_corpus"}  # top-level folder -> folder in the wheel


def shipped(name: str) -> Path:
    """A folder shipped with the project ("prompts" or "corpus"). The checkout's own folder
    comes first, so edits there take effect without reinstalling."""
    if CHECKOUT:
        return ROOT / name
    # A regular package installed on disk: files() is a real Path, as load_corpus needs.
    return Path(str(files("assistant"))) / PACKAGED[name]


def default_index_dir() -> Path:
    if CHECKOUT:
        return ROOT / "index"
    from platformdirs import user_data_path

    return user_data_path(APP) / "index"


def default_config_file() -> Path | None:
    """./assistant.toml when present; installed, else the one in the user config folder."""
    local = Path("assistant.toml")
    if local.is_file():
        return local
    if CHECKOUT:
        return None
    from platformdirs import user_config_path

    user = user_config_path(APP) / "assistant.toml"
    return user if user.is_file() else None
