#!/bin/sh
# run-demo.sh: the main job: the worker on the embedded broker, the example pages published to
# it with `news-ingest produce`, the records and the first entity events read back with kcat,
# /metrics shown, then a drain.
# RUN_SECONDS=N keeps the worker serving N more seconds (default 20; 0 = until Ctrl-C).
# PORT sets the HTTP port (default 8080).
set -eu
BIN=${BIN:-build/news-ingest}
PORT=${PORT:-8080}
RUN_SECONDS=${RUN_SECONDS:-20}
dir=$(mktemp -d)
"$BIN" run --brokers embedded --bootstrap-file "$dir/bootstrap" --http-listen "127.0.0.1:$PORT" \
    --worker-id demo 2>"$dir/worker.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT INT TERM
i=0
while [ ! -s "$dir/bootstrap" ]; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then cat "$dir/worker.log" >&2; exit 1; fi
    sleep 0.1
done
B=$(cat "$dir/bootstrap")
n=$(ls examples/* | wc -l)
echo "== embedded broker: $B"
echo "== publishing $n example pages to topic pages"
"$BIN" produce --brokers "$B" --topic pages examples/*
echo "== records on topic articles (key = record id, value = news.article/1 JSON):"
timeout 60 kcat -C -b "$B" -t articles -o beginning -c "$n" -q -f 'key=%k\n%s\n\n'
echo "== the first entity events on topic entities (key = entity id, one per record and entity):"
timeout 60 kcat -C -b "$B" -t entities -o beginning -e -q -f 'key=%k %s\n' | head -n 6
echo "== metrics: http://127.0.0.1:$PORT/metrics   readiness: http://127.0.0.1:$PORT/readyz ($(curl -s "http://127.0.0.1:$PORT/readyz"))"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^news_ingest_(messages_consumed|records_produced|dlq|inflight|assigned|processing_seconds_count|ner_reloads)'
echo "== kill -HUP $pid reloads the entity model and knowledge base without stopping consumption"
echo "== worker log (JSON lines on stderr):"
cat "$dir/worker.log"
if [ "$RUN_SECONDS" = 0 ]; then
    echo "== serving until Ctrl-C; publish more with: $BIN produce --brokers $B FILE..."
    wait "$pid" || true
    exit 0
fi
echo "== serving $RUN_SECONDS s more (RUN_SECONDS=0 keeps it running); then SIGTERM and drain"
sleep "$RUN_SECONDS"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
tail -n 4 "$dir/worker.log"
echo "== worker exit status $status"
exit "$status"
