# The two set-up commands the README names: `make run` and `make test`.
# `make run` installs only what the chat needs (no PyTorch, no compiler builds, no browser), so
# the first chat opens in minutes; `make test` adds the test extras on top of that.
# Torch is installed first from its pinned CPU wheel, so no dependency can pull a CUDA build.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORE := $(VENV)/.installed-core
STAMP := $(VENV)/.installed

.PHONY: run test install install-core browser

$(CORE): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --no-compile -c constraints.txt -e .  # .pyc files are made on import, for what is imported
	$(BIN)/python -m assistant.fastmodel  # the int8 embedding model, made once per machine
	touch $(CORE)

$(STAMP): $(CORE)
	$(BIN)/pip install -q -c constraints.txt "torch==2.13.0"
	# llama.cpp compiled for any x86-64 with AVX2, not for this CPU: its native build (AVX-512,
	# AMX) crashed generating on one machine here. Not from pip's wheel cache, which may hold a
	# native build made before.
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \
		$(BIN)/pip install -q --no-cache-dir -c constraints.txt "llama-cpp-python[server]"
	$(BIN)/pip install -q -c constraints.txt -e ".[torch,test]"
	touch $(STAMP)

install-core: $(CORE)

install: $(STAMP)

run: $(CORE)
	$(BIN)/python app.py

# Debian's Chromium for the browser tests; never a downloaded browser.
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: $(STAMP) browser
	$(BIN)/python -m pytest
