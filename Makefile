# The README's commands. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench lint check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# one stamp per set of extras, redone when pyproject.toml changes
$(VENV)/.installe-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installe-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installe-base

$(VENV)/.installe-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $@ $(VENV)/.installe-test $(VENV)/.installe-base

demo: $(VENV)/.installe-base
	$(BIN)/entadvisor demo
	@echo
	@echo "La commande entadvisor est installée dans $(VENV). Pour l'utiliser dans ce terminal :"
	@echo "    . $(VENV)/bin/activate"
	@echo "(ou appelez-la par son chemin : $(BIN)/entadvisor)"

# about 10 minutes on a 2-core machine; skipped tests print their reason in French (see the README)
test: $(VENV)/.installe-test
	$(BIN)/python -m pytest -q
	$(BIN)/entadvisor verifier -j 2

bench: $(VENV)/.installe-test
	$(BIN)/python tools/bench.py

lint: $(VENV)/.installe-dev
	$(BIN)/ruff check entadvisor rules tests tools
	$(BIN)/ruff format --check entadvisor rules tests tools
	$(BIN)/mypy

check: lint test

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
