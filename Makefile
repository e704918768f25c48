# mage_ai.pro: `make demo` shows the collection at work, `make test` runs every check.
# Everything is installed into virtual environments here; nothing beyond Python, make and git is assumed.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 >/dev/null 2>&1 && python3.11 -c 'import sys' 2>/dev/null && echo python3.11 || echo python3)
PYTHON312 ?= $(firstword $(shell for p in python3.12 $(HOME)/.pyenv/versions/3.12*/bin/python3.12; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys' 2>/dev/null && echo $$p; done))
VENV := .venv
ONLY ?=

.PHONY: help demo test venvs bench clean sim

BENCH_ARGS ?=

help:
	@echo "make demo   run the example rollout against the local Mage API simulator"
	@echo "make test   run every check (sanity, units, integration, lint, docs, build, import) and print N passed, N failed"
	@echo "make sim    start the simulator with 20 workspaces (Ctrl-C stops it)"
	@echo "make bench  compare the rollout role with the hand-written way (BENCH_ARGS='--sizes 50,200')"

$(VENV)/.done-dev: requirements/dev.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

.venv-2.21/.done: requirements/core-2.21.txt
	@test -n "$(PYTHON312)" || { echo "ansible-core 2.21 needs Python 3.12 or newer, and none was found (set PYTHON312=...)"; exit 1; }
	$(PYTHON312) -m venv .venv-2.21
	.venv-2.21/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	.venv-2.21/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/core-2.21.txt
	touch $@

.venv-2.16/.done: requirements/core-2.16.txt
	$(PYTHON) -m venv .venv-2.16
	.venv-2.16/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	.venv-2.16/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/core-2.16.txt
	touch $@

# A venv that fails to install is reported by tools/checks.sh as a failed line, not skipped.
venvs: $(VENV)/.done-dev
	-@$(MAKE) --no-print-directory .venv-2.21/.done
	-@$(MAKE) --no-print-directory .venv-2.16/.done

test: venvs
	tools/checks.sh $(ONLY)

demo: $(VENV)/.done-dev
	tools/demo.sh

sim: $(VENV)/.done-dev
	PYTHONPATH=tests/simulator $(VENV)/bin/python -m mage_sim --workspaces 20

# Not part of make test: prints figures, writes docs/benchmark.md and docs/benchmark.png.
bench: $(VENV)/.done-dev
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/bench.txt
	$(VENV)/bin/python tools/bench.py $(BENCH_ARGS)

clean:
	rm -rf build .venv .venv-2.21 .venv-2.16 tests/output
