# PsoasCare: `make run` serves the app, `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-deps run-deps run test lint typecheck pytest bench figures clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

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
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache test-artifacts
