# Gaung — every target sets itself up: a fresh clone needs only python3 (>= 3.11) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test lint typecheck bench eval install dev clean serve

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

## make demo: set up, load the bundled real Indonesian news sample, serve at http://$(HOST):$(PORT)/
demo: install
	$(BIN)/gaung demo --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/gaung serve --host $(HOST) --port $(PORT)

## make test: set up dev tools, then ruff, mypy and pytest (PostgreSQL tests are mandatory when CI=true)
test: dev
	$(BIN)/ruff check gaung tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: dev
	$(BIN)/ruff check gaung tests benchmarks scripts
	$(BIN)/ruff format --check gaung tests benchmarks scripts

typecheck: dev
	$(BIN)/mypy

## make bench: ingest rate vs bare trafilatura, search latency on 1,000,000 articles, peak memory
bench: dev
	$(BIN)/python -m benchmarks.run

## make eval: every quality number (extraction F1, dedup P/R, models) on splits training never saw
eval: dev
	$(BIN)/python -m gaung.evaluate

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
