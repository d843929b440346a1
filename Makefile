# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
PYTHON ?= python3
UV := $(PYTHON) -m uv

.PHONY: run test test-slow lint ui docs install clean bench

install:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --python $(PYTHON)

run: install
	$(UV) run --frozen --no-sync barometre run

ui: install
	$(UV) run --frozen --no-sync barometre ui

# The analysts' data dictionary (dbt docs of the warehouse), offline, on http://127.0.0.1:8080
docs: install
	$(UV) run --frozen --no-sync barometre docs

# The fast lane by default; with CI set (.ci/run sets it) the slow end-to-end cases too, in the same
# session so the pipeline runs the tests share are built once.
test: install
	$(UV) run --frozen --no-sync pytest -q $(if $(CI),,-m "not slow")

test-slow: install
	$(UV) run --frozen --no-sync pytest -q -m slow

# ruff on the Python, sqlfluff on the dbt SQL (dbt_project/.sqlfluff); the Dagster definitions load and
# validate (after dbt parses the project).
lint: install
	$(UV) run --frozen --no-sync ruff check .
	$(UV) run --frozen --no-sync sqlfluff lint dbt_project/models dbt_project/tests dbt_project/macros --processes 2
	$(UV) run --frozen --no-sync python -c "from orchestration.dbt_project import prepare; prepare()"
	$(UV) run --frozen --no-sync dagster definitions validate -w workspace.yaml

bench: install
	$(UV) run --frozen --no-sync python -m bench

clean:
	rm -rf var dbt_project/target dbt_project/logs
