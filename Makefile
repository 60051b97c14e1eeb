# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Each creates .venv when it is missing and installs what it needs into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench clean

demo: $(VENV)/.demo-installed
	$(PY) demos/01_value_basics.py

test: $(VENV)/.test-installed
	$(PY) -m pytest -q

bench: $(VENV)/.bench-installed
	$(PY) benchmarks/run.py

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

$(VENV)/.demo-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[plot]"
	touch $@

$(VENV)/.bench-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@

clean:
	rm -rf $(VENV) out build *.egg-info
