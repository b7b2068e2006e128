# tenderscore: `make run` serves the app with demo data; `make test` runs the tests. Both set everything up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: run test test-postgres lint bench setup system-packages clean help

help:
	@echo "make run            set up, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test           set up and run the tests (SQLite)"
	@echo "make test-postgres  the database tests again on PostgreSQL ($(POSTGRES_TEST_URL))"
	@echo "make lint           ruff, mypy and the import-direction contract"
	@echo "make bench          print the benchmarks' figures"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

system-packages:
	@scripts/system-packages.sh

setup: $(STAMP) system-packages

run: setup
	$(BIN)/tenderscore db upgrade
	$(BIN)/tenderscore run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: setup
	TENDERSCORE_TEST_DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/python -m pytest -m db $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check tenderscore tests
	$(BIN)/mypy tenderscore
	$(BIN)/lint-imports

bench: setup
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
