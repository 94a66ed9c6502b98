#!/bin/sh
# ner-cv.sh: 5-fold cross-validation of the entity tagger on ANERcorp train.txt (each fold
# held out in turn, trained on the other four, scored with document consistency); prints each
# fold's held-out P/R/F1 and the mean F1. Extra arguments go to train-ner (e.g. -c "").
# With KEEP=DIR in the environment the fold models are kept as DIR/m1 .. DIR/m5.
# usage: sh scripts/ner-cv.sh BUILD_DIR SHARED_DIR [train-ner options...]
set -eu
build=$1 shared=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${KEEP:-$tmp}
mkdir -p "$out"
for k in 1 2 3 4 5; do
  "$build/news-ingest" train-ner -d 0.2 -f "$k" -o "$out/m$k" "$@" \
    "$shared/data/anercorp/train.txt" 2>"$tmp/log$k" &
  if [ $((k % 2)) -eq 0 ]; then wait; fi
done
wait
for k in 1 2 3 4 5; do
  grep '^ensemble\|^pass 20' "$tmp/log$k" | tail -1 | sed "s/^/fold $k: /"
done | tee "$tmp/all"
sed -n 's/.*held-out P [0-9.]* R [0-9.]* F1 \([0-9.]*\).*/\1/p' "$tmp/all" |
  awk '{s += $1; n++} END {printf "mean F1 %.4f over %d folds\n", s / n, n}'
