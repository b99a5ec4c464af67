# Set-up is idempotent: the venv is built once (stamp file), and re-done only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test setup lint clean-index

chat: $(STAMP)
	$(BIN)/chatbot serve

test: $(STAMP)
	$(BIN)/pytest
	$(BIN)/chatbot eval --index .cache/eval-index   # the grounding gate: fails when a metric drops below evals/thresholds.toml

setup: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check chatbot tests benchmarks
	$(BIN)/ruff format --check chatbot tests benchmarks
	$(BIN)/mypy

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first, pinned: this takes the local CPU build instead of a multi-GB CUDA one.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean-index:
	rm -rf index/builds index/CURRENT index/.lock
