# crashstats: the two commands of the README, plus a few for developers.
#   make run   - create .venv, install (with minidump-stackwalk, scripts/install-stackwalker), start the
#                embedded PostgreSQL, build the schema, bring it up
#   make test  - create .venv with the dev extras, install missing system packages (as root), run
#                ruff and the whole test suite

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint install install-dev system-deps stop clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml scripts/install-stackwalker | $(BIN)/python
	$(BIN)/pip install -q -e .
	scripts/install-stackwalker $(VENV)
	touch $@

$(VENV)/.installed-dev: pyproject.toml scripts/install-stackwalker | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	scripts/install-stackwalker $(VENV)
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(BIN)/crashstats up

stop: $(VENV)/.installed
	$(BIN)/crashstats db stop

system-deps:
	scripts/install-system-deps

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

test: $(VENV)/.installed-dev system-deps
	$(BIN)/ruff check .
	mkdir -p var  # pytest creates its --basetemp, not the folder above it
	$(BIN)/pytest --basetemp=var/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
