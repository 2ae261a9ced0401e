# medassist — `make demo` runs the demo clinic; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: demo install install-test chromium test test-sqlite test-postgres lint serve clean

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

# The whole suite on SQLite, then on PostgreSQL when DATABASE_URL is set.
test: install-test chromium lint test-sqlite test-postgres

lint:
	$(BIN)/ruff check .
	$(BIN)/mypy medassist
	$(BIN)/medassist makemigrations --check --dry-run >/dev/null

test-sqlite:
	env -u DATABASE_URL MEDASSIST_TESTING=1 $(BIN)/pytest -p no:cacheprovider

test-postgres:
	@if [ -n "$$DATABASE_URL" ]; then \
	  MEDASSIST_TESTING=1 $(BIN)/pytest -p no:cacheprovider; \
	else echo "DATABASE_URL not set: PostgreSQL run skipped (CI sets it)"; fi

clean:
	rm -rf $(VENV) var .pytest_cache
