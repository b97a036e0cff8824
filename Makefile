# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test setup assets lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Browser assets: the npm packages pinned in package-lock.json, bundled by esbuild into
# the package's static folder (not committed). Rebuilt when our sources or the pins change.
MODELER := src/pathways/web/static/build/modeler.js
NPM_STAMP := node_modules/.installed

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

$(MODELER): $(NPM_STAMP) assets/build.mjs $(wildcard assets/modeler/*)
	node assets/build.mjs

assets: $(MODELER)

# The demo: embedded SQLite, the shipped pathways, demo people who log in with the demo
# password (accepted only in demo mode), served with the timer poller in-process.
run: export PATHWAYS_DEMO = 1
run: setup assets
	$(BIN)/pathways db upgrade
	$(BIN)/pathways demo
	$(BIN)/pathways models deploy bpmn/*.bpmn
	@echo
	@echo "Pathways serves http://127.0.0.1:$(PORT) on $${PATHWAYS_DATABASE_URL:-sqlite:///pathways.db}."
	@echo "  API and its documentation: http://127.0.0.1:$(PORT)/docs"
	@echo "  Log in (POST /api/session) as anna, ville, helmi or erik (caseworkers), maija (manager),"
	@echo "  dana (designer) or admin, each with the demo password above."
	@echo "  From the shell: . $(BIN)/activate; pathways --help"
	@echo
	$(BIN)/pathways serve --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy

pytest: setup assets
	$(BIN)/pytest

test: lint typecheck pytest

bench: setup
	$(BIN)/python bench/engine_overhead.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache node_modules src/pathways/web/static/build
