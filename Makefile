# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Each creates .venv when it is missing and installs what it needs into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# setuptools prints a dozen-line notice on every editable install (folders named like the package
# may shadow it); ignore that one notice from that one module, and keep every other warning.
QUIET_EDITABLE := PYTHONWARNINGS="ignore::UserWarning:setuptools.command.editable_wheel"

.PHONY: demo test bench notes clean

demo: $(VENV)/.demo-installed
	$(VENV)/bin/micrograd-plus notes --out out/notes
	@echo
	$(VENV)/bin/micrograd-plus train --dataset moons --epochs 30 --out out/train
	@echo
	@echo "Where to look:"
	@echo "  out/notes/graph.svg             the notes' dense layer; every edge shows its local derivative"
	@echo "  out/notes/path_E_to_w00.svg     the path from E to w00, whose product is dE/dw00"
	@echo "  out/notes/page.html             the live page: change inputs, step backward and forward, click a node"
	@echo "  out/train/decision_boundary.png what the network learned; loss_curve.png how it got there"
	@echo "Next: run  . .venv/bin/activate  in each new shell; then  micrograd-plus --help,"
	@echo "the README's examples and the numbered scripts in demos/ work as written."

test: $(VENV)/.test-installed
	$(PY) -m pytest -q

notes: $(VENV)/.test-installed
	$(PY) docs/make_notes.py

bench: $(VENV)/.bench-installed
	$(PY) benchmarks/run.py

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(QUIET_EDITABLE) $(PY) -m pip install --quiet -e ".[test,plot]"
	touch $@

$(VENV)/.demo-installed: pyproject.toml | $(PY)
	$(QUIET_EDITABLE) $(PY) -m pip install --quiet -e ".[plot]"
	touch $@

$(VENV)/.bench-installed: pyproject.toml | $(PY)
	$(QUIET_EDITABLE) $(PY) -m pip install --quiet -e ".[bench]"
	touch $@

clean:
	rm -rf $(VENV) out build *.egg-info
