# Set-up is idempotent: each venv stage is built once (stamp files) and redone only when pyproject.toml changes.
#   make chat  -> the app with its default (extractive) backend: a light install, ready in minutes.
#   make test  -> everything the tests drive for real: dev tools, the local LLM extra (llama-cpp-python is
#                 compiled once, ~15 min on 2 cores, then reused from pip's cache), the OpenAI-compatible
#                 client, and Debian's Chromium for the browser tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test
# A portable llama.cpp build (no -march=native), so a cached wheel runs on any x86-64 machine.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF

.PHONY: chat test setup lint chromium clean-index

chat: $(APP_STAMP)
	$(BIN)/chatbot serve

test: $(TEST_STAMP) chromium
	$(BIN)/pytest
	$(BIN)/chatbot eval --index .cache/eval-index --junit evals/reports/junit.xml   # the grounding gate: exit 1 when a metric drops below evals/thresholds.toml

setup: $(TEST_STAMP) chromium

lint: $(TEST_STAMP)
	$(BIN)/ruff check chatbot tests benchmarks examples
	$(BIN)/ruff format --check chatbot tests benchmarks examples
	$(BIN)/mypy

$(VENV)/.torch:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first, pinned: this takes the local CPU build instead of a multi-GB CUDA one.
	$(BIN)/pip install --quiet torch==2.13.0
	touch $@

$(APP_STAMP): pyproject.toml $(VENV)/.torch
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(VENV)/.torch
	$(BIN)/pip install --quiet -e '.[dev,local,openai,postgres]'
	touch $@ $(APP_STAMP)

# Browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }

clean-index:
	rm -rf index/builds index/CURRENT index/.lock index/embed-cache
