#!/bin/sh
# setup.sh: installs the Debian 12 packages news-ingest builds, tests and runs with (idempotent).
set -eu
PKGS="make build-essential cmake pkg-config clang clang-format libclang-rt-14-dev libicu-dev libcjson-dev \
libcriterion-dev libmodest-dev libxml2-dev libgumbo-dev libssl-dev libxxhash-dev zlib1g-dev \
librdkafka-dev libmicrohttpd-dev libcurl4-openssl-dev kcat curl python3 python3-jsonschema python3-yaml \
openjdk-17-jre-headless maven openssl"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: missing packages:$missing (run as root to install them)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
