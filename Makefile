# icsmap: two commands do all the set-up.
#   make run   - virtualenv, install, migrate, load the shipped data and governance, serve on 127.0.0.1:8000
#                (ADDRESS=host:port to change it); again on an unchanged checkout, it serves at once
#   make serve - the same, served by gunicorn (two workers) instead of Django's development server
#   make test  - virtualenv and front-end packages if needed, then the whole test suite
#                (browser tests need /usr/bin/chromium: apt-get install chromium; else they skip)
# The pictures (diagram.svg, ladder.png…) are drawn by Graphviz's dot: the install step adds
# Debian's graphviz package when dot is missing (as root; elsewhere: apt-get install graphviz).
# DATABASE_URL switches both to PostgreSQL (default: an embedded SQLite file, db.sqlite3).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
# The generated-client test's generator, in a virtualenv of its own (requirements-client.txt).
CLIENT_VENV := .venv-client
CLIENT_INSTALLED := $(CLIENT_VENV)/.installed
# The NHS.UK frontend (npm, exact version in package-lock.json) and its stylesheet made
# local (no font CDN) by tools/frontend.py. node_modules is git-ignored.
FRONTEND := node_modules/.icsmap/.installed
# Researched governance, one file per system, every holder with its source (no invented people:
# the illustrative Greater Manchester lives in tests/data/governance/).
GOVERNANCE := $(wildcard fixtures/governance/*.yaml)

# A second `make run` on an unchanged checkout skips what would change nothing: the data steps
# when nothing they read has changed since they last ran today against this database (a stamp per
# DATABASE_URL and day: the tree is placed as of today, so a new day runs them again), and
# collectstatic when no static input has changed. `make data` always runs the data steps;
# delete .make/ (or the SQLite file) to start again.
STAMPS := .make
TODAY := $(shell date +%F)
DATABASE_KEY := $(shell printf '%s' "$$DATABASE_URL" | cksum | cut -d' ' -f1)
DATA_STAMP := $(STAMPS)/data-$(DATABASE_KEY)-$(TODAY)
DATA_INPUTS := $(wildcard fixtures/ods/*) $(GOVERNANCE) $(wildcard governance/migrations/*.py) \
	$(shell find governance/ingest governance/governance_file governance/domain governance/models governance/management -name '*.py')
# A missing SQLite file (the default database) is no database: run the data steps whatever the stamp says.
DATA_FORCE := $(if $(DATABASE_URL),,$(if $(wildcard db.sqlite3),,FORCE))
STATIC_STAMP := staticfiles/.collected
STATIC_INPUTS := $(shell find governance/static -type f) icsmap/settings.py

.PHONY: run serve setup data test test-tools lint format install bench FORCE

$(INSTALLED): requirements.txt
	command -v dot >/dev/null || (apt-get update && apt-get install -y graphviz)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

# What only tests, lint and the bench need (openpyxl among them): not installed by make run.
$(TEST_INSTALLED): requirements-test.txt $(INSTALLED)
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $(TEST_INSTALLED)

$(CLIENT_INSTALLED): requirements-client.txt
	test -x $(CLIENT_VENV)/bin/python || $(PYTHON) -m venv $(CLIENT_VENV)
	$(CLIENT_VENV)/bin/python -m pip install --quiet -r requirements-client.txt
	touch $(CLIENT_INSTALLED)

$(FRONTEND): package.json package-lock.json tools/frontend.py | $(INSTALLED)
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m tools.frontend
	touch $(FRONTEND)

install: $(INSTALLED) $(FRONTEND)

# Idempotent: a second run migrates nothing, re-imports as a no-op and reloads nothing. After the
# governance files, every other open system gets its statutory board (holders not recorded) and ICP.
# Each step prints counts, not rows (a command's --verbosity 2 lists the rows).
define DATA_STEPS
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) import_ods
	$(if $(GOVERNANCE),$(MANAGE) load_governance $(GOVERNANCE))
	$(MANAGE) scaffold_governance
	$(MANAGE) check_tree
endef

data: install
	$(DATA_STEPS)

$(DATA_STAMP): $(INSTALLED) $(DATA_INPUTS) $(DATA_FORCE) | $(FRONTEND)
	$(DATA_STEPS)
	mkdir -p $(STAMPS)
	rm -f $(STAMPS)/data-$(DATABASE_KEY)-*
	touch $@

$(STATIC_STAMP): $(INSTALLED) $(FRONTEND) $(STATIC_INPUTS)
	$(MANAGE) collectstatic --noinput --verbosity 0
	touch $@

setup: $(DATA_STAMP) $(STATIC_STAMP)

ADDRESS ?= 127.0.0.1:8000
run: setup
	$(MANAGE) runserver $(ADDRESS)

# A quick look at the site as it runs for real: gunicorn (gunicorn.conf.py warms each worker) on
# the same database; README.md, "Running it for real", has the rest (proxy, PostgreSQL, Redis, cron).
serve: setup
	$(BIN)/gunicorn icsmap.wsgi --bind $(ADDRESS) --workers 2

# What make test needs beyond make install (.ci/run installs it once, before its two suites start).
test-tools: install $(TEST_INSTALLED) $(CLIENT_INSTALLED)

test: test-tools
	ICSMAP_OPENAPI_PYTHON_CLIENT=$${ICSMAP_OPENAPI_PYTHON_CLIENT:-$(CLIENT_VENV)/bin/openapi-python-client} $(BIN)/pytest

lint: install $(TEST_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) spectacular --validate --fail-on-warn --file $(VENV)/openapi-schema.yml

format: install $(TEST_INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Not part of make test: import, path, HTTP-under-load and scale figures against their
# targets (bench/run.py; PostgreSQL by default, BENCH_ARGS=--sqlite for SQLite).
bench: install $(TEST_INSTALLED)
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
