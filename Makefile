# `make demo` and `make test` do all the set-up: they create .venv and install baotinh from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test debian-packages bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,cluster]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/baotinh demo

# Real programs the tests start (a browser, later database servers): installed from Debian when missing.
debian-packages:
	@sh tests/debian-packages.sh tests/debian-packages.txt

test: $(STAMP) debian-packages
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) data-demo build *.egg-info
