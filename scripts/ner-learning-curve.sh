#!/bin/sh
# ner-learning-curve.sh: ANERcorp test F1 of taggers trained on the first 1/8, 1/4, 1/2, 3/4 and
# all of train.txt's sentences (default settings; test.txt only scored), to show how the F1 grows
# with labelled data. Usage: scripts/ner-learning-curve.sh BUILD_DIR SHARED_DIR
set -eu
BIN=$1/news-ingest
EVAL=$1/news-ingest-eval
TRAIN=$2/data/anercorp/train.txt
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
total=$(awk 'NF == 0 && n { s++; n = 0; next } NF { n = 1 } END { print s + n }' "$TRAIN")
echo "| train sentences | share | test micro F1 |"
echo "|---|---|---|"
for share in 1/8 1/4 1/2 3/4 1/1; do
    keep=$(( total * ${share%/*} / ${share#*/} ))
    awk -v keep="$keep" 'NF == 0 && n { s++; n = 0 } NF { if (s >= keep) exit; n = 1 } { print }' \
        "$TRAIN" > "$TMP/train.txt"
    "$BIN" train-ner --output "$TMP/ner.model" "$TMP/train.txt" 2>/dev/null
    f1=$(NEWS_INGEST_NER_MODEL="$TMP/ner.model" "$EVAL" ner "$2" |
        awk -F'|' '/all \(micro\)/ { gsub(/ /, "", $5); print $5 }')
    echo "| $keep | $share | $f1 |"
done
