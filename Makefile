# Solidarity — every command a user runs. README names `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint format lock messages check-deploy clean e2e-deps screenshots prod-local prod-stop bench faults prod-install check-system upgrade-check release-fixture upgrade rollback restore-drill

# Installs (issue 17): requirements/prod.lock is what production runs, requirements/dev.lock
# adds the development tools; both pinned with hashes by `make lock` (pip-compile).
PROD_LOCK := requirements/prod.lock
DEV_LOCK := requirements/dev.lock
$(STAMP): $(DEV_LOCK) $(PROD_LOCK)
	$(PYTHON) deploy/check_system.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	touch $(STAMP)

## setup: check the Python version and system packages, then .venv with requirements/dev.lock
setup: $(STAMP)

## check-system: the Python version and the system packages the set-up needs (what is missing, how to install it)
check-system:
	$(PYTHON) deploy/check_system.py

## prod-install: only what production runs (requirements/prod.lock, every hash checked) into
## PROD_VENV (default .venv: on a server, run it in /srv/solidarity/app)
PROD_VENV ?= $(VENV)
prod-install:
	$(PYTHON) deploy/check_system.py
	$(PYTHON) -m venv $(PROD_VENV)
	$(PROD_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r $(PROD_LOCK)
	$(PROD_VENV)/bin/python -m pip check

## demo: set up, then `manage.py run_demo`: migrate an SQLite database, load the demo data,
## seal the public log, verify the ledger (so /readyz answers 200) and serve http://127.0.0.1:8000 with the task worker and the local
## Stripe fake on 127.0.0.1:12111 (card gifts work; docs/payments.md)
demo: setup
	$(PY) manage.py run_demo

## test: set up, lint, then run the whole suite (PostgreSQL when DATABASE_URL is set),
## the fault tests in tests/faults/ included (they need PostgreSQL and skip without it)
test: setup lint e2e-deps
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check solidarity tests bench deploy
	$(VENV)/bin/mypy solidarity
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r solidarity --severity-level medium
	$(PY) manage.py lint_migrations  # migrations safe for a rolling deploy (docs/upgrades.md)

## upgrade-check: restore the previous release's database (tests/fixtures/previous_release/)
## into a scratch PostgreSQL database, migrate it with this code, verify_ledger (POSTGRES_URL)
upgrade-check: setup
	$(PY) deploy/previous_release.py check

## upgrade: as root on a server, in the new release's checkout (/srv/solidarity/releases/…):
## install, check --deploy, migrate, collectstatic, switch /srv/solidarity/app, rolling restart
## (UPGRADE_ARGS=--skip-migrate on the 2nd…Nth machine, --dry-run to print the steps)
upgrade:
	$(PYTHON) deploy/upgrade.py upgrade $(CURDIR) $(UPGRADE_ARGS)

## rollback: as root on a server: back to /srv/solidarity/previous, rolling restart
rollback:
	$(PYTHON) deploy/upgrade.py rollback $(UPGRADE_ARGS)

## release-fixture: at each release, refresh tests/fixtures/previous_release/ from this commit
release-fixture: setup
	$(PY) deploy/previous_release.py dump

## check-deploy: Django's deployment checks under production settings (throw-away keys)
check-deploy: setup
	$(PY) -m solidarity.deploy_check

format: setup
	$(VENV)/bin/ruff format solidarity tests bench

## messages: re-extract interface strings into solidarity/locale and compile them
messages: setup
	$(PYTHON) deploy/check_system.py --for messages
	cd solidarity && ../$(PY) ../manage.py makemessages -l ru -l be --no-location --ignore 'demo/*'
	cd solidarity && ../$(PY) ../manage.py compilemessages

## lock: re-pin requirements/prod.lock from prod.in, then dev.lock from dev.in within it,
## with hashes; existing pins are kept unless LOCK_ARGS says (--upgrade, --upgrade-package X)
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" ../$(VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: setup
	cd requirements && $(PIP_COMPILE) -o prod.lock prod.in
	cd requirements && $(PIP_COMPILE) -o dev.lock dev.in

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

## restore-drill: back up a scratch PostgreSQL database with the demo data, restore it into a
## second one, verify the ledger and the log there and compare root, balances and row counts
## (DATABASE_URL names the server; default postgres://postgres@127.0.0.1:5432/postgres). CI runs it.
restore-drill: setup
	$(PY) deploy/restore_drill.py

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
