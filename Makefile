# Orga — the commands people use. `make run` and `make test` work on a fresh machine:
# they install what is missing (uv, Python deps, Kafka jars, FerretDB) from the repo's own files.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
export PATH := $(HOME)/.local/bin:$(PATH)
UV := uv
NAME ?=
UNTIL ?=

.PHONY: help uv install infra-install infra-up infra-down infra-status infra-clean run down \
        web-assets browser test lint format schemas schemas-check content-lint unit integration e2e deploy-check bench replay

help: ## list the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

uv: ## install uv (pinned) if missing
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --user --quiet "uv==$(UV_VERSION)"

install: uv web-assets ## Python dependencies from uv.lock, front-end packages from the npm lock
	@$(UV) sync --frozen --quiet

WEB := services/web
web-assets: $(WEB)/node_modules/.package-lock.json ## DSFR, htmx, Chart.js, axe-core (npm ci, pinned by the lock)
$(WEB)/node_modules/.package-lock.json: $(WEB)/package-lock.json $(WEB)/package.json
	@cd $(WEB) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

browser: ## Debian's Chromium for the browser tests (installed if missing)
	@test -x /usr/bin/chromium || { echo "installing chromium (apt-get)"; \
	  (apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }); }
	@/usr/bin/chromium --version

infra-install: install ## fetch Kafka jars and build FerretDB if missing
	@scripts/infra.sh install

infra-up: infra-install ## start Kafka and FerretDB in the background (idempotent)
	@scripts/infra.sh up

infra-down: ## stop Kafka and FerretDB started by infra-up
	@scripts/infra.sh down

infra-status:
	@scripts/infra.sh status

infra-clean: ## stop and wipe local Kafka and database data
	@scripts/infra.sh clean

run: infra-install ## the whole system with demo data; prints the URLs
	@scripts/run.sh start

down: ## stop everything `make run` and `make infra-up` started
	@scripts/run.sh stop
	@scripts/infra.sh down

lint: install ## ruff (lint + format check) and mypy on the kernel and domain code
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy shared/src/orga_shared $(wildcard services/*/src/*/domain)

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

schemas: install ## write the JSON Schema of every event version to schemas/
	@$(UV) run --frozen python -m orga_shared.events.schemas --out schemas

schemas-check: install ## fail if schemas/ differs from the event models
	@$(UV) run --frozen python -m orga_shared.events.schemas --out schemas --check

content-lint: install ## check the learning-content release; prints one JSON line of counts
	@$(UV) run --frozen python -m assessment.entrypoints.content_lint

unit: install
	$(UV) run --frozen pytest -m unit -q

integration: infra-up
	$(UV) run --frozen pytest -m integration -q

e2e: infra-up
	$(UV) run --frozen pytest -m e2e -q

deploy-check: install ## render the Helm chart and validate the manifests
	@bash scripts/validate-deploy.sh

test: lint schemas-check content-lint browser infra-up ## lint, then every test (unit, integration, e2e) on the real stack
	$(UV) run --frozen pytest -q -m "unit or integration or e2e" --junitxml=.local/junit.xml

bench: infra-up ## benchmarks (make bench NAME=G3); figures in bench/results/
	$(UV) run --frozen python -m bench.run $(NAME)

dlq: infra-up ## list or replay a dead-letter topic (make dlq ARGS="list assessment.events.dlq"; ARGS="replay T.dlq --event-id ID")
	$(UV) run --frozen python -m orga_shared.messaging.dlq $(ARGS)

replay: infra-up ## rebuild analytics' projections, then switch (make replay UNTIL=2026-10-01T00:00Z: as of)
	$(UV) run --frozen orga-analytics replay $(if $(UNTIL),--until $(UNTIL))
