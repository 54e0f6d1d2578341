# The Dress Store. `make run` sets everything up and serves the demo store; `make test` runs
# the whole suite on PostgreSQL and Redis. See README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PRODUCTS ?= 120

.DEFAULT_GOAL := help
.PHONY: help run serve test lint format check deploy-check bench loadtest clean

help:
	@echo "make run      set up a virtualenv, the database and the demo store, then serve it on http://127.0.0.1:8000"
	@echo "make test     run the whole test suite on PostgreSQL and Redis"
	@echo "make lint     ruff check and format check"
	@echo "make format   ruff format and fix"
	@echo "make check    Django's checks, migrations check, and check --deploy under production settings"
	@echo "make bench    the benchmark: seed PRODUCTS=2000 into a scratch database, measure the stack (bench/README.md)"
	@echo "make loadtest the sale-day load test: Locust's shoppers on the stack, ramped up, then the books proved"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# The pictures' renditions are made beside the server (scripts/run-dev.sh), not ahead of it.
run: $(VENV)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo --products $(PRODUCTS) --demo-staff --no-renditions
	scripts/run-dev.sh

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Two pytest-xdist workers, a test file each at a time: on two cores the browsers, stacks and
# database waits of one overlap the other's Python (about 10 minutes in one process, 7 in two).
TEST_ARGS ?= -n 2 --dist loadfile

test: $(VENV)/.installed-dev node_modules/.installed
	scripts/run-tests.sh $(TEST_ARGS)

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --silent
	touch $@

bench: $(VENV)/.installed-dev bench/node_modules/.installed
	$(BIN)/python bench/run.py --products $(if $(filter command line,$(origin PRODUCTS)),$(PRODUCTS),2000)

loadtest: $(VENV)/.installed-dev
	$(BIN)/python bench/loadtest.py --products $(if $(filter command line,$(origin PRODUCTS)),$(PRODUCTS),2000)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(VENV)/.installed-dev
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) spectacular --validate --fail-on-warn --file /dev/null
	DJANGO_SETTINGS_MODULE=dress_store.settings.production \
	DJANGO_SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 60) \
	DJANGO_ALLOWED_HOSTS=shop.example.com DATABASE_URL=postgres://postgres@127.0.0.1:5432/dress_store \
	REDIS_URL=redis://127.0.0.1:6379/0 REDIS_LIMITS_URL=redis://127.0.0.1:6380/0 \
	EMAIL_URL=smtp://127.0.0.1:25 DEFAULT_FROM_EMAIL=shop@example.com \
	SITE_URL=https://shop.example.com STRIPE_SECRET_KEY=sk_live_check STRIPE_WEBHOOK_SECRET=whsec_check \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules bench/node_modules db.sqlite3 media staticfiles .test-media
