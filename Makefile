# Peninsula Papers. `make help` lists the targets; anything else (linkcheck,
# epub, ...) goes to `sphinx-build -M`. Builds are strict everywhere, and go
# through tools/build.py: Sphinx writes into $(BUILDDIR)/.staging, and only a
# build that succeeded is published to $(BUILDDIR)/html, latex, ...

PYTHON      ?= python3
VENV        ?= .venv
BUILDDIR    ?= _build
SPHINXOPTS  ?= -W --keep-going -n -j auto
BIN         := $(VENV)/bin
# build into the staging folder, publish only what built
BUILD       := $(BIN)/python tools/build.py --builddir $(BUILDDIR)
STAMP       := $(VENV)/.installed
# the editor's lint (peninsula.gates.lint), with its own doctrees
LINT        := $(BIN)/sphinx-build -b lint . $(BUILDDIR)/lint -d $(BUILDDIR)/lint/.doctrees $(SPHINXOPTS)
# npm ci writes this file: node_modules is current when it is newer than the lock
NODE_STAMP  := node_modules/.package-lock.json
PORT        ?= 8000

.DEFAULT_GOAL := help
.PHONY: help venv lock html latexpdf epub site livehtml serve test check record revise bench clean

help: ## list the targets
	@grep -hE '^[a-z]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11 or newer is needed; run with PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
	  --require-hashes -r requirements.txt
	touch $@

venv: $(STAMP) ## create .venv with the pinned Python dependencies

lock: $(STAMP) ## regenerate requirements.txt (pins and hashes) from requirements.in
	tools/lock.sh

html: $(STAMP) ## build the website into _build/html
	$(BUILD) html $(SPHINXOPTS)

latexpdf: $(STAMP) ## the PDF edition and one PDF per essay into _build/latex, remaking only what changed (needs TeX Live)
	tools/system-deps.sh pdf
	$(BUILD) latexpdf $(SPHINXOPTS)

epub: $(STAMP) ## the EPUB edition: _build/epub/peninsula-papers.epub (EPUB 3, Hangul font embedded)
	$(BUILD) epub $(SPHINXOPTS)

# the HTML build copies the PDFs and the EPUB just published in _build/latex
# and _build/epub; first, the publishing pass: no essay changed in silence, no
# uncited paragraph
site: $(STAMP) ## the site to publish: make check STRICT=1's lint, the PDFs, the EPUB, then the website carrying them
	$(LINT) -D peninsula_lint_strict=1
	tools/system-deps.sh pdf
	$(BUILD) latexpdf $(SPHINXOPTS)
	$(BUILD) epub $(SPHINXOPTS)
	$(BUILD) html $(SPHINXOPTS)

livehtml: $(STAMP) ## serve the last good site at http://127.0.0.1:8000, rebuilt on every save
	$(BIN)/python tools/live.py --builddir $(BUILDDIR) --port $(PORT) $(SPHINXOPTS)

serve: ## serve the last build at http://127.0.0.1:8000 (search needs a server, not file://)
	@test -f $(BUILDDIR)/html/index.html || { echo "nothing built yet: run make html first"; exit 1; }
	@echo "serving $(BUILDDIR)/html at http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(BUILDDIR)/html

test: $(STAMP) ## install what the tests need (TeX Live, Chromium, Node, Java), then run every test
	tools/system-deps.sh test
	$(MAKE) --no-print-directory $(NODE_STAMP)
	$(BIN)/python -m pytest

# the JavaScript the tests run in the browser (axe-core), pinned by package-lock.json
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

# the editor's lint reads the project into its own doctrees, so `make html` never waits on it
check: $(STAMP) ## ruff, then the editor's lint (report in _build/lint); STRICT=1: uncited paragraphs and unrecorded versions fail
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(LINT) -D peninsula_lint_strict=$(or $(STRICT),0)

# versions of record (tools/versions.py): the lock is articles/versions.lock
record: $(STAMP) ## publish: record each essay's current text as its version of record (ESSAY=<slug> for one)
	$(BIN)/python tools/versions.py record $(if $(ESSAY),--essay $(ESSAY))

revise: $(STAMP) ## start version N+1 of ESSAY=<slug>: keep version N as published, add a History entry (KIND=correction|update|revision|retraction)
	@test -n "$(ESSAY)" || { echo "which essay? run make revise ESSAY=<slug>"; exit 1; }
	$(BIN)/python tools/versions.py revise --essay $(ESSAY) --kind $(or $(KIND),correction) $(if $(DATE),--date $(DATE))

# the goals of the editor's loop, measured in one run: ours as make html and make
# latexpdf run it (with SPHINXOPTS), against plain `sphinx-build -b html` with no
# options on the same essays. With no arguments every row is measured: N essays,
# the growth to BENCH_GROWTH, the PDFs (TeX Live), linearity and the search at
# BENCH_LARGE (Chromium); a quicker partial run, e.g.:
#   make bench BENCH_R=1 BENCH_GROWTH=0 BENCH_PDF=0 BENCH_LARGE=0 BENCH_SEARCH=0
# BENCH_ARGS adds any other option of benchmarks/bench.py (--help)
BENCH_N      ?= 200
BENCH_M      ?= 2000
BENCH_R      ?= 3
BENCH_GROWTH ?= 400
BENCH_LARGE  ?= 1000
BENCH_PDF    ?= 1
BENCH_SEARCH ?= 1
BENCH_ARGS   ?=

bench: $(STAMP) ## time the editor's loop against plain Sphinx: _build/bench.md and bench.json
	$(BIN)/python benchmarks/bench.py --essays $(BENCH_N) --entries $(BENCH_M) \
	  --repeat $(BENCH_R) --growth $(BENCH_GROWTH) --large $(BENCH_LARGE) \
	  $(if $(filter 1,$(BENCH_PDF)),--pdf,--no-pdf) \
	  $(if $(filter 1,$(BENCH_SEARCH)),--search,--no-search) \
	  --sphinxopts="$(SPHINXOPTS)" \
	  --json $(BUILDDIR)/bench.json --markdown $(BUILDDIR)/bench.md $(BENCH_ARGS)

clean: ## remove everything built (keeps .venv)
	rm -rf $(BUILDDIR) _generated topics authors

Makefile requirements.txt package.json package-lock.json: ;

%: $(STAMP)
	$(BUILD) $@ $(SPHINXOPTS)
