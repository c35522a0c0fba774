# The README's commands. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installe

.PHONY: demo test bench lint check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/entadvisor demo

test: $(STAMP)
	$(BIN)/python -m pytest -q
	$(BIN)/entadvisor verifier -j 2

bench: $(STAMP)
	$(BIN)/python tools/bench.py

lint: $(STAMP)
	$(BIN)/ruff check entadvisor rules tests tools
	$(BIN)/ruff format --check entadvisor rules tests tools
	$(BIN)/mypy

check: lint test

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
