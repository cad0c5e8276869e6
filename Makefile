# Two commands for a fresh machine with Python 3.10+ and make: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed

.PHONY: demo test test-quick lint bundle clean wheelhouse screenshots

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip >/dev/null

# The demo needs only the runtime dependencies; the test extras (Playwright, datasets, mypy, ...)
# are several hundred MB more and come with `make test`.
$(RUNTIME): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -e .
	touch $(RUNTIME)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -e '.[test]'
	touch $(RUNTIME) $(STAMP)

demo: $(RUNTIME)
	$(VENV)/bin/finetune demo

# The README's pictures: the browser test writes its screenshots here instead of a temp folder.
screenshots: $(STAMP)
	FINETUNE_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q tests/review/test_review_browser.py

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
