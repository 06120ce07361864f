# The project's interface. Bare `make` prints help. Every target installs what it needs from uv.lock.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
UV ?= $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
RUN := $(UV) run --frozen --no-sync
SYNCED := .venv/.synced
STAMP := .venv/.installed
# The MCP Inspector CLI (npm) drives `databricks-agent serve` in a test, as a second, non-Python MCP client.
INSPECTOR_VERSION := 2.12.0
INSPECTOR := .venv/npm/.installed-$(INSPECTOR_VERSION)
PACKAGES := databricks-shared-utilities databricks-ai-agents databricks-project-templates
# Tests must run with Delta Lake active: a missing jar fails the run instead of silently using parquet.
export DBX_SPARK__REQUIRE_DELTA ?= true
export SPARK_LOCAL_IP ?= 127.0.0.1

.PHONY: help install lint test bench build demo demo-utils contracts clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(SYNCED): uv.lock pyproject.toml $(addsuffix /pyproject.toml,$(PACKAGES))
	@$(UV) --version >/dev/null 2>&1 || { echo "uv is not installed: run '$(PYTHON) -m pip install uv' (or see .ci/run)"; exit 1; }
	$(UV) sync --all-packages --locked --compile-bytecode
	@touch $@

# --compile-bytecode: machines that export PYTHONDONTWRITEBYTECODE would otherwise recompile pydantic,
# pyspark & co. in every test subprocess.
# The Delta jars need Java and Maven Central once; linting needs neither, so it stops at $(SYNCED).
$(STAMP): $(SYNCED)
	$(RUN) databricks-utils install-delta
	@touch $@

# Without npm the Inspector test is skipped (it says why); with npm, a missing Inspector fails the test.
$(INSPECTOR): $(SYNCED)
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --no-audit --no-fund --loglevel=error --prefix .venv/npm @modelcontextprotocol/inspector@$(INSPECTOR_VERSION) && touch $@; \
	else echo "npm not found: skipping the MCP Inspector (its test will be skipped)"; fi

install: $(STAMP) $(INSPECTOR) ## Create .venv from uv.lock, fetch the Delta Lake jars and the MCP Inspector (once)

lint: $(SYNCED) ## ruff check, ruff format --check, mypy (strict), import-linter, our own code review
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	$(RUN) lint-imports
	$(RUN) databricks-agent quality . --fail-on warning

test: $(STAMP) $(INSPECTOR) ## Run every test this machine can run, with branch coverage (>= 90 %)
	@rm -f .coverage .coverage.*
	@# pytest exits 5 when it collected nothing: that is a broken test selection, not a pass.
	@$(RUN) coverage run -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5): check testpaths and PYTEST_ARGS" >&2; exit 1; fi; \
	  exit $$rc
	@$(RUN) coverage combine -q
	$(RUN) coverage report

bench: $(STAMP) ## Run the benchmarks and print medians and ratios (see benchmarks/README.md)
	$(RUN) python benchmarks/bench_config.py
	$(RUN) python benchmarks/bench_spark.py
	$(RUN) python benchmarks/bench_fixtures.py
	$(RUN) python benchmarks/bench_quality.py
	$(RUN) python benchmarks/bench_profile.py
	$(RUN) python benchmarks/bench_code_review.py
	$(RUN) python benchmarks/bench_template.py
	$(RUN) python benchmarks/bench_cli.py

contracts: $(SYNCED) ## Regenerate the CLI and MCP contracts in specs/ from the code (a test checks they match)
	$(RUN) python -m databricks_ai_agents.cli.reference specs/001-ai-native-data-eng-process/contracts

build: $(STAMP) ## Build wheels and sdists of the three packages into dist/
	$(UV) build --all-packages -o dist

demo: $(STAMP) ## From a one-line idea to a generated pipeline that ran locally and passed its tests (build/demo/)
	$(RUN) python databricks-ai-agents/examples/demo.py

demo-utils: $(STAMP) ## A tour of databricks-utils: config, logging, local Spark with Delta, an idempotent MERGE
	$(RUN) python databricks-shared-utilities/examples/demo.py

clean: ## Remove build output, caches and the virtualenv
	rm -rf .venv dist build .coverage .coverage.* htmlcov .mypy_cache .ruff_cache .pytest_cache .hypothesis spark-warehouse metastore_db derby.log
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
