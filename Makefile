# Set-up is idempotent: each venv stage is built once (stamp files) and redone only when pyproject.toml changes.
#   make chat  -> the app with its default (extractive) backend: a light install, ready in minutes.
#   make test  -> everything the tests drive for real: dev tools, the local LLM extra (llama-cpp-python is
#                 compiled once per CPU, ~12 min on 2 cores, then reused), the OpenAI-compatible
#                 client, and Debian's Chromium for the browser tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test
# llama.cpp compiled for this machine's CPU (-march=native: AVX-512 where the CPU has it, which makes prompt
# evaluation 1.4 times as fast as the portable AVX2 build on the 2-core dev machine). A native wheel must never
# run on another CPU, so pip's own cache (keyed by package, not CPU) is bypassed: the wheel is kept in a folder
# named for the CPU's feature flags, the build options and the version, and reused only there.
# Without llama.cpp's AMX kernels (-U__AMX_INT8__, which -march=native would define on Sapphire Rapids and later):
# they crash the first prompt batch on a Q4_K model (chatbot.backends.llm.amx_built says more).
export CMAKE_ARGS ?= -DGGML_NATIVE=ON -DCMAKE_C_FLAGS=-U__AMX_INT8__ -DCMAKE_CXX_FLAGS=-U__AMX_INT8__
LLAMA_PIN := $(shell grep -o 'llama-cpp-python\[server\]==[0-9.]*' pyproject.toml | sed 's/\[server\]//')
CPU_KEY := $(shell { grep -m1 '^flags' /proc/cpuinfo; uname -m; echo '$(CMAKE_ARGS) $(LLAMA_PIN)'; } | md5sum | cut -c1-12)
WHEELS := $(HOME)/.cache/chatbot/wheels/$(CPU_KEY)

.PHONY: chat test setup lint chromium clean-index

chat: $(APP_STAMP)
	$(BIN)/chatbot serve

test: $(TEST_STAMP) chromium
	$(BIN)/pytest
	$(BIN)/chatbot eval --index .cache/eval-index --junit evals/reports/junit.xml   # the grounding gate: exit 1 when a metric drops below evals/thresholds.toml
	$(BIN)/chatbot train --check   # exit 1 when the stored decisions are not what training on the dev halves gives now

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

$(TEST_STAMP): pyproject.toml $(VENV)/.torch $(WHEELS)/.built
	$(BIN)/pip install --quiet --no-deps --force-reinstall $(WHEELS)/*.whl
	$(BIN)/pip install --quiet -e '.[dev,local,openai,postgres]'
	touch $@ $(APP_STAMP)

# The local LLM's wheel, compiled once per CPU (about 12 minutes on 2 cores).
$(WHEELS)/.built: | $(VENV)/.torch
	$(BIN)/pip wheel --quiet --no-deps --no-cache-dir -w $(WHEELS) '$(LLAMA_PIN)'
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }

clean-index:
	rm -rf index/builds index/CURRENT index/.lock index/embed-cache
