#!/bin/sh
# image-check.sh: builds the Dockerfile with podman on a debootstrapped Debian 12 base and runs
# the image's worker as uid 10001: /readyz 200, one page in, its record out, SIGTERM exit 0.
# Needs root, podman, debootstrap, kcat and curl (scripts/setup.sh installs them). The base image
# is kept in podman's store and as a tarball in NEWS_INGEST_CACHE (default ~/.cache/news-ingest).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="${NEWS_INGEST_CACHE:-${HOME:-/root}/.cache/news-ingest}"
BASE_TAR="$CACHE/debian-12-minbase.tar"
BASE=docker.io/library/debian
IMAGE=news-ingest:check
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
URL=https://image-check.example/news/desalination
WAIT_S="${IMAGE_CHECK_WAIT_S:-120}"

t0=$(date +%s)
step() { echo "image-check: $* ($(($(date +%s) - t0)) s)"; }
fail() {
    echo "image-check: FAIL: $*" >&2
    exit 1
}

work=$(mktemp -d /var/tmp/news-ingest-image-check.XXXXXX)
ctr="" pid=""
cleanup() {
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    mountpoint -q "$work/rootfs/proc" 2>/dev/null && umount "$work/rootfs/proc" || true
    mountpoint -q "$work/rootfs" 2>/dev/null && umount "$work/rootfs" || true
    [ -n "$ctr" ] && podman rm -f "$ctr" >/dev/null 2>&1 || true
    rm -rf "$work"
    echo "image-check: cleaned up ($(($(date +%s) - t0)) s)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# 1. The base image: debootstrap (minbase) once, then the cached tarball or podman's store.
base_ready() { podman image exists "$BASE:12" && podman image exists "$BASE:12-slim"; }
if ! base_ready; then
    if [ ! -s "$BASE_TAR" ]; then
        step "debootstrap --variant=minbase bookworm"
        debootstrap --variant=minbase bookworm "$work/base" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
            { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
        # The sources of Debian's own images: the release, its updates and security.
        rm -f "$work/base/etc/apt/sources.list"
        cat >"$work/base/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        rm -rf "$work/base/var/cache/apt/archives/"*.deb "$work/base/var/lib/apt/lists/"*
        mkdir -p "$CACHE"
        tar -C "$work/base" --numeric-owner -cf "$BASE_TAR.tmp" .
        mv "$BASE_TAR.tmp" "$BASE_TAR"
        rm -rf "$work/base"
    fi
    step "podman import $BASE_TAR"
    podman import -q --change 'CMD ["bash"]' "$BASE_TAR" "$BASE:12" >/dev/null
    podman tag "$BASE:12" "$BASE:12-slim"
fi
step "base image $BASE:12 and :12-slim ready"

# 2. The image, as `docker build` would make it (layers cached by podman).
podman build --pull=never --isolation=chroot -t "$IMAGE" "$ROOT" >"$work/build.log" 2>&1 ||
    { tail -40 "$work/build.log" >&2; fail "podman build failed"; }
step "podman build $IMAGE done"

# 3. Its root filesystem (on a tmpfs: deleting its 7,800 files from this machine's disk takes
# 20 s), /proc mounted, the worker started as the image's user.
ctr=$(podman create "$IMAGE")
mkdir "$work/rootfs"
mount -t tmpfs -o size=2g,mode=0755 tmpfs "$work/rootfs"
podman export "$ctr" | tar -C "$work/rootfs" -xf -
podman rm "$ctr" >/dev/null
ctr=""
v=$(chroot "$work/rootfs" dpkg-query -W -f='${Version}' librdkafka1)
dpkg --compare-versions "$v" ge 2.8.0 || fail "the image's librdkafka1 is $v, not the backport"
mount -t proc proc "$work/rootfs/proc"
chroot=$(command -v chroot)
env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ \
    "$chroot" --userspec=10001:10001 "$work/rootfs" /usr/local/bin/news-ingest run \
    --brokers embedded --bootstrap-file /tmp/bootstrap --http-listen 127.0.0.1:0 \
    --grace-ms 20000 </dev/null >"$work/worker.out" 2>"$work/worker.err" &
pid=$!
step "worker started from the image's root filesystem (librdkafka1 $v, pid $pid, uid 10001)"

# wait_for CMD...: runs CMD every second until it succeeds, at most WAIT_S times; 0 or 1.
wait_for() {
    i=0
    while ! "$@"; do
        kill -0 "$pid" 2>/dev/null || return 1
        i=$((i + 1))
        [ "$i" -ge "$WAIT_S" ] && return 1
        sleep 1
    done
}
port_known() { grep -q '"http listening"' "$work/worker.err"; }
wait_for port_known || { cat "$work/worker.err" >&2; fail "the worker logged no HTTP port"; }
port=$(sed -n 's/.*"http listening".*"port":"\([0-9]*\)".*/\1/p' "$work/worker.err" | head -1)
ready() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]
}
wait_for ready || { tail -20 "$work/worker.err" >&2; fail "/readyz never answered 200"; }
[ "$(stat -c %u "/proc/$pid")" = 10001 ] || fail "the worker does not run as uid 10001"
step "/readyz 200 on port $port"

bs=$(cat "$work/rootfs/tmp/bootstrap")
kcat -P -b "$bs" -t pages -H "url=$URL" -H "content-type=text/plain; charset=utf-8" \
    "$ROOT/examples/ar-text-desalination.txt" || fail "kcat could not publish the page"
record() {
    kcat -C -b "$bs" -t articles -o beginning -e -q -f '%s\n' >"$work/articles" 2>/dev/null &&
        grep -F "\"$URL\"" "$work/articles" | grep -q '"news.article/1"'
}
wait_for record || { tail -20 "$work/worker.err" >&2; fail "no record for $URL on articles"; }
step "page published, its record read back"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
[ "$status" = 0 ] || { tail -20 "$work/worker.err" >&2; fail "SIGTERM: exit status $status"; }
grep -q '"drained' "$work/worker.err" || fail "no drain logged after SIGTERM"
step "SIGTERM: exit 0"
echo "image-check: passed"
