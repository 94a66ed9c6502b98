#!/bin/sh
# ner-ablation.sh: the tagger's outside resources one at a time and together: 5-fold
# cross-validation on ANERcorp train.txt (every fold, scripts/ner-cv.sh) and ANERcorp test P/R/F1
# (news-ingest-eval ner; test.txt only scored) for: none, word clusters, gazetteers, WikiFANE as a
# second corpus, clusters + gazetteers, all three. Extra arguments (no spaces inside one) go to
# every train-ner (e.g. -e 1). ROWS="none clusters" in the environment runs only those rows. The
# WikiFANE rows need WIKIFANE (default BUILD/wikifane.conll, written by `make ner-wikifane`).
# usage: sh scripts/ner-ablation.sh BUILD_DIR SHARED_DIR [train-ner options...]
set -eu
build=$1 shared=$2
shift 2
extra="$*"
wf=${WIKIFANE:-$build/wikifane.conll}
gaz=$shared/data/arabic
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

want() {
  case " ${ROWS:-none clusters gazetteers wikifane clusters+gazetteers all} " in
    *" $1 "*) return 0 ;;
  esac
  return 1
}

# run NAME [train-ner options]: the row's cross-validation and test figures.
run() {
  name=$1
  shift
  echo "## $name: train-ner $* $extra"
  # shellcheck disable=SC2086
  sh scripts/ner-cv.sh "$build" "$shared" "$@" $extra
  # shellcheck disable=SC2086
  "$build/news-ingest" train-ner -o "$tmp/model" "$@" $extra "$shared/data/anercorp/train.txt" \
    2>/dev/null
  NEWS_INGEST_NER_MODEL="$tmp/model" "$build/news-ingest-eval" ner "$shared" |
    awk -F'|' '/all \(micro\)/ { printf "test P%s R%s F1%s\n", $3, $4, $5 }'
}

if want none; then run none -c ""; fi
if want clusters; then run clusters; fi
if want gazetteers; then run gazetteers -c "" -G "$gaz"; fi
if want wikifane; then run wikifane -c "" --aux "$wf"; fi
if want clusters+gazetteers; then run clusters+gazetteers -G "$gaz"; fi
if want all; then run all -G "$gaz" --aux "$wf"; fi
