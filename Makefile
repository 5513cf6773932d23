# Each target sets up its own virtual environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PARITY := $(VENV)/.parity
# pytest-xdist workers: one per core by default (make test WORKERS=1 runs the suite in one process)
WORKERS ?= auto
# loadgroup hands out one test at a time (a worker free takes the next), except the tests of one
# xdist_group (those sharing a trained run, the browser's), which go to one worker together and first;
# then the slow end-to-end tests (tests/conftest.py puts them first), so that none is left to the end
# one BLAS thread per worker: with a worker per core, two-thread BLAS calls in both workers fight over the
# cores, and OpenBLAS's busy-waiting threads make a loaded step many times slower (tests that set threads
# themselves, such as --threads, still do)
PYTEST := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

.PHONY: demo test test-fast lint parity docs serve-docs clean bytecode

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the parity extra: PyTorch's CPU wheel, pinned to one release so pip never picks a CUDA build
$(PARITY): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,parity]'
	touch $(PARITY)

## demo: the main job: train LeNet-5 on MNIST (the bundled sample when offline) into runs/demo
demo: $(STAMP)
	$(BIN)/tinygrad-lenet train --model lenet5 --epochs 3 --out runs/demo --overwrite

# the package compiled to bytecode once before a test run: where PYTHONDONTWRITEBYTECODE is set (as on
# our CI machine), no import writes a .pyc, and each of the many interpreters the tests start (the
# CLI's, the examples', the import-order trials) would compile the package's source anew, about 0.3 s each
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q tinygrad_lenet models

## test: run the whole test suite on every core, with line coverage of tinygrad_lenet/
test: bytecode
	$(PYTEST) --cov=tinygrad_lenet --cov-report=term-missing

## test-fast: every test but the slow end-to-end ones (marked slow), for the edit-and-test loop
test-fast: bytecode
	$(PYTEST) -m "not slow"

## lint: ruff's checks, ruff's format check and mypy, with the versions pinned in the dev extra; runs all three, fails if any fails
lint: $(STAMP)
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	$(BIN)/mypy || status=1; \
	exit $$status

## parity: install PyTorch (CPU) too, so the tests that compare with PyTorch run instead of skipping
parity: $(PARITY)

## docs: build the documentation site into site/, strictly (executes the notebook tutorials)
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## serve-docs: serve the site on http://127.0.0.1:8000, rebuilt on every change
serve-docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .coverage htmlcov site
	find tinygrad_lenet models examples tests -name __pycache__ -prune -exec rm -rf {} +
