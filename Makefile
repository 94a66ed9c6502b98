# Makefile: the two entry points (make run, make test) plus build helpers; all set-up included.
BUILD ?= build
JOBS ?= 2

.PHONY: all setup build run parse test check format-check test-asan image-check eval bench bench-worker bench-fetch train-ner ner-curve format clean train-clusters ner-cv ner-calibration kb-cities

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

# The tests: formatting, normal build, then the whole suite again under ASan/UBSan (fuzzers
# included).
test: build format-check
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) test-asan
	$(MAKE) image-check

# The fast unit tests only (ctest label unit; the others are integration and fuzz).
check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

# Every C file as .clang-format says (clang-format 14 from Debian).
format-check: setup
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

test-asan: setup
	CC=clang cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=address,undefined -DFUZZ=ON -DNI_REAL_KAFKA=OFF >/dev/null
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS)

# The Dockerfile built by podman on a debootstrapped Debian 12 base and its worker run as uid
# 10001 from the image's root filesystem (scripts/image-check.sh; needs root).
image-check: setup
	sh scripts/image-check.sh

# trafilatura (pip install trafilatura) is the peer: run on the same pages when installed.
eval: build
	-python3 tools/eval/peer_trafilatura.py ../shared $(BUILD)/peer
	./$(BUILD)/news-ingest-eval --peer $(BUILD)/peer all ../shared

bench: build
	./$(BUILD)/news-ingest-bench ../shared

# The entity tagger's committed model, trained on ANERcorp's train split only (deterministic),
# with the committed word clusters (train-clusters).
train-ner: build
	./$(BUILD)/news-ingest train-ner --output models/ner-ar.model \
	  --clusters models/ner-ar.clusters --gazetteers ../shared/data/arabic \
	  ../shared/data/anercorp/train.txt

# WikiFANE as ANERcorp-style CoNLL (the tagger's second corpus: class table data/ner/
# wikifane-classes.tsv, clitics joined, ANT Corpus spelling), then the 8-gram overlap of it and of
# the unlabelled text with ANERcorp test, which fails the target above 0.5 % (about 10 s).
.PHONY: ner-wikifane ner-ablation
ner-wikifane: build
	./$(BUILD)/news-ingest wikifane-conll -c data/ner/wikifane-classes.tsv \
	  -s ../shared/data/arabic/antcorpus-news.jsonl.gz -o $(BUILD)/wikifane.conll \
	  ../shared/data/arabic/wikifane-WikiFANE_Gold_2014_500K.txt.gz
	./$(BUILD)/news-ingest ner-overlap ../shared/data/anercorp/test.txt $(BUILD)/wikifane.conll \
	  ../shared/data/arabic/antcorpus-news.jsonl.gz

# The resources one at a time and together: cross-validation (every fold) and test F1 each.
ner-ablation: build ner-wikifane
	sh scripts/ner-ablation.sh $(BUILD) ../shared -e 1

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

# The worker through the embedded broker vs a pass-through copy loop (issue 3's benchmark), then
# through Apache Kafka next to Kafka's own perf tools (scripts/bench-real-kafka.sh).
bench-worker: build
	./$(BUILD)/news-ingest-worker-bench ../shared
	sh scripts/bench-real-kafka.sh $(BUILD) ../shared

# The fetcher against a local nginx on 50 loopback addresses: 1,000 URLs, throughput, latency, RSS.
bench-fetch: build
	sh scripts/fetch-bench.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD)-asan
