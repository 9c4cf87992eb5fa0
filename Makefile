# The two commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev
# Compiled catalogues (.mo) are committed; they are rebuilt when GNU gettext is installed.
COMPILE_MESSAGES = @if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages --ignore=.venv -v 0; fi

.PHONY: run test test-clocks prepare setup install lint format serve bench bench-rush bench-faults bench-smoke messages clean

$(VENV)/.installed: requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	touch $@

install: $(VENV)/.installed

# Migrations and Bottrop's data: idempotent, for every mode.
prepare: install
	@mkdir -p var
	$(COMPILE_MESSAGES)
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_bottrop
	$(BIN)/python manage.py appointments_load

setup: prepare
	$(BIN)/python manage.py create_demo_accounts
	$(BIN)/python manage.py parking_demo

# PORT goes along: the settings derive the site address of e-mail and ICS links from it.
# The scheduled jobs the apps need run beside the server and stop with it (JOBS), and so does
# the live server (LIVE: uvicorn on LIVE_PORT, Server-Sent Events, docs/decisions/0024-live-channel.md).
LIVE_PORT ?= $(shell echo $$(( $(PORT) + 1 )))
BESIDE_STOP = BESIDE="$$BESIDE $$!"; trap 'kill $$BESIDE 2>/dev/null' EXIT;
JOBS = export PORT=$(PORT); $(BIN)/python manage.py jobs --forever & $(BESIDE_STOP)
LIVE = export PORT=$(PORT) LIVE_PORT=$(LIVE_PORT); $(BIN)/uvicorn config.live:application --loop uvloop --http httptools \
	  --host 127.0.0.1 --port $(LIVE_PORT) --no-access-log --timeout-graceful-shutdown 3 & $(BESIDE_STOP)
run: setup
	$(JOBS) $(LIVE) PORT=$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-style serving: the same set-up, then gunicorn with whitenoise for static files.
# SERVE_SETTINGS=config.settings.production serves production settings (no demo accounts then;
# with the default dev settings the demo accounts are created as under `make run`).
WEB_CONCURRENCY ?= $(shell echo $$(( $$(nproc) * 2 )))
SERVE_SETTINGS ?= config.settings.dev
serve: export DJANGO_SETTINGS_MODULE = $(SERVE_SETTINGS)
serve: prepare
	@if [ "$(SERVE_SETTINGS)" = config.settings.dev ]; then \
	  $(BIN)/python manage.py create_demo_accounts; fi
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(JOBS) $(LIVE) DEBUG=false PORT=$(PORT) $(BIN)/gunicorn config.wsgi --workers $(WEB_CONCURRENCY) \
	  --bind 127.0.0.1:$(PORT) --graceful-timeout 20

# The architecture checks itself: import contracts (pyproject [tool.importlinter]) and mypy
# (strict where pyproject [tool.mypy] says so); see docs/decisions/0010-checked-architecture.md.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@mkdir -p var
	$(BIN)/lint-imports --no-logo --cache-dir var/import-linter
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The SQLite suite (browser tests included) and the whole suite again on PostgreSQL when a
# server answers, side by side on two cores (scripts/test_suites.py, TEST_SEQUENTIAL=1 runs them
# one after the other; docs/decisions/0003-test-databases.md).
test: install lint
	$(COMPILE_MESSAGES)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run -v 1
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python scripts/test_suites.py

# The suite (without browser and PostgreSQL tests) again with the clock on the calendar's worst
# days: DST switches, the Christmas closure, a leap day, New Year's Eve, 200 days ahead
# (docs/decisions/0008-tests-and-time.md). CI runs it after `make test`.
test-clocks: install
	$(COMPILE_MESSAGES)
	$(BIN)/python scripts/test_clocks.py $(TEST_CLOCKS)

bench: setup
	$(BIN)/python bench/slots.py
	$(BIN)/python bench/appointments.py

# Every benchmark in short form, correctness targets only (CI runs it; needs PostgreSQL).
bench-smoke: install
	$(BIN)/python bench/slots.py --smoke
	$(BIN)/python bench/rush.py --smoke
	$(BIN)/python bench/faults.py --smoke
	$(BIN)/python bench/appointments.py --smoke
	$(BIN)/python bench/plate_lookup.py --smoke
	$(BIN)/python bench/offline_verify.py --smoke

# HTTP benchmarks against `make serve` on PostgreSQL (docs/benchmarks.md); a few minutes each.
# BENCH_ARGS=--record appends the figures to docs/benchmarks.md, --smoke makes rush.py short.
bench-rush: install
	$(BIN)/python bench/rush.py $(BENCH_ARGS)

bench-faults: install
	$(BIN)/python bench/faults.py $(BENCH_ARGS)

messages: install
	$(BIN)/python manage.py makemessages -l de -l en --ignore=.venv --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/static
