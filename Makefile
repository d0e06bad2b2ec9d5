# The README's words are the targets: `make run` and `make test` do everything on a
# fresh machine (virtualenv, packages, index). Nothing is fetched at run time.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install browser axe index run test eval fit bench bench-scale bench-load lint format clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first, pinned: the CPU build on this machine, not the registry's CUDA one
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) ## create .venv and install everything (once)

# The browser test drives Debian's chromium; nothing downloads a browser. Without root
# or a package registry the install fails, and that one test is skipped with its reason.
browser: ## install Debian's chromium for the browser test, if it is missing
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium could not be installed: the browser test will be skipped"

# The accessibility test (tests/ui/test_accessibility.py) injects axe-core into the page.
# npm installs that one pinned package into .cache/npm (git-ignored), once: the stamp
# names the version, so a new pin installs again. Without npm the install fails, says so,
# and that test fails naming `make test`.
AXE_VERSION := 4.14.1
AXE_STAMP := .cache/npm/.axe-core-$(AXE_VERSION)

$(AXE_STAMP):
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: axe-core cannot be installed, the accessibility test will fail"; exit 0; }; \
		npm install --no-audit --no-fund --silent --save-exact --prefix .cache/npm axe-core@$(AXE_VERSION) && touch $(AXE_STAMP) \
		|| echo "axe-core could not be installed: the accessibility test will fail"

axe: $(AXE_STAMP) ## install axe-core (pinned) for the accessibility test, once

index: install ## build or update the index from corpus/
	$(PY) -m ingest

run: install ## install, serve the chat on 127.0.0.1:7860 (it builds or updates the index itself)
	$(PY) app.py

test: install browser axe ## the import contracts, then every test: the eval gate (bank test split as asked and perturbed, external sample), the browser and accessibility tests
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

eval: install ## the question bank (dev and test, perturbed, with and without the lexicon) and the external sample (writes reports/)
	$(PY) -m ingest --quiet
	-$(PY) -m evals
	-$(PY) -m evals --no-lexicon
	$(PY) -m evals external --sample

fit: install ## fit the answerer's weights on the dev splits (writes assistant/fitted/answerer.json)
	$(PY) -m ingest --quiet
	$(PY) -m evals fit

bench: install ## ask latency on this machine, and the full external benchmark of 1,225 questions (writes reports/)
	$(PY) -m evals bench
	$(PY) -m evals external

bench-scale: install ## the corpus ×1, ×10, ×100: throughput, size, memory, latency, eval, needles (3–7 min)
	$(PY) -m evals bench --scale

bench-load: install ## 16 clients asking through the app's API for 60 s
	$(PY) -m evals bench --load

lint: install ## ruff lint and format check, and the import contracts (.importlinter)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install ## apply ruff formatting
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean: ## remove the virtualenv, index and reports
	rm -rf $(VENV) data reports screenshots .pytest_cache
