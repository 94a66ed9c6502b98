#!/bin/sh
# bench-real-kafka.sh: the worker benchmark against Apache Kafka (a fresh scripts/kafka.sh node),
# next to Kafka's own kafka-producer-perf-test and kafka-consumer-perf-test on the same node.
# Usage: scripts/bench-real-kafka.sh BUILD_DIR SHARED_DIR [worker-bench options...]
set -eu
BUILD=$1
SHARED=$2
shift 2
HERE=$(cd "$(dirname "$0")/.." && pwd)
LIBS=${NI_KAFKA_LIBS:-${HOME:-/root}/.cache/news-ingest/kafka-4.0.2}
N=${NI_BENCH_PAGES:-12000}
DIR=$(mktemp -d /tmp/ni-bench-kafka-XXXXXX)
trap 'sh "$HERE/scripts/kafka.sh" stop "$DIR" >/dev/null 2>&1; rm -rf "$DIR"' EXIT INT TERM

NI_KAFKA_OWNER_PID=$$ sh "$HERE/scripts/kafka.sh" start "$DIR" >"$DIR/listeners"
BS=$(sed -n 's/^PLAINTEXT=//p' "$DIR/listeners")
PID=$(cat "$DIR/kafka.pid")
tool() {
    java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$LIBS/*" "$@"
}
for t in copy perf; do
    tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BS" --create --topic "$t" \
        --partitions 4 --replication-factor 1 >/dev/null
done
# one seed page's size (the worker bench cycles the seeds: 6,714 B on average)
SIZE=6714
echo "Apache Kafka 4.0.2 on $BS (one KRaft node, 4 partitions, pid $PID)"
echo "kafka-producer-perf-test: $N records of $SIZE B, acks=all, linger.ms=5, lz4 (the worker's producer settings)"
tool org.apache.kafka.tools.ProducerPerformance --topic perf --num-records "$N" \
    --record-size "$SIZE" --throughput -1 --producer-props bootstrap.servers="$BS" acks=all \
    linger.ms=5 compression.type=lz4 | tail -1
echo "kafka-consumer-perf-test: the same $N records"
tool org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BS" --topic perf \
    --messages "$N" --timeout 60000
echo "news-ingest-worker-bench on the same node:"
"$BUILD/news-ingest-worker-bench" "$SHARED" -n "$N" -b "$BS" -p "$PID" "$@"
