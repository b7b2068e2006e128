# tenderscore: `make run` serves the app with demo data; `make test` runs the tests. Both set everything up.
# `make serve` is production: gunicorn (and the job worker) on the configured database (README, "Running it for real").
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GOVUK_FRONTEND_VERSION := 6.6.0
SASS_VERSION := 1.93.2
SWAGGER_UI_VERSION := 5.35.0
# Third-party browser assets are built outside the package (build/ is not committed) and served at /vendor/.
VENDOR := build/vendor
STATIC := $(VENDOR)/govuk
STATIC_STAMP := $(STATIC)/.built-$(GOVUK_FRONTEND_VERSION)-$(SWAGGER_UI_VERSION)
HOST ?= 127.0.0.1
PORT ?= 5000
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
# Two workers on a two-core machine: 327 s -> 211 s for the whole suite. Files stay whole on one worker
# (--dist loadfile), so a module's shared fixtures and its Redis or server tests never interleave with themselves.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile
BENCH_ARGS ?=

.PHONY: run serve test test-slow test-postgres lint bench setup static system-packages runtime-packages serve-setup clean help

help:
	@echo "make run            set up, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make serve          production: migrate, then gunicorn (and the job worker) on http://$(HOST):$(PORT)"
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

runtime-packages:
	@scripts/system-packages.sh --runtime

# What a server needs before it serves (and again after an upgrade): the Python packages, the styles, no test tools.
serve-setup: $(STAMP) runtime-packages static

# GOV.UK Frontend from the npm registry, compiled without the GOV.UK typeface (see tenderscore/web/assets).
$(STATIC_STAMP): tenderscore/web/assets/tenderscore.scss
	@command -v npm >/dev/null || { echo "make: npm is needed to build the page styles (apt-get install npm)"; exit 1; }
	mkdir -p build/npm $(STATIC)
	npm install --silent --no-save --no-audit --no-fund --prefix build/npm \
		govuk-frontend@$(GOVUK_FRONTEND_VERSION) sass@$(SASS_VERSION) swagger-ui-dist@$(SWAGGER_UI_VERSION)
	build/npm/node_modules/.bin/sass --load-path=build/npm/node_modules --style=compressed --quiet --no-source-map \
		tenderscore/web/assets/tenderscore.scss $(STATIC)/govuk-frontend.min.css
	cp build/npm/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/
	rm -rf $(STATIC)/assets && cp -r build/npm/node_modules/govuk-frontend/dist/govuk/assets $(STATIC)/assets
	rm -rf $(STATIC)/assets/fonts
	mkdir -p $(VENDOR)/swagger-ui
	cp build/npm/node_modules/swagger-ui-dist/swagger-ui-bundle.js build/npm/node_modules/swagger-ui-dist/swagger-ui.css \
		$(VENDOR)/swagger-ui/
	@touch $(STATIC_STAMP)

static: $(STATIC_STAMP)

setup: $(STAMP) system-packages static

run: setup
	$(BIN)/tenderscore db upgrade
	$(BIN)/tenderscore demo load
	$(BIN)/tenderscore run --host $(HOST) --port $(PORT)

# Migrate, then gunicorn with WEB_CONCURRENCY workers and, with TENDERSCORE_REDIS_URL, the job worker beside it;
# on whatever TENDERSCORE_DATABASE_URL and TENDERSCORE_RATELIMIT_STORAGE_URI name. Stops both on SIGTERM or Ctrl-C.
serve: serve-setup
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) scripts/serve.sh

test: setup
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

# The slow, thorough tests (marked slow): CI runs them after `make test`.
test-slow: setup
	$(PYTEST) -m slow $(PYTEST_ARGS)

test-postgres: setup
	TENDERSCORE_TEST_DATABASE_URL=$(POSTGRES_TEST_URL) $(PYTEST) -m db $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check tenderscore tests
	$(BIN)/mypy tenderscore
	$(BIN)/lint-imports

bench: setup
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script $(BENCH_ARGS) || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
