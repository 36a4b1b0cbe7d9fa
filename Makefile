# Two entry points, both from a fresh clone: `make demo` and `make test`.
# Everything is installed into .venv by the project itself.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

.PHONY: install demo test bench
install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/repclip demo --out demo-out

test: $(VENV)/.installed
	$(PY) -m pytest

bench: $(VENV)/.installed
	for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done
