#!/bin/sh
# ner-fold-f1.sh: held-out exact-span P/R/F1 of the fold models MODELS/m1..m5 (kept by
# `KEEP=MODELS sh scripts/ner-cv.sh`) on their folds of train.txt, tagged by `tag --conll` of the
# given build: compares tagging-time changes (which leave the model file alone) on the same folds.
# FOLDS="1 3" in the environment scores only those folds.
# usage: sh scripts/ner-fold-f1.sh BUILD_DIR SHARED_DIR MODELS_DIR
set -eu
build=$1 shared=$2 models=$3
train=$shared/data/anercorp/train.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nsent=$(awk 'NF == 0 {n++} END {print n}' "$train")
ndev=$((nsent / 5))
for k in ${FOLDS:-1 2 3 4 5}; do
  awk -v lo=$((ndev * (k - 1))) -v hi=$((ndev * k)) 'NF == 0 {s++; if (s > lo && s <= hi) print ""; next}
    s >= lo && s < hi {print}' "$train" >"$tmp/gold$k"
  "$build/news-ingest" tag --conll --model "$models/m$k" <"$tmp/gold$k" | paste - "$tmp/gold$k" |
    awk -v fold=$k '
    function span(tag, cur) { return tag ~ /^B-/ || (tag ~ /^I-/ && substr(tag, 3) != cur) }
    function fp() { if (pt != "") P[ps "," i - 1 "," pt] = 1; pt = "" }
    function fg() { if (gt != "") G[gs "," i - 1 "," gt] = 1; gt = "" }
    NF == 0 { i++; fp(); fg(); i++; next }
    { i++; tag = $2; gold = $NF; sub(/PERS$/, "PER", gold)
      if (span(tag, pt)) { fp(); pt = substr(tag, 3); ps = i } else if (tag == "O") fp()
      if (span(gold, gt)) { fg(); gt = substr(gold, 3); gs = i } else if (gold == "O") fg() }
    END { i++; fp(); fg(); for (s in P) { np++; if (s in G) c++ } for (s in G) ng++
      p = c / np; r = c / ng; printf "fold %d: P %.4f R %.4f F1 %.4f\n", fold, p, r, 2 * p * r / (p + r) }'
done | tee "$tmp/all"
awk '{s += $NF; n++} END {printf "mean F1 %.4f over %d folds\n", s / n, n}' "$tmp/all"
