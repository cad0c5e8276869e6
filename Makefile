# Two commands for a fresh machine with Python 3.10+ and make: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-quick lint bundle clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip >/dev/null

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/finetune demo

test: $(STAMP)
	$(PY) -m pytest -q

test-quick: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check server tests benchmarks
	$(VENV)/bin/mypy

# The Claude Desktop bundle (MCPB, uv type): mcpb validates manifest.json, then zips the tree
# minus .mcpbignore. The npm tools are pinned in package.json; the stamp avoids re-running npm.
NPM_STAMP := node_modules/.installed

$(NPM_STAMP): package.json
	npm install --no-audit --no-fund
	touch $(NPM_STAMP)

bundle: $(NPM_STAMP)
	mkdir -p dist
	node_modules/.bin/mcpb pack . dist/finetune-collection.mcpb

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache node_modules
