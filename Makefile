# Expectations Exchange: `make run` serves the demo, `make test` runs the suite.
SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= python3
# A uv on PATH that runs, else uv as a module of this Python (installed below if missing).
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo "$(PYTHON) -m uv")
VENV := .venv
RUN := $(VENV)/bin/python

.PHONY: run test lint format bench bench-quick bench-soak venv migrate demo clean

$(VENV)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || { echo "Installing uv with pip…"; \
		$(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv; }
	$(UV) sync --frozen
	@touch $@

venv: $(VENV)/.synced

migrate: venv
	$(RUN) manage.py migrate --noinput

# DEMO=0: no demo organisation; print the one-time link that creates the first administrator.
demo: migrate
ifeq ($(DEMO),0)
	$(RUN) manage.py setup_link
else
	$(RUN) manage.py demo --if-empty
endif

# The web server and a background worker together (Procfile, run by honcho); Ctrl-C stops both.
run: demo
	$(RUN) manage.py demo --logins
	exec $(VENV)/bin/honcho start --port $(PORT) --procfile Procfile

test: venv
	$(VENV)/bin/pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every benchmark, the 10-minute soak included (about 15 minutes in all). On PostgreSQL
# with DATABASE_URL=postgres://.../exchange (benchmarks use exchange_bench beside it).
bench: venv
	$(RUN) -m bench

# The same figures with a 1-minute soak, while developing.
bench-quick: venv
	BENCH_SOAK_SECONDS=$${BENCH_SOAK_SECONDS:-60} $(RUN) -m bench

# Only the soak: 300 live screens for BENCH_SOAK_SECONDS (default 600).
bench-soak: venv
	$(RUN) -m bench soak

clean:
	rm -rf var
