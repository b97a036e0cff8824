# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run cluster test setup lint typecheck pytest bench bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The demo: embedded SQLite, the shipped pathways, demo people who log in with the demo
# password (accepted only in demo mode), served with the timer poller in-process.
run: export PATHWAYS_DEMO = 1
run: setup
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

pytest: setup
	$(BIN)/pytest

test: lint typecheck pytest

bench: setup
	$(BIN)/python bench/engine_overhead.py

# Task-list and dashboard queries at 100,000 cases, and mixed load on one and two replicas.
bench-load: setup
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
