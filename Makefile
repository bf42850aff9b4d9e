# Peninsula Papers. `make help` lists the targets; anything else (linkcheck,
# epub, ...) goes to `sphinx-build -M`. Builds are strict everywhere.

PYTHON      ?= python3
VENV        ?= .venv
BUILDDIR    ?= _build
SPHINXOPTS  ?= -W --keep-going -n
BIN         := $(VENV)/bin
SPHINXBUILD := $(BIN)/sphinx-build
STAMP       := $(VENV)/.installed
# npm ci writes this file: node_modules is current when it is newer than the lock
NODE_STAMP  := node_modules/.package-lock.json
PORT        ?= 8000

.DEFAULT_GOAL := help
.PHONY: help venv html latexpdf site livehtml serve test check clean

help: ## list the targets
	@grep -hE '^[a-z]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11 or newer is needed; run with PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(STAMP) ## create .venv with the pinned Python dependencies

html: $(STAMP) ## build the website into _build/html
	$(SPHINXBUILD) -M html . $(BUILDDIR) $(SPHINXOPTS)

latexpdf: $(STAMP) ## build the PDF edition and one PDF per essay into _build/latex (needs TeX Live)
	tools/system-deps.sh pdf
	$(SPHINXBUILD) -M latexpdf . $(BUILDDIR) $(SPHINXOPTS)

site: $(STAMP) ## the site to publish: the PDFs, then the website carrying them in pdf/
	tools/system-deps.sh pdf
	$(SPHINXBUILD) -M latexpdf . $(BUILDDIR) $(SPHINXOPTS)
	$(SPHINXBUILD) -M html . $(BUILDDIR) $(SPHINXOPTS)

livehtml: $(STAMP) ## serve the site at http://127.0.0.1:8000, rebuilt on every save
	$(BIN)/sphinx-autobuild . $(BUILDDIR)/html $(SPHINXOPTS) --host 127.0.0.1 --port 8000 \
	  --ignore '*/.venv/*' --ignore '*/tests/*' --ignore '*/.git/*' --ignore '*/_generated/*' \
	  --ignore '*/topics/*' --ignore '*/authors/*' \
	  --watch _ext

serve: ## serve the last build at http://127.0.0.1:8000 (search needs a server, not file://)
	@test -f $(BUILDDIR)/html/index.html || { echo "nothing built yet: run make html first"; exit 1; }
	@echo "serving $(BUILDDIR)/html at http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(BUILDDIR)/html

test: $(STAMP) ## install what the tests need (TeX Live, Chromium, Node), then run every test
	tools/system-deps.sh test
	$(MAKE) --no-print-directory $(NODE_STAMP)
	$(BIN)/python -m pytest

# the JavaScript the tests run in the browser (axe-core), pinned by package-lock.json
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

check: $(STAMP) ## lint and format-check the Python code
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean: ## remove everything built (keeps .venv)
	rm -rf $(BUILDDIR) _generated topics authors

Makefile requirements.txt package.json package-lock.json: ;

%: $(STAMP)
	$(SPHINXBUILD) -M $@ . $(BUILDDIR) $(SPHINXOPTS)
