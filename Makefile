# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make app    installs cratedig into .venv and opens the app
#   make test   installs cratedig with its test tools into .venv and runs the whole suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

.PHONY: app test test-fast bench docs
app: $(STAMP)
	$(VENV)/bin/cratedig $(ARGS)

test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

# everything but the slow, real-data and reliability tests: a few minutes, for the edit-test loop
test-fast: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q -m "not slow and not realdata and not reliability" $(PYTEST_ARGS)

bench: $(STAMP)
	$(VENV)/bin/python -m bench.run_all

docs: $(STAMP)
	$(VENV)/bin/python -m bench.render_docs
