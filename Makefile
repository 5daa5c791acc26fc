# Two entry points do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench browser

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

# Playwright cannot download its own browsers here; Debian's Chromium is used instead.
browser:
	@command -v chromium >/dev/null 2>&1 || ( $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null )

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py

test: $(VENV)/.installed browser
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 -q

lint: $(VENV)/.installed
	$(PY) -m ruff check .

bench: $(VENV)/.installed
	$(PY) bench/client_bench.py
	$(PY) bench/sync_bench.py
	$(PY) bench/suggest_eval.py
	$(PY) bench/suggest_blind.py
	$(PY) bench/suggest_bench.py
	$(PY) bench/mapping_bench.py
