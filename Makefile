# The two commands a user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
EXAMPLE ?= examples/rally-report.txt
REPORT  ?= presslens-report.html
PYTEST_ARGS ?=

.PHONY: demo test install dev chromium eval bench clean model serve

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PIP) install -q -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PIP) install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

demo: install
	$(VENV)/bin/presslens analyze $(EXAMPLE) --format text
	$(VENV)/bin/presslens analyze $(EXAMPLE) --format html -o $(REPORT)
	@echo "HTML report written to $(REPORT)"

# The web app and JSON API on http://127.0.0.1:8000 with the corpus store presslens.duckdb (Ctrl-C stops it).
serve: install
	$(VENV)/bin/presslens serve --host 127.0.0.1 --port 8000 --db presslens.duckdb

# Headless Chromium for the browser tests (Debian's package; the tests skip without it).
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "warning: could not install chromium; browser tests will skip"; }

test: dev chromium
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

eval: install
	$(VENV)/bin/presslens eval quotes --polnear ../shared/data/polnear/dev

# Retrain the technique tagger (CPU works; a GPU is much faster) and rewrite its files and model card.
# Its own environment: with torch installed, spaCy (thinc) imports torch on every analysis.
TRAIN_VENV := build/venv-train

model:
	test -x $(TRAIN_VENV)/bin/python || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/python -m pip install -q -e '.[train]'
	$(TRAIN_VENV)/bin/presslens train techniques --ptc ../shared/data/ptc-train --out src/presslens/resources/models/techniques --cv 5

bench: dev
	$(PY) benchmarks/bench_analyze.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info $(REPORT)
