# Makefile: the two entry points (make run, make test) plus build helpers; all set-up included.
BUILD ?= build
JOBS ?= 2

.PHONY: all setup build run parse test test-asan eval bench bench-worker train-ner ner-curve format clean train-clusters ner-cv ner-calibration kb-cities

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

test-asan: setup
	CC=clang cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=address,undefined -DFUZZ=ON >/dev/null
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS)

eval: build
	./$(BUILD)/news-ingest-eval all ../shared

bench: build
	./$(BUILD)/news-ingest-bench ../shared

# The entity tagger's committed model, trained on ANERcorp's train split only (deterministic),
# with the committed word clusters (train-clusters).
train-ner: build
	./$(BUILD)/news-ingest train-ner --output models/ner-ar.model \
	  --clusters models/ner-ar.clusters --gazetteers ../shared/data/arabic \
	  ../shared/data/anercorp/train.txt

# The tagger's word clusters from unlabelled text: ANT Corpus news, ANERcorp train (never test)
# and WikiFANE (deterministic; about 15 s).
train-clusters: build
	./$(BUILD)/news-ingest train-clusters --output models/ner-ar.clusters \
	  ../shared/data/anercorp/train.txt \
	  ../shared/data/arabic/wikifane-WikiFANE_Gold_2014_500K.txt.gz \
	  ../shared/data/arabic/antcorpus-news.jsonl.gz

# The cities of world-cities.csv as the generated block at the end of the KB (after the curated
# lines; deterministic, about 15 s).
kb-cities: build
	sed '/^# ---- cities: generated/,$$d' data/kb/entities.tsv > data/kb/entities.tsv.tmp
	./$(BUILD)/news-ingest kb-cities -k data/kb/entities.tsv.tmp -c models/ner-ar.clusters \
	  ../shared/data/arabic/world-cities.csv >> data/kb/entities.tsv.tmp
	mv data/kb/entities.tsv.tmp data/kb/entities.tsv

# 5-fold cross-validation of the tagger on train.txt, every fold printed (about 4 min on 2 cores).
ner-cv: build
	sh scripts/ner-cv.sh $(BUILD) ../shared --gazetteers ../shared/data/arabic

# Confidence against correctness on the held-out folds (the fold models of ner-cv, kept).
ner-calibration: build
	KEEP=$(BUILD)/ner-cv sh scripts/ner-cv.sh $(BUILD) ../shared --gazetteers ../shared/data/arabic
	sh scripts/ner-calibration.sh $(BUILD) ../shared $(BUILD)/ner-cv

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
