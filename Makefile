# Two commands set up everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint bench interop clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spacy,hf,words,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/annotator gui

lint: $(STAMP)
	$(BIN)/ruff check annotator tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Our Label Studio export through a real Label Studio server (installed into .venv-label-studio); see docs/interop.md.
interop: $(STAMP)
	$(BIN)/python tests/label_studio_server.py

clean:
	rm -rf $(VENV) build dist *.egg-info
