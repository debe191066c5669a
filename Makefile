# Solidarity — every command a user runs. README names `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo serve test lint format lock messages check-deploy bandit clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

setup: $(STAMP)

## demo: set up, migrate an SQLite database, load the demo data and serve http://127.0.0.1:8000
demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## test: set up, lint, then run the whole suite (PostgreSQL when DATABASE_URL is set)
test: setup lint
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check solidarity tests bench
	$(VENV)/bin/mypy solidarity
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
	rm -rf $(VENV) var build .pytest_cache .mypy_cache .ruff_cache
