# The two commands of the README: `make run` and `make test`. Everything they need is provisioned
# by scripts/provision.sh (idempotent; a second run starts in seconds).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
MANAGE := $(PY) manage.py
RUN_ENV := source scripts/env.sh run
# make run: the web and worker processes connect as a role that owns nothing (scripts/env.sh)
SERVE_ENV := export PORTAL_DB_SEPARATE_ROLES=1 && $(RUN_ENV)
TEST_ENV := source scripts/env.sh test
PYTEST_ARGS ?=
SCALE ?= small

.PHONY: help run test verify backup restore provision provision-test migrate seed lint format services-stop bench bench-home messages

help:
	@echo "make run    provision, migrate, load reference + demo data, serve with a Celery worker and beat"
	@echo "make test   provision test services and run the whole suite (pytest, Playwright + Chromium)"
	@echo "make verify the input checks alone (schemathesis, hostile corpus, bandit: tests/verify); make test runs them too"
	@echo "make lint   ruff check + format check"
	@echo "make backup / make restore BACKUP=<folder>   database (pg_dump) and media, see docs/operations.md"
	@echo "make bench  run the benchmarks in bench/ against a gunicorn server (see docs/benchmarks.md)"

provision:
	@bash scripts/provision.sh run

provision-test:
	@bash scripts/provision.sh test

# Compiles only when a catalogue is newer than its .mo (no Django start-up otherwise). .data (the
# PostgreSQL clusters, thousands of files) and staticfiles hold no catalogue: not walked.
messages:
	@for po in $$(find . \( -path ./.venv -o -path ./.data -o -path ./staticfiles -o -path ./.git \) -prune -o -name '*.po' -print); do \
	  if [ "$$po" -nt "$${po%.po}.mo" ]; then \
	    $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=.data --ignore=staticfiles --ignore=.git -v 0; break; fi; done

# scripts/prepare.sh migrates and loads the reference and demo data, or skips them when nothing they
# read changed since the last run (PREPARE=1 forces them).
run: provision
	@$(SERVE_ENV) && $(MAKE) --no-print-directory messages && bash scripts/prepare.sh $(SCALE) \
	  && exec bash scripts/serve.sh

test: provision-test
	@$(TEST_ENV) && $(MAKE) --no-print-directory messages && $(MANAGE) makemigrations --check --dry-run -v 1 \
	  && .venv/bin/ruff check . && .venv/bin/ruff format --check . \
	  && DJANGO_ENV=production DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DJANGO_ALLOWED_HOSTS=portal.langson.gov.vn \
	     PORTAL_PAYMENT_CALLBACK_SECRET=$$(head -c 48 /dev/urandom | base64) \
	     PORTAL_SIGNING_KEY_PASSPHRASE=$$(head -c 48 /dev/urandom | base64) \
	     $(MANAGE) check --deploy --fail-level WARNING \
	  && $(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Issue 9's checks alone, on the test services (they are also part of `make test`, being under tests/):
# schemathesis over the OpenAPI schema, the hostile corpus over every page/form/endpoint, bandit.
verify: provision-test
	@$(TEST_ENV) && $(MAKE) --no-print-directory messages \
	  && $(PY) -m pytest tests/verify -n 2 --dist loadgroup -s $(PYTEST_ARGS)

# Back up / restore the `make run` database and media (docs/operations.md): make restore BACKUP=<folder>
backup:
	@$(SERVE_ENV) && bash scripts/backup.sh

restore:
	@$(SERVE_ENV) && bash scripts/restore.sh "$(BACKUP)"

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

services-stop:
	@bash scripts/stop.sh run; bash scripts/stop.sh test

bench: provision
	@$(RUN_ENV) && bash bench/run.sh
