# SpeechQA: two commands on a fresh machine.
#   make run    set everything up, ingest ../shared/corpus, serve on http://127.0.0.1:7860
#   make test   set everything up (incl. the models and a headless browser), run all tests
PY      ?= python3.11
VENV    ?= .venv
BIN     := $(VENV)/bin
CORPUS  ?= ../shared/corpus
STAMP   := $(VENV)/.speechqa-installed
LLAMA   := $(VENV)/.llama-installed
PYTEST_ARGS ?=
# CPU-only llama.cpp; GGML_NATIVE tunes for this machine's CPU (the wheel is cached per machine).
LLAMA_CMAKE_ARGS ?= -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_VULKAN=OFF -DGGML_BLAS=OFF

export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export GRADIO_ANALYTICS_ENABLED=False
export ANONYMIZED_TELEMETRY=False

.PHONY: run setup models browser ingest serve test test-fast bench clean

run: setup
	$(BIN)/speechqa serve --ingest $(CORPUS)

setup: $(STAMP) $(LLAMA) models

# torch first: 2.13.0 is the CPU build on disk; anything else pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip==25.3
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

# llama-cpp-python builds from source (~9 min on 2 cores, once; pip caches the wheel).
$(LLAMA): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -q -c constraints.txt 'llama-cpp-python==0.3.36'
	touch $@

models: $(STAMP)
	$(BIN)/speechqa setup

# Debian's Chromium for the real-browser test (a test tool's own browser download fails here);
# CJK fonts so screenshots show Chinese instead of boxes.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; } || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; }

ingest: setup
	$(BIN)/speechqa ingest $(CORPUS)

serve: setup
	$(BIN)/speechqa serve

test: setup browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not llm and not browser and not server" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/ingest_bench.py

clean:
	rm -rf var test-artifacts .pytest_cache
