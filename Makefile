# Gaung — every target sets itself up: a fresh clone needs only python3 (>= 3.11) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint typecheck bench eval install dev clean serve browser system-deps

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
demo: install system-deps
	$(BIN)/gaung demo --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/gaung serve --host $(HOST) --port $(PORT)

## make browser: the system Chromium the browser tests drive (Debian's `chromium`; Playwright's own
## browser download is never used). Without root, sudo or apt-get it says so and goes on: the browser
## tests then skip with that reason (and fail when CI=true).
browser:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make browser: $(CHROMIUM) is missing and apt-get is not available; install Chromium by hand" \
	    "(browser tests will skip)"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; [ -t 0 ] || SUDO="sudo -n"; \
	else echo "make browser: $(CHROMIUM) is missing; run 'apt-get install chromium' as root" \
	  "(no sudo here; browser tests will skip)"; exit 0; fi; \
	echo "make browser: installing Debian's chromium for the browser tests"; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$SUDO apt-get install -y --no-install-recommends chromium \
	  || { $$SUDO apt-get update -q && $$SUDO apt-get install -y --no-install-recommends chromium; } \
	  || echo "make browser: could not install chromium (see above); browser tests will skip"

## make system-deps: what the daily brief's PDF needs from Debian — Pango for WeasyPrint, a font that
## renders Indonesian text, and poppler-utils (pdftoppm, pdftotext) for the PDF tests. Like `make browser`:
## without root, sudo or apt-get it says so and goes on (the PDF tests then skip, and fail when CI=true).
SYSTEM_DEPS ?= libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils
system-deps:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "make system-deps: not a Debian system; install Pango, DejaVu fonts and poppler-utils by hand" \
	    "(PDF tests will skip)"; exit 0; fi; \
	MISSING=""; for pkg in $(SYSTEM_DEPS); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed" || MISSING="$$MISSING $$pkg"; \
	done; \
	if [ -z "$$MISSING" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make system-deps: missing$$MISSING and apt-get is not available (PDF tests will skip)"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; [ -t 0 ] || SUDO="sudo -n"; \
	else echo "make system-deps: missing$$MISSING; run 'apt-get install$$MISSING' as root" \
	  "(no sudo here; PDF tests will skip)"; exit 0; fi; \
	echo "make system-deps: installing$$MISSING for the daily brief's PDF"; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$SUDO apt-get install -y --no-install-recommends $$MISSING \
	  || { $$SUDO apt-get update -q && $$SUDO apt-get install -y --no-install-recommends $$MISSING; } \
	  || echo "make system-deps: could not install$$MISSING (see above); PDF tests will skip"

## make test: set up dev tools and Chromium, then ruff, mypy and pytest (PostgreSQL and browser tests
## are mandatory when CI=true)
test: dev browser system-deps
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
