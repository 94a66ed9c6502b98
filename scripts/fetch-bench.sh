#!/bin/sh
# fetch-bench.sh: the fetcher benchmark against Debian's nginx on 50 loopback addresses serving
# examples/ (installed here if missing); nginx is stopped by PID at the end.
# Usage: scripts/fetch-bench.sh BUILD_DIR [extra news-ingest-fetch-bench options]
set -eu
BUILD=${1:-build}
shift || true
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
dir=$(mktemp -d)
port=18080
root=$(cd "$(dirname "$0")/.." && pwd)/examples
listen=""
i=1
while [ $i -le 50 ]; do
    listen="$listen        listen 127.0.0.$i:$port;
"
    i=$((i + 1))
done
cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
daemon on;
events { worker_connections 1024; }
http {
    access_log off;
    types { text/html html; text/plain txt; }
    charset utf-8;
    client_body_temp_path $dir;
    proxy_temp_path $dir;
    fastcgi_temp_path $dir;
    uwsgi_temp_path $dir;
    scgi_temp_path $dir;
    server {
$listen        location /page/ { alias $root/; }
        location = /robots.txt { return 200 "User-agent: *\nDisallow: /private/\n"; }
    }
}
EOF
/usr/sbin/nginx -c "$dir/nginx.conf"
trap 'kill "$(cat "$dir/nginx.pid")" 2>/dev/null; rm -rf "$dir"' EXIT
"$BUILD/news-ingest-fetch-bench" "$port" -n 1000 -H 50 -d 1000 "$@"
"$BUILD/news-ingest-fetch-bench" "$port" -n 1000 -H 50 -d 0 "$@"
