# SpeechQA: two commands on a fresh machine.
#   make run    set everything up, ingest ../shared/corpus, serve on http://127.0.0.1:7860
#   make test   set everything up (incl. every model the tests use and a headless browser), run all tests
PY      ?= python3.11
VENV    ?= .venv
BIN     := $(VENV)/bin
CORPUS  ?= ../shared/corpus
STAMP   := $(VENV)/.speechqa-installed
LLAMA   := $(VENV)/.llama-installed
PYTEST_ARGS ?=
# CPU-only llama.cpp. GGML_NATIVE is off on purpose: it enables AMX, which these VMs advertise
# but cannot run (SIGILL on the first generation). Instruction sets come from /proc/cpuinfo.
cpu_has = $(shell grep -qw $(1) /proc/cpuinfo 2>/dev/null && echo $(2))
LLAMA_CPU_FLAGS := -DGGML_AVX=ON $(call cpu_has,avx2,-DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON) \
  $(call cpu_has,bmi2,-DGGML_BMI2=ON) $(call cpu_has,avx_vnni,-DGGML_AVX_VNNI=ON) \
  $(call cpu_has,avx512f,-DGGML_AVX512=ON) $(call cpu_has,avx512vbmi,-DGGML_AVX512_VBMI=ON) \
  $(call cpu_has,avx512_vnni,-DGGML_AVX512_VNNI=ON) $(call cpu_has,avx512_bf16,-DGGML_AVX512_BF16=ON)
LLAMA_CMAKE_ARGS ?= -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_VULKAN=OFF -DGGML_BLAS=OFF -DGGML_NATIVE=OFF $(strip $(LLAMA_CPU_FLAGS))
# The built wheel is kept per set of build flags (pip's own wheel cache ignores CMAKE_ARGS).
LLAMA_KEY  := $(shell echo '0.3.36 $(LLAMA_CMAKE_ARGS)' | sha1sum | cut -c1-12)
# Everything SpeechQA provisions (models, tiktoken files, the llama.cpp wheel) lives under one cache
# directory; CI points it at an empty one so a warm machine cannot hide a missing step.
SPEECHQA_CACHE_DIR ?= $(HOME)/.cache/speechqa
export SPEECHQA_CACHE_DIR
WHEELHOUSE ?= $(SPEECHQA_CACHE_DIR)/wheels/llama-$(LLAMA_KEY)

export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export GRADIO_ANALYTICS_ENABLED=False
export ANONYMIZED_TELEMETRY=False

.PHONY: run setup models models-test browser ingest serve test test-fast bench clean

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

# llama-cpp-python builds from source (~6-9 min on 2 cores) once per set of flags.
$(LLAMA): $(STAMP)
	ls $(WHEELHOUSE)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel -q --no-cache-dir --no-deps -w $(WHEELHOUSE) 'llama-cpp-python==0.3.36'
	$(BIN)/pip install -q --force-reinstall --no-deps $(WHEELHOUSE)/llama_cpp_python-0.3.36-*.whl
	$(BIN)/pip install -q -c constraints.txt $(WHEELHOUSE)/llama_cpp_python-0.3.36-*.whl
	echo '$(LLAMA_CMAKE_ARGS)' > $@

models: $(STAMP)
	$(BIN)/speechqa setup

# The tests use both local models: the 1.5B (answers) and the 0.5B (fast smoke tests).
models-test: $(STAMP)
	$(BIN)/speechqa setup --llm-model all

# Debian's Chromium for the real-browser test (a test tool's own browser download fails here);
# CJK fonts so screenshots show Chinese instead of boxes.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; } || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; }

ingest: setup
	$(BIN)/speechqa ingest $(CORPUS)

serve: setup
	$(BIN)/speechqa serve

# models-test provisions a superset of what `models` does, so `setup` is not run on top of it.
test: $(STAMP) $(LLAMA) models-test browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not llm and not browser and not server" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/ingest_bench.py

clean:
	rm -rf var test-artifacts .pytest_cache
