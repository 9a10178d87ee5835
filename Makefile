# Expectations Exchange: `make run` serves the demo, `make test` runs the suite.
SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= python3
# A uv on PATH that runs, else uv as a module of this Python (installed below if missing).
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo "$(PYTHON) -m uv")
VENV := .venv
RUN := $(VENV)/bin/python

.PHONY: run test lint format bench venv migrate demo clean

$(VENV)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || { echo "Installing uv with pip…"; \
		$(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv; }
	$(UV) sync --frozen
	@touch $@

venv: $(VENV)/.synced

migrate: venv
	$(RUN) manage.py migrate --noinput

demo: migrate
	$(RUN) manage.py demo --if-empty

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

bench: venv
	$(RUN) -m bench

clean:
	rm -rf var
