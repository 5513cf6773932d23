# Each target sets up its own virtual environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: train a small convolutional net (the main job) and print its loss falling
demo: $(STAMP)
	$(BIN)/python examples/train_toy.py

## test: run the test suite with line coverage of tinygrad_lenet/
test: $(STAMP)
	$(BIN)/python -m pytest --cov=tinygrad_lenet --cov-report=term-missing

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .coverage htmlcov
