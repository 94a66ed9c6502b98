# Makefile: the two entry points (make run, make test) plus build helpers; all set-up included.
BUILD ?= build
JOBS ?= 2

.PHONY: all setup build run parse test test-asan image-check eval bench bench-worker train-ner ner-curve format clean

all: build

setup:
	sh scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The main job: the worker on the embedded broker, fed the example pages (scripts/run-demo.sh).
run: build
	BIN=./$(BUILD)/news-ingest sh scripts/run-demo.sh

# The offline command: the example pages straight to records (one JSON line each).
parse: build
	./$(BUILD)/news-ingest parse --fetched-at 2026-11-21T10:00:00Z examples/*

# The tests: normal build, then the whole suite again under ASan/UBSan (fuzzers included).
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) test-asan
	$(MAKE) image-check

test-asan: setup
	CC=clang cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=address,undefined -DFUZZ=ON >/dev/null
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS)

# The Dockerfile built by podman on a debootstrapped Debian 12 base and its worker run as uid
# 10001 from the image's root filesystem (scripts/image-check.sh; needs root).
image-check: setup
	sh scripts/image-check.sh

eval: build
	./$(BUILD)/news-ingest-eval all ../shared

bench: build
	./$(BUILD)/news-ingest-bench ../shared

# The entity tagger's committed model, trained on ANERcorp's train split only (deterministic).
train-ner: build
	./$(BUILD)/news-ingest train-ner --output models/ner-ar.model ../shared/data/anercorp/train.txt

# ANERcorp test F1 against the share of train.txt trained on (about 25 s).
ner-curve: build
	sh scripts/ner-learning-curve.sh $(BUILD) ../shared

# The worker through the embedded broker vs a pass-through copy loop (issue 3's benchmark).
bench-worker: build
	./$(BUILD)/news-ingest-worker-bench ../shared

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD)-asan
