#!/bin/sh
# kafka.sh: one Apache Kafka KRaft node (broker + controller) on loopback for the real-broker tests.
#   kafka.sh start DIR   format DIR the first time (fixed cluster id, a SCRAM-SHA-512 user, a CA and
#                        a broker certificate made with openssl), start the node with its log in
#                        DIR, wait until it answers, create the worker's four topics if missing,
#                        print PLAINTEXT=127.0.0.1:PORT and SASL_SSL=127.0.0.1:PORT. A restart on
#                        the same DIR keeps the data and the ports.
#   kafka.sh stop DIR    SIGTERM to the node, wait for it to end (SIGKILL after 60 s).
#   kafka.sh kill DIR    SIGKILL to the node, wait for it to end.
# The jars come from tests/kafka/pom.xml, copied once by Maven into $NI_KAFKA_LIBS (default
# ~/.cache/news-ingest/kafka-<version>). NI_KAFKA_OWNER_PID=PID: the node gets SIGKILL when that
# process ends (so a dead test run leaves no broker behind). Files in DIR: kafka.pid, kafka.log,
# ports, ca.pem (clients: ssl.ca.location), sasl.properties (the SCRAM user and password).
set -eu

VERSION=4.0.2
CLUSTER_ID=bmV3cy1pbmdlc3QtdGVzdA # fixed: a restart finds the same cluster
SASL_USER=news-ingest
HERE=$(cd "$(dirname "$0")/.." && pwd)
LIBS=${NI_KAFKA_LIBS:-${HOME:-/root}/.cache/news-ingest/kafka-$VERSION}
HEAP=${NI_KAFKA_HEAP:--Xmx512m}
TOPICS="pages articles pages.dlq entities"

die() {
    echo "kafka.sh: $*" >&2
    exit 1
}

# libs: the broker's jars, fetched by Maven the first time (under a lock, into a temporary folder
# renamed when complete, so an interrupted copy is never taken as done).
libs() {
    [ -f "$LIBS/.complete" ] && return 0
    mkdir -p "$(dirname "$LIBS")"
    (
        flock 9
        [ -f "$LIBS/.complete" ] && exit 0
        command -v mvn >/dev/null || die "mvn missing (sh scripts/setup.sh installs maven)"
        rm -rf "$LIBS.tmp"
        mvn -q -f "$HERE/tests/kafka/pom.xml" dependency:copy-dependencies \
            -DoutputDirectory="$LIBS.tmp" >&2 || die "maven could not fetch Kafka $VERSION"
        touch "$LIBS.tmp/.complete"
        rm -rf "$LIBS"
        mv "$LIBS.tmp" "$LIBS"
    ) 9>"$LIBS.lock"
}

java_run() {
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m \
        -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$LIBS/*" "$@"
}

# free_ports: three distinct free ports on 127.0.0.1, below Linux's ephemeral range (32768 and
# up) so that no client connection takes one while the node is down for a restart.
free_ports() {
    python3 -c 'import random, socket
ss = []
while len(ss) < 3:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", random.randrange(20000, 32700)))
        ss.append(s)
    except OSError:
        s.close()
print(" ".join(str(s.getsockname()[1]) for s in ss))'
}

# certs: a CA and a broker certificate for 127.0.0.1/localhost signed by it (PKCS12 keystore).
certs() {
    d=$1
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=news-ingest test CA" \
        -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$d/broker.key" -out "$d/broker.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$d/broker.ext"
    openssl x509 -req -in "$d/broker.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
        -days 3650 -extfile "$d/broker.ext" -out "$d/broker.pem" 2>/dev/null
    openssl pkcs12 -export -in "$d/broker.pem" -inkey "$d/broker.key" -name broker \
        -passout "pass:$(cat "$d/keystore.password")" -out "$d/broker.p12"
}

# format: ports, certificates, server.properties and the KRaft log (first start only).
format() {
    d=$1
    mkdir -p "$d"
    set -- $(free_ports)
    printf 'PLAINTEXT=%s\nSASL_SSL=%s\nCONTROLLER=%s\n' "$1" "$2" "$3" >"$d/ports"
    od -An -N12 -tx1 /dev/urandom | tr -d ' \n' >"$d/keystore.password"
    sasl_pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    printf 'username=%s\npassword=%s\n' "$SASL_USER" "$sasl_pw" >"$d/sasl.properties"
    certs "$d"
    . "$d/ports"
    cat >"$d/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PLAINTEXT,SASL_SSL://127.0.0.1:$SASL_SSL,CONTROLLER://127.0.0.1:$CONTROLLER
advertised.listeners=PLAINTEXT://127.0.0.1:$PLAINTEXT,SASL_SSL://127.0.0.1:$SASL_SSL
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$d/broker.p12
ssl.keystore.password=$(cat "$d/keystore.password")
log.dirs=$d/data
num.partitions=4
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
message.max.bytes=16777216
replica.fetch.max.bytes=16777216
log.cleaner.backoff.ms=1000
EOF
    java_run kafka.tools.StorageTool format --cluster-id "$CLUSTER_ID" \
        --config "$d/server.properties" \
        --add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$sasl_pw]" >"$d/format.log" 2>&1 ||
        die "format failed: $(tail -3 "$d/format.log")"
}

running() {
    [ -f "$1/kafka.pid" ] && pid=$(cat "$1/kafka.pid") && kill -0 "$pid" 2>/dev/null &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $1/server.properties"
}

# answers: the node lists its metadata on the plaintext listener.
answers() {
    kcat -L -b "127.0.0.1:$PLAINTEXT" -m 3 >"$1/metadata.txt" 2>/dev/null &&
        grep -q '1 brokers' "$1/metadata.txt"
}

# missing_topics: the worker's topics the metadata does not list with 4 partitions yet.
missing_topics() {
    kcat -L -b "127.0.0.1:$PLAINTEXT" -m 10 >"$1/metadata.txt" 2>/dev/null || true
    for t in $TOPICS; do
        grep -q "topic \"$t\" with 4 partitions" "$1/metadata.txt" || printf '%s ' "$t"
    done
}

# create_topics: creates the missing topics (in parallel), then waits until the metadata lists
# them; three rounds at most.
create_topics() {
    d=$1
    for round in 1 2 3; do
        missing=$(missing_topics "$d")
        [ -z "$missing" ] && return 0
        pids=""
        for t in $missing; do
            java_run org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PLAINTEXT" \
                --create --if-not-exists --topic "$t" --partitions 4 --replication-factor 1 \
                >>"$d/topics.log" 2>&1 &
            pids="$pids $!"
        done
        for p in $pids; do wait "$p" || true; done
        i=0
        while [ $i -lt 40 ] && [ -n "$(missing_topics "$d")" ]; do
            i=$((i + 1))
            sleep 0.5
        done
    done
    missing=$(missing_topics "$d")
    [ -z "$missing" ] || die "topics missing: $missing(see $d/topics.log)"
}

start() {
    d=$1
    libs
    [ -f "$d/server.properties" ] || format "$d"
    . "$d/ports"
    if ! running "$d"; then
        # the log of earlier runs is kept (appended), the node detached from this shell
        setsid java "$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=50 \
            -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
            -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info \
            -cp "$LIBS/*" kafka.Kafka "$d/server.properties" </dev/null >>"$d/kafka.log" 2>&1 &
        echo $! >"$d/kafka.pid"
        if [ -n "${NI_KAFKA_OWNER_PID:-}" ]; then
            owner=$NI_KAFKA_OWNER_PID node=$!
            setsid sh -c "while kill -0 $owner 2>/dev/null && kill -0 $node 2>/dev/null; do
                sleep 1; done; kill -9 $node 2>/dev/null" </dev/null >/dev/null 2>&1 &
        fi
    fi
    i=0
    until answers "$d"; do
        running "$d" || die "the node ended: $(tail -5 "$d/kafka.log")"
        i=$((i + 1))
        [ $i -lt 240 ] || die "no answer on 127.0.0.1:$PLAINTEXT within 120 s"
        sleep 0.5
    done
    create_topics "$d"
    echo "PLAINTEXT=127.0.0.1:$PLAINTEXT"
    echo "SASL_SSL=127.0.0.1:$SASL_SSL"
}

# halt: sends sig and waits for the node to end (SIGKILL after 60 s).
halt() {
    d=$1
    running "$d" || return 0
    pid=$(cat "$d/kafka.pid")
    kill "-$2" "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        [ $i -eq 600 ] && kill -9 "$pid"
        sleep 0.1
    done
}

[ $# -eq 2 ] || die "usage: kafka.sh start|stop|kill DIR"
DIR=$(mkdir -p "$2" && cd "$2" && pwd)
case $1 in
start) start "$DIR" ;;
stop) halt "$DIR" TERM ;;
kill) halt "$DIR" KILL ;;
*) die "usage: kafka.sh start|stop|kill DIR" ;;
esac
