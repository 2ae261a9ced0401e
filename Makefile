# medassist — `make demo` runs the demo clinic; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: demo install install-test chromium test test-sqlite test-postgres lint audit-deps serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'

demo: install
	$(BIN)/medassist migrate --no-input
	$(BIN)/medassist load_icd10cm
	$(BIN)/medassist demo
	$(BIN)/medassist serve --port $(PORT)

serve: install
	$(BIN)/medassist serve --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The whole suite on SQLite, then on PostgreSQL when DATABASE_URL is set; two pytest-xdist
# workers (one per core), each test file kept on one worker (module-scoped fixtures load once).
PYTEST := $(BIN)/pytest -p no:cacheprovider -n 2 --dist loadfile --durations=15
test: install-test chromium lint test-sqlite test-postgres

lint:
	$(BIN)/ruff check .
	$(BIN)/mypy medassist
	$(BIN)/medassist makemigrations --check --dry-run >/dev/null

test-sqlite:
	env -u DATABASE_URL MEDASSIST_TESTING=1 $(PYTEST)

test-postgres:
	@if [ -n "$$DATABASE_URL" ]; then \
	  MEDASSIST_TESTING=1 $(PYTEST); \
	else echo "DATABASE_URL not set: PostgreSQL run skipped (CI sets it)"; fi

# Known vulnerabilities in the pinned dependencies (OSV). Needs api.osv.dev, which CI's network
# does not reach (only the package registries): run it where the internet is, e.g. before a
# release. Fails on any known vulnerability of a pinned version.
audit-deps:
	$(PYTHON) -m venv $(VENV)-audit
	$(VENV)-audit/bin/pip install --quiet 'pip-audit==2.10.1'
	$(VENV)-audit/bin/pip-audit --requirement constraints.txt --no-deps --disable-pip \
	  --vulnerability-service osv --strict --desc

clean:
	rm -rf $(VENV) $(VENV)-audit var .pytest_cache
