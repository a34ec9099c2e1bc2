# Observatoire des pratiques coopératives — everyday commands. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv needs Python >= 3.12: take the newest pyenv one if there is one, else let uv find one.
PYENV_PYTHON := $(shell ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V | tail -n 1)
ifneq ($(PYENV_PYTHON),)
export UV_PYTHON ?= $(PYENV_PYTHON)
endif
BOOTSTRAP_PYTHON := $(shell command -v python3 || command -v python)
UV := $(BOOTSTRAP_PYTHON) -m uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/observatoire
DEV_ENV := DJANGO_DEBUG=1
# The suite runs on two processes (pytest-xdist), each with its own test database; override
# with `make test PYTEST_ARGS=` for a single process, or add -k/paths to run a part.
PYTEST_ARGS ?= -n 2

.PHONY: help env npm run db resetdb test test-sqlite test-postgres lint messages bench bench-uncached relevance

help:
	@echo "make run    — environnement, base SQLite, démo, serveur sur http://127.0.0.1:8000"
	@echo "make test   — toute la suite (SQLite, puis PostgreSQL si disponible)"
	@echo "make lint   — ruff, mypy, migrations à jour"
	@echo "make bench  — banc d'essai à grande échelle, cache actif puis coupé (long, hors CI)"
	@echo "make resetdb — repartir d'une base de démonstration neuve"

env: .venv/.synced

.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(BOOTSTRAP_PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

npm: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

db: env
	$(DEV_ENV) $(MANAGE) migrate --no-input
	$(DEV_ENV) $(MANAGE) loaddemo

run: db
	@echo "Observatoire : http://127.0.0.1:8000"
	@echo "Tâches de fond (courriels, lettres) : manage.py runtasks, lancé avec le serveur"
	$(DEV_ENV) $(MANAGE) schedule_digests
	@trap 'kill 0' EXIT; \
	$(DEV_ENV) $(MANAGE) runtasks --queue-name '*' & \
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:8000

resetdb: env
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(MAKE) db

test: env npm
	$(MAKE) test-sqlite
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(POSTGRES_URL:/observatoire=/postgres)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) test-postgres; \
	else echo "PostgreSQL injoignable ($(POSTGRES_URL)) : suite PostgreSQL non lancée."; fi

test-sqlite: env npm
	DATABASE_URL=sqlite:///db-test.sqlite3 $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: env npm
	DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: env
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	DJANGO_DEBUG=1 $(PY) -m mypy observatoire

messages: env
	DJANGO_DEBUG=1 $(MANAGE) makemessages -l fr -l en --no-obsolete --add-location file -i .venv -i node_modules -i bench
	DJANGO_DEBUG=1 $(MANAGE) compilemessages -l fr -l en -i .venv -i node_modules

# Both databases, the cache on then every cache off (bench/README.md); bench-uncached: only
# the cache-off runs, reported in bench/out/RESULTS.md (a partial run never replaces
# bench/RESULTS.md).
bench: env
	bash bench/run.sh

bench-uncached: env
	BENCH_CACHES=off bash bench/run.sh

# Search relevance on both databases, written to the report beside the queries.
RELEVANCE_DIR := observatoire/search/tests/relevance
relevance: env
	rm -rf .relevance && mkdir -p .relevance/report
	DATABASE_URL=sqlite:///db-relevance.sqlite3 RELEVANCE_REPORT_DIR=.relevance/report \
		$(PY) -m pytest -q -p no:xdist $(RELEVANCE_DIR)/../test_relevance.py
	DATABASE_URL=$(POSTGRES_URL:/observatoire=/observatoire_relevance) \
		RELEVANCE_REPORT_DIR=.relevance/report $(PY) -m pytest -q -p no:xdist \
		$(RELEVANCE_DIR)/../test_relevance.py
	{ echo "# Pertinence de la recherche — résultats"; echo; \
	  echo "Écrit par \`make relevance\` au commit $$(git rev-parse --short HEAD)$$(git diff --quiet HEAD -- observatoire || echo ' avec des modifications non commitées'), le $$(date -u '+%Y-%m-%d %H:%M UTC')."; \
	  echo "Objectifs : rappel@10 ≥ 0,95 et MRR ≥ 0,8 sur chaque base ; mêmes dix premières sur les deux."; \
	  for db in sqlite postgresql; do echo; echo "## $$db"; echo; cat .relevance/report/$$db.md; done; \
	} > $(RELEVANCE_DIR)/RESULTS.md
	@echo "== $(RELEVANCE_DIR)/RESULTS.md écrit"
