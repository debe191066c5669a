# Solidarity — every command a user runs. README names `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint format lock messages check-deploy clean e2e-deps screenshots prod-local prod-stop bench faults

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

setup: $(STAMP)

## demo: set up, migrate an SQLite database, load the demo data, seal the public log (the
## demo runs no task worker), verify the ledger (so /readyz answers 200) and serve http://127.0.0.1:8000
demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py seal_log
	$(PY) manage.py verify_ledger
	$(PY) manage.py runserver 127.0.0.1:8000

## test: set up, lint, then run the whole suite (PostgreSQL when DATABASE_URL is set),
## the fault tests in tests/faults/ included (they need PostgreSQL and skip without it)
test: setup lint e2e-deps
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check solidarity tests bench deploy
	$(VENV)/bin/mypy solidarity
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r solidarity --severity-level medium

## check-deploy: Django's deployment checks under production settings (throw-away keys)
check-deploy: setup
	$(PY) -m solidarity.deploy_check

format: setup
	$(VENV)/bin/ruff format solidarity tests bench

## messages: re-extract interface strings into solidarity/locale and compile them
messages: setup
	cd solidarity && ../$(PY) ../manage.py makemessages -l ru -l be --no-location --ignore 'demo/*'
	cd solidarity && ../$(PY) ../manage.py compilemessages

## lock: re-pin requirements.lock from requirements.txt in a throw-away environment
lock:
	rm -rf build/lock-venv && $(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet -r requirements.txt
	build/lock-venv/bin/pip freeze > requirements.lock

clean:
	rm -rf $(VENV) var build .pytest_cache .mypy_cache .ruff_cache tests/e2e/node_modules

## prod-local: the production stack on this machine (nginx :8080 → granian → PostgreSQL
## database solidarity_prod, Redis, db_worker), demo data loaded; state under build/prod/
prod-local: setup
	$(PY) deploy/prodlocal.py start

## prod-stop: stop what prod-local started
prod-stop:
	$(PY) deploy/prodlocal.py stop

## bench: every benchmark in bench/ (10–15 minutes, 3 more the first time; BENCH_QUICK=1 for a short run)
bench: setup
	$(PY) -m bench.run_all

## faults: only the fault tests (crashes, restarts, slow Stripe) against PostgreSQL
faults: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest tests/faults

## e2e-deps: axe-core for the browser tests' accessibility checks (npm ci into tests/e2e/node_modules)
AXE := tests/e2e/node_modules/axe-core/axe.min.js
NPM := $(shell command -v npm 2>/dev/null)
e2e-deps: $(if $(NPM),$(AXE),)

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	touch $@

## screenshots: photograph the main pages in Chromium and refresh docs/screenshots/ (the README's pictures)
screenshots: setup e2e-deps
	$(PY) -m pytest tests/e2e/test_screenshots.py
	$(PY) -m tests.e2e.publish_screenshots
