# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: run test lint format messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Samenspraak needs Python 3.11 or newer (set PYTHON=...).")'
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: on Debian/Ubuntu install python3-venv first."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(TSTAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

# Links in e-mails and the projector's join address and QR code point at this server,
# on whatever port it runs, unless SAMENSPRAAK_SITE_URL says otherwise.
run: export SAMENSPRAAK_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	PORT=$(PORT) $(BIN)/python manage.py load_demo
	@# The task worker (reminders, invitation e-mails) runs beside the web server and stops with it.
	@$(BIN)/python manage.py db_worker --interval 5 --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/uvicorn samenspraak.asgi:application --host 127.0.0.1 --port $(PORT)

test: $(TSTAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(TSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TSTAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (xgettext) for makemessages; the .mo files are committed so
# `make run` needs no gettext.
messages: $(TSTAMP)
	cd samenspraak && ../$(BIN)/python ../manage.py makemessages --locale nl --locale en --no-obsolete --no-location
	cd samenspraak && ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV)
