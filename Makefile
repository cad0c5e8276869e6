# Two commands for a fresh machine with Python 3.10+ and make: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-quick lint bundle clean wheelhouse

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip >/dev/null

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/finetune demo

# What the slow tests use, installed here because tests never install software: the npm tools
# pinned in package.json (skipped without npm) and an offline wheelhouse for the bundle test.
WHEELHOUSE = tests/artifacts/wheelhouse-$(shell $(PYTHON) -c "import hashlib;print(hashlib.sha256(open('pyproject.toml','rb').read()).hexdigest()[:12])")

$(WHEELHOUSE)/.complete: pyproject.toml | $(STAMP)
	$(PY) -m pip download -q -d $(WHEELHOUSE) '.[test]' 'setuptools>=68' && touch $@ || echo "note: wheelhouse not filled; the bundle test will be skipped"

wheelhouse: $(WHEELHOUSE)/.complete

test: $(STAMP) wheelhouse
	-command -v npm >/dev/null && $(MAKE) -s $(NPM_STAMP)
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
