# Two commands do all set-up on a fresh Debian machine (Python 3.11, root):
#   make run   — install, create data/reserves.duckdb from the sample ledger if missing, serve on :8501
#   make test  — install (test extras and Debian chromium included) and run the whole suite
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
UV := $(PYTHON) -m uv

.PHONY: run test install install-test browser renderers seed lint bench bench-large bench-import bench-exports

install:
	@$(PYTHON) -m uv --version 2>/dev/null | grep -q "$(UV_VERSION)" || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --inexact --compile-bytecode --python $(PYTHON)

install-test:
	@$(PYTHON) -m uv --version 2>/dev/null | grep -q "$(UV_VERSION)" || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --extra test --compile-bytecode --python $(PYTHON)

# The browser smoke test drives Debian's chromium (Playwright cannot download its own browser here); the CJK and
# emoji fonts make pages, screenshots and PDF exports show Chinese text and the 🔴/🟡/🟢 status markers.
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji
browser:
	@missing="$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "missing system packages ($$missing) and not root: browser tests and some exports will be skipped"; fi; \
	fi

# Optional: LibreOffice converts the PPTX deck (and workbooks) to PDF; poppler's pdftoppm turns PDFs into PNGs
# for a visual check. Without them the PDF-from-PPTX test skips and the HTML pack is printed by chromium.
renderers:
	@if command -v libreoffice >/dev/null && command -v pdftoppm >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libreoffice-impress libreoffice-calc poppler-utils fonts-noto-cjk >/dev/null; \
	else echo "libreoffice/pdftoppm missing and not root: PDF from PPTX will be skipped"; fi

seed: install
	$(UV) run --frozen --no-sync python -m analytics seed

run: seed
	$(UV) run --frozen --no-sync streamlit run app.py --server.port 8501

test: install-test browser
	$(UV) run --frozen --no-sync python -m pytest

lint: install-test
	$(UV) run --frozen --no-sync ruff check .
	$(UV) run --frozen --no-sync ruff format --check .

# The performance table of issue 17 (import, page metrics, page renders, first chart, CLI, database size).
bench: install-test
	$(UV) run --frozen --no-sync python benchmarks/run.py

# The same with 1,000,000 projects × 12 snapshots added (slow; several GB of disk in a temporary folder).
bench-large: install-test
	$(UV) run --frozen --no-sync python benchmarks/run.py --large

bench-import: install-test
	$(UV) run --frozen --no-sync python benchmarks/import_speed.py

bench-exports: install-test
	$(UV) run --frozen --no-sync python benchmarks/export_speed.py
