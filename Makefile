# Each target sets up its own virtual environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test docs serve-docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: the main job: train LeNet-5 on MNIST (the bundled sample when offline) into runs/demo
demo: $(STAMP)
	$(BIN)/tinygrad-lenet train --model lenet5 --epochs 3 --out runs/demo --overwrite

## test: run the test suite with line coverage of tinygrad_lenet/
test: $(STAMP)
	$(BIN)/python -m pytest --cov=tinygrad_lenet --cov-report=term-missing

## docs: build the documentation site into site/, strictly (executes the notebook tutorials)
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## serve-docs: serve the site on http://127.0.0.1:8000, rebuilt on every change
serve-docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .coverage htmlcov site
