# Glassbox: `make run` starts everything on this machine; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed

.PHONY: run test test-fast bench demo migrate install clean-var

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

# Builds the demo models once (cached under var/models), registers them and queues the demo runs.
demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(VENV)/bin/honcho -f Procfile start

test: install
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not integration"

# Every bench/*_bench.py prints its figures.
bench: install
	@for script in bench/*_bench.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean-var:
	rm -rf var/
