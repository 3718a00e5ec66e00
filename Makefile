# LeadUP: `make run` serves the demo site, `make test` runs every test. See README.md.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app
AXE_VERSION := 4.11.0

# The newest Python >= 3.12 on this machine (pyodide-build and pyodide-lock need 3.12+).
PYTHON ?= $(shell for p in python3.13 python3.12 /root/.pyenv/versions/3.12*/bin/python3.12 python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$p; break; fi; done)

.PHONY: run test install install-dev assets chromium axe check bench clean

run: install assets
	$(BIN)/flask db upgrade
	$(BIN)/flask course check || true
	$(BIN)/flask demo seed
	@echo "LeadUP is at http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# The tests marked `serial` (their own servers, restarts) first, alone; then the rest in parallel,
# one test file per worker process (JOBS=1: one at a time). MARKS narrows both by marker
# (MARKS="not e2e" skips the browser); exit 5 is "no test selected" (e.g. no serial one).
JOBS ?= auto
MARKS ?=
AND_MARKS = $(if $(MARKS), and ($(MARKS)))
test: install-dev assets chromium axe
	$(BIN)/python -m pytest -m "serial$(AND_MARKS)" $(PYTEST_ARGS) || [ $$? = 5 ]
	$(BIN)/python -m pytest -m "not serial$(AND_MARKS)" -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

assets: install
	$(BIN)/flask assets fetch

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# axe-core (accessibility checks), self-hosted for the browser tests.
axe: tests/.vendor/axe.min.js
tests/.vendor/axe.min.js:
	mkdir -p tests/.vendor
	cd tests/.vendor && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar -xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js && mv package/axe.min.js . && rm -rf package axe-core-$(AXE_VERSION).tgz

check: install
	$(BIN)/flask course check

bench: install-dev assets chromium
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/sims.py
	$(BIN)/python bench/quiz_load.py
	$(BIN)/python bench/deliberation_load.py
	$(BIN)/python bench/workshop_load.py

clean:
	rm -rf $(VENV) static/vendor tests/.vendor instance
