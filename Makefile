# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test setup lint typecheck pytest bench clean bpmnlint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/pathways db upgrade
	$(BIN)/pathways demo
	$(BIN)/pathways models deploy bpmn/*.bpmn
	@echo
	@echo "Pathways is set up on $${PATHWAYS_DATABASE_URL:-sqlite:///pathways.db}. Drive a case from the shell:"
	@echo "  . $(BIN)/activate"
	@echo "  pathways instances start jobseeker --client C-1001 --municipality barsby --integration-language fi"
	@echo "  pathways tasks list --organisation westland-ea"
	@echo "  pathways tasks complete TASK --as ville --data '{...}'   (see forms/ for each step's fields)"
	@echo "  pathways instances show CASE"

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

# bpmnlint is pinned in package-lock.json; `npm ci` reinstalls only when the lock changes.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

bpmnlint: node_modules/.package-lock.json
	npx --no-install bpmnlint bpmn/*.bpmn

test: lint typecheck bpmnlint pytest

bench: setup
	$(BIN)/python bench/engine_overhead.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
