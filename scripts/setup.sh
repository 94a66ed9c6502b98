#!/bin/sh
# setup.sh: installs the Debian 12 packages news-ingest builds, tests and runs with (idempotent).
set -eu
PKGS="make build-essential cmake pkg-config clang clang-format libclang-rt-14-dev libicu-dev libcjson-dev \
libcriterion-dev libmodest-dev libxml2-dev libgumbo-dev libssl-dev libxxhash-dev zlib1g-dev \
librdkafka-dev libmicrohttpd-dev libcurl4-openssl-dev kcat curl python3 python3-jsonschema python3-yaml \
openjdk-17-jre-headless maven openssl podman debootstrap"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup.sh: missing packages:$missing (run as root to install them)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
fi
# librdkafka >= 2.8.0: Debian 13's source package built on Debian 12 (README, "librdkafka: Debian
# 13's 2.8.0, built on Debian 12"); NEWS_INGEST_RDKAFKA_BACKPORT=0 keeps Debian 12's 2.0.2.
[ "${NEWS_INGEST_RDKAFKA_BACKPORT:-1}" = 0 ] && exit 0
exec sh "$(dirname "$0")/librdkafka-backport.sh"
