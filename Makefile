# PsoasCare: `make run` serves the app, `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# npm writes this file on every install. node_modules/ holds the self-check's pose model (served) and axe-core
# (tests only): package.json.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: install system-deps run-deps run test lint typecheck pytest bench figures clean

install: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || bash scripts/install-system-deps.sh npm
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

system-deps:
	@bash scripts/install-system-deps.sh test

run-deps:
	@bash scripts/install-system-deps.sh run

run: install run-deps
	$(BIN)/psoascare serve

test: install system-deps lint typecheck pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/python scripts/run_pytest.py

bench: install system-deps
	$(BIN)/python -m bench

figures: install
	$(BIN)/psoascare figures

clean:
	rm -rf $(VENV) node_modules build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache test-artifacts
