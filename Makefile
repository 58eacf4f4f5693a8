# Glassbox: `make run` starts everything on this machine; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed

.PHONY: run test test-fast bench demo migrate install native clean-var

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# CodeBLEU's compiled fast path (evaluators/codemetrics/native/). A build that cannot happen (no
# compiler, no network) says so in one line and CodeBLEU runs its pure-Python path; `make install`
# tries again when the C sources or the requirements change, `make native` every time (it returns
# at once when the extension is up to date). GLASSBOX_REQUIRE_NATIVE=1 makes a failed build an
# error.
NATIVE_TRIED := var/build/native.tried
NATIVE_STRICT := $(if $(filter 1,$(GLASSBOX_REQUIRE_NATIVE)),--strict)
NATIVE_BUILD := $(PY) evaluators/codemetrics/native/build.py $(NATIVE_STRICT)
NATIVE_SOURCES := $(wildcard evaluators/codemetrics/native/*.[ch] evaluators/codemetrics/native/*.py)

$(NATIVE_TRIED): $(NATIVE_SOURCES) $(STAMP)
	$(NATIVE_BUILD)
	@mkdir -p $(@D) && touch $@

native: $(STAMP)
	$(NATIVE_BUILD)
	@mkdir -p $(dir $(NATIVE_TRIED)) && touch $(NATIVE_TRIED)

install: $(STAMP) $(NATIVE_TRIED)

migrate: install
	$(PY) manage.py migrate --noinput

# Queues the demo job and returns at once: the worker trains the demo models once (cached under
# var/models; the home page shows the progress), registers them and queues the demo runs.
demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(VENV)/bin/honcho -f Procfile start

# The integration tests need PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379): without them
# the run stops at once with one message saying what to start; `make test-fast` needs neither.
test: install
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not integration"

# Every bench/*_bench.py prints its figures.
bench: install
	@for script in bench/*_bench.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean-var:
	rm -rf var/
