# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lock chromium lint typecheck check-migrations messages worker clean bench loadtest bench-data bench-growth

# Every dependency at the version pinned in requirements.lock (regenerate with `make lock`), then
# the project itself without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The system Chromium drives the browser tests (Playwright cannot download its own here);
# pdftoppm (poppler-utils) turns generated PDFs into PNG pages in the document tests, and
# Liberation Serif stands in for Times New Roman (same metrics) when PDFs are rendered.
# fonts-liberation2: Debian 12's fonts-liberation (1.07) lacks most Vietnamese letters (ộ, ư, ơ…).
chromium:
	@test -x $(CHROMIUM) && command -v pdftoppm >/dev/null \
	  && fc-match "Liberation Serif" file | grep -q liberation2 || { \
	  echo "Installing Chromium, poppler-utils and fonts from Debian packages (needs root)…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-liberation fonts-liberation2 poppler-utils >/dev/null; }

run: install
	$(BIN)/antq migrate --noinput -v0
	$(BIN)/antq load_frameworks
	$(BIN)/antq load_demo
	@echo ""
	@echo "ANTQ đang chạy tại / is running at: http://$(HOST):$(PORT)/"
	@echo "Nhấn Ctrl+C để dừng / Press Ctrl+C to stop."
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/antq db_worker --no-startup-delay >var/worker.log 2>&1 & \
	  $(BIN)/antq runserver --noreload $(HOST):$(PORT)

test: install chromium
	$(BIN)/antq check --fail-level WARNING
	$(BIN)/pytest -q -n 2 --dist loadgroup

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check antq config tests
	$(BIN)/bandit -q -c pyproject.toml -r antq config

# Pins every dependency (and the dev and bench extras) from pyproject.toml's ranges.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --extra bench --strip-extras --no-emit-index-url \
	  --no-emit-find-links -o requirements.lock pyproject.toml

typecheck: install
	$(BIN)/mypy antq config

check-migrations: install
	$(BIN)/antq makemigrations --check --dry-run

messages:
	$(BIN)/antq makemessages -l en --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	$(BIN)/antq compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) var

# Benchmarks (issue 7, docs/performance.md): PostgreSQL databases of their own, filled once by
# generate_national (it adds nothing on a second run). Not part of `make test`.
# One province (BENCH_PROVINCE) is generated first with the same seed and size in every dataset, the
# rest of the country after it: the growth comparison times that province's dashboard in a 20,000-
# and a 200,000-unit country (`make bench-growth`).
BENCH_DB ?= antq_bench
BENCH_DATABASE_URL ?= postgresql://antq@127.0.0.1:5432/$(BENCH_DB)
BENCH_UNITS ?= 200000
BENCH_PROVINCE ?= T22
BENCH_PROVINCE_UNITS ?= 3300
BENCH_ARGS ?=
bench-data: install
	psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_roles where rolname='antq'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -qc "create role antq login createdb"
	psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='$(BENCH_DB)'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -qc "create database $(BENCH_DB) owner antq"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/antq migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/antq load_frameworks
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/antq generate_national \
	  --provinces $(BENCH_PROVINCE) --units $(BENCH_PROVINCE_UNITS)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/antq generate_national \
	  --units $$(( $(BENCH_UNITS) - $(BENCH_PROVINCE_UNITS) ))
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/antq shell -c "from django.db import connection; \
	  connection.cursor().execute('VACUUM ANALYZE')"

bench: bench-data
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/antq bench --province $(BENCH_PROVINCE) $(BENCH_ARGS)

# The dashboards of BENCH_PROVINCE in a 20,000-unit country (database antq_bench_20k), then in the
# 200,000-unit one, and the ratio of each row (var/bench/growth.json).
bench-growth:
	$(MAKE) bench BENCH_DB=antq_bench_20k BENCH_UNITS=20000 BENCH_ARGS="--only dashboards --json var/bench/20k.json"
	$(MAKE) bench BENCH_ARGS="--only dashboards --json var/bench/200k.json"
	$(BIN)/antq bench_compare var/bench/20k.json var/bench/200k.json --json var/bench/growth.json

loadtest: bench-data
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/antq loadtest
