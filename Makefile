# Setup, build and test. `make site` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := docs/assets/vendor
KATEX_ASSETS := $(VENDOR)/katex
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0
# Reproducible dates (MkDocs stamps sitemap.xml.gz): the commit's time, not the clock's.
export SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
# Builds and tests execute every block, even if the shell exported EXEC_CACHE (only `serve` sets it).
unexport EXEC_CACHE

.PHONY: setup site test test-torch pdf serve bench zensical mutate lock clean

setup: $(VENV)/.installed node_modules/.installed $(KATEX_ASSETS)/katex.min.css $(VENDOR)/iframe-worker/shim.js

# Exact versions from the lock file, then this project in editable mode (no dependency resolution).
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# KaTeX's CSS and fonts, served from the site itself (never a CDN).
$(KATEX_ASSETS)/katex.min.css: node_modules/.installed
	rm -rf $(KATEX_ASSETS)
	mkdir -p $(KATEX_ASSETS)
	cp node_modules/katex/dist/katex.min.css $(KATEX_ASSETS)/
	cp -r node_modules/katex/dist/fonts $(KATEX_ASSETS)/

# The worker shim Material's offline plugin needs for search from disk, instead of its CDN copy.
$(VENDOR)/iframe-worker/shim.js: node_modules/.installed
	mkdir -p $(dir $@)
	cp node_modules/iframe-worker/shim/index.js $@

site: setup
	$(BIN)/mkdocs build --strict --clean

test: setup
	$(BIN)/python -m pytest

# Optional, never part of `test`: snippets/batchnorm.py and Question 5's framework statements against
# PyTorch, which the project does not depend on. Install torch into .venv first; without it this fails.
test-torch: setup
	@$(BIN)/python -c "import torch" 2>/dev/null || { echo "make test-torch needs PyTorch in .venv: $(BIN)/pip install torch"; exit 1; }
	$(BIN)/python -m pytest -n 0 -p no:cacheprovider tests/optional/torch_batchnorm.py

# One PDF of every question and answer, in order, printed by Chromium from the freshly built site.
pdf: site
	$(BIN)/python tests/print_pdf.py site build/solutions.pdf

# Live preview. EXEC_CACHE=1 reuses a block's output while nothing it depends on changed (see
# "Live preview and the execution cache" in docs/how-it-is-built.md); snippets/ is watched so code
# edits rebuild too.
# `site`, `test` and CI never set it: they always execute every block.
serve: setup
	EXEC_CACHE=1 $(BIN)/mkdocs serve --livereload --watch snippets

# Cold strict build against its floor, per-block times, page weights, live preview, test suite.
# BENCH_ARGS="--runs 7 --test-runs 0" to change what it measures (see tests/bench.py --help).
bench: setup
	$(BIN)/python tests/bench.py $(BENCH_ARGS)

# The same site built by Zensical (Material's successor) from the same mkdocs.yml, into site/.
zensical: setup
	$(BIN)/python tests/zensical_build.py

# Mutation testing of the mathematics modules (cosmic-ray, a seeded sample of 200 mutants, each judged by
# a reduced strict build and the module's tests); writes tests/mutation-report.md. A measurement, slow:
# MUTATE_ARGS="--shard 0/2" (and 1/2 in a second shell) to split it; a rerun resumes where it stopped.
mutate: setup
	nice -n 19 $(BIN)/python tests/mutate.py $(MUTATE_ARGS)

lock: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet "pip-tools>=7.4,<8"
	$(BIN)/pip-compile --quiet --extra test --extra mutation --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf site build .cache $(VENDOR)
