# crashstats: the two commands of the README, plus a few for developers.
#   make run   - create .venv, install (with minidump-stackwalk, scripts/install-stackwalker), install
#                memcached (as root; otherwise one line says how), start the embedded PostgreSQL,
#                build the schema, bring it up; BIND=HOST:PORT chooses the site's address
#   make test  - create .venv with the dev extras, install missing system packages (as root), run
#                ruff and the whole test suite
#   make test-dates - the date-sensitive tests at the calendar's edges (libfaketime; docs/testing.md)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip --disable-pip-version-check --quiet
BIND   ?=

.PHONY: run test test-dates lint install install-dev system-deps run-deps stop clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml scripts/install-stackwalker | $(BIN)/python
	$(PIP) install -e .
	scripts/install-stackwalker $(VENV)
	touch $@

$(VENV)/.installed-dev: pyproject.toml scripts/install-stackwalker | $(BIN)/python
	$(PIP) install -e '.[dev]'
	scripts/install-stackwalker $(VENV)
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed run-deps
	$(BIN)/crashstats up $(if $(BIND),--bind $(BIND))

stop: $(VENV)/.installed
	$(BIN)/crashstats db stop

system-deps:
	scripts/install-system-deps

run-deps:
	scripts/install-system-deps run

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

test: $(VENV)/.installed-dev system-deps
	$(BIN)/ruff check .
	mkdir -p var  # pytest creates its --basetemp, not the folder above it
	$(BIN)/pytest --basetemp=var/pytest $(PYTEST_ARGS)

test-dates: $(VENV)/.installed-dev system-deps
	mkdir -p var
	PYTEST=$(BIN)/pytest scripts/test-dates

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
