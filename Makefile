# Nieuwe Start: developer commands.
#
#   make demo   the embedded demo at http://127.0.0.1:8000 (SQLite, demo accounts, password "demo")
#   make test   every check CI runs, failing at the first problem
#
# Parts of `make test`: lint, typecheck, django-checks, security, then test-sqlite and
# test-postgres side by side (test-databases).
# Both pytest runs first compile the translations (`make messages`, needs gettext's msgfmt).
# Extra pytest arguments: make test-sqlite PYTEST_ARGS='-k worklist -x'
# Without the browser tests:  make test-sqlite PYTEST_ARGS='-m "not browser"'

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# `make test` runs its steps in the listed order, even under -j.
.NOTPARALLEL:

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCKS := requirements/base.txt requirements/dev.txt
PYENV_PYTHON := $(HOME)/.pyenv/versions/3.12.1/bin/python
PYTEST_ARGS ?=

# Demo, checks and tests run with the settings' own defaults: nothing from the developer's shell
# that changes them gets through. Each target sets what it needs.
unexport DATABASE_URL NIEUWESTART_DEMO NIEUWESTART_TESTING NIEUWESTART_MANIFEST_STATIC \
	NIEUWESTART_REQUIRE_2FA DJANGO_DEBUG DJANGO_SECRET_KEY DJANGO_ALLOWED_HOSTS \
	DJANGO_SECURE_COOKIES DJANGO_SECURE_SSL_REDIRECT DJANGO_SECURE_HSTS_SECONDS \
	DJANGO_BEHIND_PROXY NIEUWESTART_OIDC_ENABLED NIEUWESTART_BENCHMARK_NAIVE NIEUWESTART_LOG_FORMAT
TEST_ENV := NIEUWESTART_TESTING=1 NIEUWESTART_OIDC_ENABLED=
DEMO_ENV := NIEUWESTART_DEMO=1

step = @printf '\n\033[1m==> %s\033[0m\n' "$(1)"

.PHONY: help venv demo tick messages test lint typecheck django-checks security test-sqlite \
	test-postgres test-databases pytest-sqlite pytest-postgres format clean distclean

help:
	@echo "make demo    run the demo at http://127.0.0.1:8000 (creates .venv and db.sqlite3)"
	@echo "make tick    run the notification scheduler once on the demo database (mail to the console)"
	@echo "make test    run every check: lint typecheck django-checks security test-sqlite test-postgres"
	@echo "make security run bandit and the NL API Design Rules lint (Spectral, installed with npm ci)"
	@echo "make messages compile the translations (*.po to *.mo, needs gettext's msgfmt)"
	@echo "make format  rewrite code with ruff (format and safe fixes)"
	@echo "make clean   remove the database, collected static files and the install stamp"

# --- Python environment -------------------------------------------------------------------

venv: $(STAMP)

$(PY):
	@py=""; \
	for candidate in "$$(command -v python3.12 || true)" "$(PYENV_PYTHON)"; do \
		if [ -n "$$candidate" ] && [ -x "$$candidate" ] && "$$candidate" -c \
			'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then \
			py="$$candidate"; break; \
		fi; \
	done; \
	if [ -z "$$py" ]; then \
		echo "error: Python 3.12 not found (looked for python3.12 on PATH and $(PYENV_PYTHON))." >&2; \
		echo "Install Python 3.12, e.g. 'pyenv install 3.12.1', and run make again." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$("$$py" --version))"; \
	"$$py" -m venv "$(VENV)"

# Reinstall only when a lock file changed (or the environment is new).
$(STAMP): $(LOCKS) | $(PY)
	$(call step,Installing locked dependencies into $(VENV))
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements/base.txt -r requirements/dev.txt
	@touch "$@"

# --- Demo ---------------------------------------------------------------------------------

demo: venv
	$(call step,Migrating the demo database (db.sqlite3))
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	@if compgen -G 'nieuwestart/locale/*/LC_MESSAGES/*.po' >/dev/null; then \
		if command -v msgfmt >/dev/null; then \
			printf '\n\033[1m==> %s\033[0m\n' "Compiling translations"; \
			$(DEMO_ENV) $(PY) manage.py compilemessages --ignore=.venv; \
		else \
			echo "warning: msgfmt not found, translations not compiled" \
				"(Debian: apt-get install gettext)" >&2; \
		fi; \
	fi
	$(call step,Loading reference data)
	$(DEMO_ENV) $(PY) manage.py load_reference_data
	$(call step,Loading demo data)
	$(DEMO_ENV) $(PY) manage.py demo_data
	$(call step,Serving the demo at http://127.0.0.1:8000 (stop with Ctrl-C))
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# One run of the notification scheduler on the demo database: new notifications, the daily
# digests, and the outbox delivered to the console (docs/notifications.md). Run it as often as
# you like: nothing is created or sent twice.
tick: venv
	$(call step,Notification scheduler (e-mail goes to the console))
	$(DEMO_ENV) $(PY) manage.py process_notifications

# --- Translations -------------------------------------------------------------------------

# The compiled catalogues (*.mo) are build output, not in git. The tests need them (the English
# UI is tested), so here a missing msgfmt is an error, not the demo's warning.
messages: venv
	$(call step,Compiling translations)
	@command -v msgfmt >/dev/null || { echo "error: msgfmt not found, cannot compile" \
		"the translations (Debian: apt-get install gettext)" >&2; exit 1; }
	$(TEST_ENV) $(PY) manage.py compilemessages --ignore=.venv

# --- Checks -------------------------------------------------------------------------------

test: lint typecheck django-checks security test-databases
	@printf '\n\033[1m==> All checks passed\033[0m\n'

lint: venv
	$(call step,ruff check)
	$(VENV)/bin/ruff check .
	$(call step,ruff format --check)
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(call step,mypy)
	$(TEST_ENV) $(VENV)/bin/mypy nieuwestart

# An in-memory database: these checks must not create or touch db.sqlite3.
django-checks: venv
	$(call step,makemigrations --check)
	$(TEST_ENV) DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run
	$(call step,check --deploy with production-like settings)
	DATABASE_URL=sqlite://:memory: DJANGO_DEBUG=0 \
		DJANGO_ALLOWED_HOSTS=nieuwestart.example \
		DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		$(PY) manage.py check --deploy --fail-level WARNING
	$(call step,check --deploy with organisation sign-in on)
	DATABASE_URL=sqlite://:memory: DJANGO_DEBUG=0 \
		DJANGO_ALLOWED_HOSTS=nieuwestart.example \
		DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		NIEUWESTART_OIDC_ENABLED=1 OIDC_OP_ISSUER=https://login.example \
		OIDC_OP_AUTHORIZATION_ENDPOINT=https://login.example/authorize \
		OIDC_OP_TOKEN_ENDPOINT=https://login.example/token \
		OIDC_OP_JWKS_ENDPOINT=https://login.example/jwks \
		OIDC_OP_END_SESSION_ENDPOINT=https://login.example/logout \
		OIDC_RP_CLIENT_ID=nieuwestart OIDC_RP_CLIENT_AUTH=client_secret_basic \
		OIDC_RP_CLIENT_SECRET="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" \
		$(PY) manage.py check --deploy --fail-level WARNING

# bandit on the product code, and the OpenAPI document against the project's own Spectral
# ruleset for the NL API Design Rules (api-rules/, docs/security.md). Spectral is pinned in
# package-lock.json and installed with npm (node and npm are on the machine image).
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	$(call step,Installing the pinned Spectral CLI (npm ci))
	@command -v npm >/dev/null || { echo "error: npm not found (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch "$@"

security: venv $(NODE_STAMP)
	$(call step,bandit)
	$(VENV)/bin/bandit -c pyproject.toml -r nieuwestart -q
	$(call step,NL API Design Rules (Spectral))
	PY=$(PY) scripts/api-lint.sh

PYTEST_SQLITE = $(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)
PYTEST_POSTGRES = $(TEST_ENV) scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

test-sqlite: venv messages
	$(call step,pytest on SQLite)
	$(PYTEST_SQLITE)

test-postgres: venv messages
	$(call step,pytest on a throwaway PostgreSQL 15 cluster)
	$(PYTEST_POSTGRES)

# Both runs at once, each with its own log in test-results/ (printed whole at the end): on two
# CPUs this takes about as long as the PostgreSQL run alone. The two pytest-* targets are its
# halves, without the steps before them (the translations are compiled once, here).
test-databases: venv messages
	$(call step,pytest on SQLite and on PostgreSQL side by side)
	scripts/side-by-side.sh sqlite '$(MAKE) --no-print-directory pytest-sqlite' \
		postgres '$(MAKE) --no-print-directory pytest-postgres'

pytest-sqlite:
	$(PYTEST_SQLITE)

pytest-postgres:
	$(PYTEST_POSTGRES)

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# --- Cleaning -----------------------------------------------------------------------------

clean:
	rm -f $(STAMP) db.sqlite3 db.sqlite3-wal db.sqlite3-shm db.sqlite3-journal
	rm -rf staticfiles test-results

distclean: clean
	rm -rf $(VENV) .mypy_cache .ruff_cache node_modules
