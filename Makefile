# Two commands on a fresh machine (see README):  make serve   |   make test
# Both create .venv and install from pyproject.toml; a second run reinstalls nothing (stamp files).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5006

.PHONY: serve test lint notebooks vendor chromium export book bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# runtime install (dashboard + CLI)
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# everything for tests, notebooks and benchmarks
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# 3D viewer JavaScript: NGL 2.5.0 from the npm registry (pinned, sha512-checked) bundled with ti10cu2_lib/present/viewer3d.js
# into ti10cu2_lib/present/_js/ (ignored by its own .gitignore; never committed)
VIEWER_JS := ti10cu2_lib/present/_js/viewer3d.bundle.js
$(VIEWER_JS): ti10cu2_lib/present/_vendor.py ti10cu2_lib/present/viewer3d.js | $(VENV)/.installed
	$(BIN)/python -m ti10cu2_lib.present._vendor
vendor: $(VIEWER_JS)

# Debian's Chromium for the browser tests (never a browser downloaded by Playwright)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

serve: $(VENV)/.installed $(VIEWER_JS)
	$(BIN)/panel serve dashboard/app.py --port $(PORT) --address 127.0.0.1 --allow-websocket-origin=localhost:$(PORT) --allow-websocket-origin=127.0.0.1:$(PORT) --unused-session-lifetime 60000 --warm

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

test: $(VENV)/.installed-dev $(VIEWER_JS) chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# notebooks: sync each .ipynb with its jupytext twin, keep them output-free, execute into build/ (never in place)
NB_BUILD := build/notebooks
notebooks: $(VENV)/.installed-dev $(VIEWER_JS)
	$(BIN)/jupytext --sync notebooks/[0-9][0-9]_*.py
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/[0-9][0-9]_*.ipynb
	mkdir -p $(NB_BUILD)
	$(BIN)/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 --output-dir $(NB_BUILD) notebooks/[0-9][0-9]_*.ipynb

# the executed notebooks as an offline book (Sphinx + myst-nb + sphinx-book-theme) in build/book/: executed in
# build/book-work/ (never in place); widget JavaScript from npm (pinned, sha512-checked) into ti10cu2_lib/present/_js/book/
book: $(VENV)/.installed-dev $(VIEWER_JS)
	$(BIN)/python -m ti10cu2_lib.present._vendor_book
	$(BIN)/python book/build.py --out build/book

# a self-contained offline site: dashboard with both forms embedded + executed notebooks
export: $(VENV)/.installed-dev $(VIEWER_JS)
	$(BIN)/ti10cu2 export export/

# dashboard and structure benchmarks (ratios against peers measured in the same run)
bench: $(VENV)/.installed-dev $(VIEWER_JS)
	$(BIN)/python benchmarks/bench_cli_startup.py
	$(BIN)/python benchmarks/bench_structure.py
	$(BIN)/python benchmarks/bench_dashboard.py

clean-venv:
	rm -rf $(VENV)
