# Harken: `make demo` serves the demo at http://127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
# The first Python 3.12+ on PATH (pyenv users get the one .python-version names).
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)
PYTEST_ARGS ?=

.PHONY: install demo serve test lint e2e bench clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Harken needs Python 3.12 or newer on PATH (python3.12 or python3.13)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/harken migrate --noinput
	$(BIN)/harken demo
	$(BIN)/harken serve

serve: install
	$(BIN)/harken migrate --noinput
	$(BIN)/harken serve

test: install
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy harken conftest.py bench

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
