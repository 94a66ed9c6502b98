#!/bin/sh
# librdkafka-backport.sh: builds Debian 13's librdkafka source package on Debian 12 and installs it.
# Does nothing when librdkafka-dev >= RDKAFKA_VERSION is installed; built .debs are cached in
# RDKAFKA_CACHE (default ~/.cache/news-ingest/librdkafka-VERSION), so later runs only install them.
# Used by scripts/setup.sh and by the Dockerfile's build stage (RDKAFKA_CACHE=/debs there).
set -eu
RDKAFKA_VERSION="${RDKAFKA_VERSION:-2.8.0}"
RDKAFKA_SOURCE="${RDKAFKA_SOURCE:-librdkafka=2.8.0-1}"
CACHE="${RDKAFKA_CACHE:-${HOME:-/root}/.cache/news-ingest/librdkafka-$RDKAFKA_VERSION}"
SRC_LIST=/etc/apt/sources.list.d/news-ingest-trixie-src.list

have=$(dpkg-query -W -f='${Version}' librdkafka-dev 2>/dev/null || true)
if [ -n "$have" ] && dpkg --compare-versions "$have" ge "$RDKAFKA_VERSION"; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "librdkafka-backport.sh: librdkafka-dev ${have:-none} < $RDKAFKA_VERSION (run as root)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
debs() { ls "$CACHE"/librdkafka1_*.deb "$CACHE"/librdkafka++1_*.deb "$CACHE"/librdkafka-dev_*.deb; }
if ! debs >/dev/null 2>&1; then
    # Source only: no binary trixie line, so every build dependency comes from Debian 12.
    [ -f "$SRC_LIST" ] || echo "deb-src http://deb.debian.org/debian trixie main" >"$SRC_LIST"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends dpkg-dev fakeroot >/dev/null
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && apt-get source -qq --only-source "$RDKAFKA_SOURCE" >/dev/null)
    srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'librdkafka-*')
    # Build-Depends of the unpacked tree, resolved from Debian 12's binary packages.
    apt-get build-dep -y -qq --no-install-recommends "$srcdir" >/dev/null
    (cd "$srcdir" && DEB_BUILD_OPTIONS="nocheck parallel=${RDKAFKA_JOBS:-2}" \
        dpkg-buildpackage -b -uc -us >"$work/build.log" 2>&1) \
        || { tail -40 "$work/build.log" >&2; exit 1; }
    mkdir -p "$CACHE"
    cp "$work"/librdkafka1_*.deb "$work"/librdkafka++1_*.deb "$work"/librdkafka-dev_*.deb "$CACHE"/
fi
apt-get install -y -qq --no-install-recommends $(debs) >/dev/null
echo "librdkafka-backport.sh: installed $(dpkg-query -W -f='${Version}' librdkafka-dev)"
