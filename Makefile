# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run cluster test setup assets messages lint typecheck pytest bench bench-load clean bpmnlint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Browser assets: the npm packages pinned in package-lock.json (htmx, bpmn-js and its
# properties panel, esbuild, bpmnlint, swagger-ui-dist for /docs), our modeler bundled by esbuild, and the compiled
# message catalogues; all build output, git-ignored. Pages work without them (in English,
# without htmx); the modeler page says how to build its bundle.
WEB := src/pathways/web
MODELER := $(WEB)/static/build/modeler.js
NPM_STAMP := node_modules/.installed

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

$(MODELER): $(NPM_STAMP) assets/build.mjs $(wildcard assets/modeler/*) $(wildcard assets/heatmap/*)
	node assets/build.mjs

assets: setup $(MODELER)
	mkdir -p $(WEB)/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $(WEB)/static/vendor/htmx.min.js
	mkdir -p $(WEB)/static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	   node_modules/swagger-ui-dist/LICENSE $(WEB)/static/vendor/swagger-ui/
	$(BIN)/pybabel compile --statistics -D messages -d $(WEB)/locale

# Extract the pages' English texts and merge them into the fi and sv catalogues.
messages: setup
	$(BIN)/pybabel extract --no-location -F babel.cfg -k Problem -k Text -o $(WEB)/locale/messages.pot src/pathways
	$(BIN)/pybabel update --no-fuzzy-matching -D messages -i $(WEB)/locale/messages.pot -d $(WEB)/locale

# The demo: embedded SQLite, the shipped pathways, demo people who log in with the demo
# password (accepted only in demo mode), served with the timer poller in-process.
run: export PATHWAYS_DEMO = 1
run: setup assets
	$(BIN)/pathways db upgrade
	$(BIN)/pathways demo
	$(BIN)/pathways models deploy bpmn/*.bpmn
	@echo
	@echo "Pathways serves http://127.0.0.1:$(PORT) (another port: make run PORT=8080) on $${PATHWAYS_DATABASE_URL:-sqlite:///pathways.db}."
	@echo "  API and its documentation: http://127.0.0.1:$(PORT)/docs"
	@echo "  Log in at http://127.0.0.1:$(PORT)/login (or POST /api/session) with the demo password above as"
	@echo "  anna, ville, helmi, erik, elina or tuomas (caseworkers), maija (manager), dana (designer) or admin."
	@echo "  From the shell: . $(BIN)/activate; pathways --help"
	@echo
	$(BIN)/pathways serve --port $(PORT)

# The production topology (docker-compose.yml) as local processes: two replicas on ports
# 8001 and 8002 and one timer worker, on the local PostgreSQL, with the demo loaded.
CLUSTER_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/pathways_cluster
cluster: export PATHWAYS_DEMO = 1
cluster: export PATHWAYS_DATABASE_URL = $(CLUSTER_DATABASE_URL)
cluster: setup
	$(BIN)/python -m pathways.local_cluster --create-database
	$(BIN)/pathways db upgrade
	$(BIN)/pathways demo
	$(BIN)/pathways models deploy bpmn/*.bpmn
	$(BIN)/python -m pathways.local_cluster --ports 8001 8002

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy

pytest: setup assets
	$(BIN)/pytest

bpmnlint: $(NPM_STAMP)
	npx --no-install bpmnlint bpmn/*.bpmn

test: lint typecheck bpmnlint pytest

bench: setup
	$(BIN)/python bench/engine_overhead.py
	$(BIN)/python bench/sandbox_cost.py

# Task-list and dashboard queries at 100,000 cases, and mixed load on one and two replicas.
bench-load: setup
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache node_modules src/pathways/web/static/build
