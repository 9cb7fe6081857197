# icsmap: two commands do all the set-up.
#   make run   - virtualenv, install, migrate, load the shipped data and demo, serve on 127.0.0.1:8000
#   make test  - virtualenv if needed, then the whole test suite
# DATABASE_URL switches both to PostgreSQL (default: an embedded SQLite file, db.sqlite3).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALLED := $(VENV)/.installed
DEMO_GOVERNANCE := $(wildcard fixtures/governance/*.yaml)

.PHONY: run setup data test lint format install

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

install: $(INSTALLED)

# Idempotent: a second run migrates nothing, re-imports as a no-op and reloads nothing.
data: install
	$(MANAGE) migrate --noinput
	$(MANAGE) import_ods
	$(MANAGE) load_governance $(DEMO_GOVERNANCE)
	$(MANAGE) check_tree

setup: data
	$(MANAGE) collectstatic --noinput --verbosity 0

run: setup
	$(MANAGE) runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) spectacular --validate --fail-on-warn --file $(VENV)/openapi-schema.yml

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
