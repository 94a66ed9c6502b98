#!/bin/sh
# ner-calibration.sh: the model entities' confidence against their correctness on the held-out
# folds of ANERcorp train.txt: for each fold k (1..5, as `train-ner -d 0.2 -f k`), the fold's model
# MODELS/m<k> tags the held-out fifth (`tag --conll --confidence`), and each predicted span (exact
# type and extent = correct) is listed with its confidence. Prints, per temperature, the log loss
# and the expected calibration error, and for the first one the reliability table (spans with
# confidence >= x: count and share correct), over all folds together and per fold.
# usage: sh scripts/ner-calibration.sh BUILD_DIR SHARED_DIR MODELS_DIR [T...]
set -eu
build=$1 shared=$2 models=$3
shift 3
[ $# -gt 0 ] || set -- 10
train=$shared/data/anercorp/train.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nsent=$(awk 'NF == 0 {n++} END {print n}' "$train")
ndev=$((nsent / 5))
for k in 1 2 3 4 5; do
  awk -v lo=$((ndev * (k - 1))) -v hi=$((ndev * k)) 'NF == 0 {s++; if (s > lo && s <= hi) print ""; next}
    s >= lo && s < hi {print}' "$train" >"$tmp/gold$k"
done
for T in "$@"; do
  for k in 1 2 3 4 5; do
    "$build/news-ingest" tag --conll --confidence --conf-scale "$T" --model "$models/m$k" \
      <"$tmp/gold$k" | paste - "$tmp/gold$k" | awk -v fold=$k '
      function flush_pred() { if (pt != "") { P[ps "," pe "," pt] = pc; } pt = "" }
      function flush_gold() { if (gt != "") { G[gs "," ge "," gt] = 1; } gt = "" }
      NF == 0 { flush_pred(); flush_gold(); i++; next }
      {
        tag = $2; conf = $3; gold = $NF; sub(/PERS$/, "PER", gold); i++
        if (tag ~ /^B-/ || (tag ~ /^I-/ && substr(tag, 3) != pt)) { flush_pred(); pt = substr(tag, 3); ps = i; pc = conf }
        else if (tag == "O") flush_pred()
        if (pt != "") { pe = i; if (conf > pc) pc = conf }
        if (gold ~ /^B-/ || (gold ~ /^I-/ && substr(gold, 3) != gt)) { flush_gold(); gt = substr(gold, 3); gs = i }
        else if (gold == "O") flush_gold()
        if (gt != "") ge = i
      }
      END { flush_pred(); flush_gold(); for (s in P) print fold, P[s], (s in G) ? 1 : 0 }'
  done >"$tmp/pairs"
  awk -v T="$T" '{ c = $2; y = $3; e = c < 1e-6 ? 1e-6 : c > 1 - 1e-6 ? 1 - 1e-6 : c
      ll += y ? -log(e) : -log(1 - e); n++; b = int(c * 10); if (b > 9) b = 9; bn[b]++; bc[b] += c; by[b] += y }
    END { for (b = 0; b < 10; b++) if (bn[b]) ece += bn[b] / n * (bc[b] / bn[b] - by[b] / bn[b]) * (bc[b] / bn[b] - by[b] / bn[b] > 0 ? 1 : -1)
      printf "T %s: %d spans, log loss %.4f, ECE %.4f\n", T, n, ll / n, ece }' "$tmp/pairs"
  if [ "$T" = "$1" ]; then
    cp "$tmp/pairs" "$tmp/first"
  fi
done
echo "reliability (T $1): spans with confidence >= x: count, share correct (all folds; folds 1..5)"
for x in 0 0.3 0.5 0.6 0.7 0.8 0.9 0.95 0.99; do
  awk -v x=$x '$2 >= x { n++; y += $3; fn[$1]++; fy[$1] += $3 }
    END { printf "| %s | %d | %.3f |", x, n, n ? y / n : 0
      for (k = 1; k <= 5; k++) printf " %.3f", fn[k] ? fy[k] / fn[k] : 0; printf " |\n" }' "$tmp/first"
done
