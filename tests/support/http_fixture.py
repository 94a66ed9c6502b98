#!/usr/bin/env python3
"""http_fixture.py: a real HTTP server on several loopback addresses for the fetch tests.

Serves the files of --root and a few behaviours the fetcher must handle, and logs every request
("begin"/"end", CLOCK_MONOTONIC milliseconds, Host header, path) to --log so that tests can check
politeness from the server's side. Writes the port to --port-file once listening. Stops on
SIGTERM or after --lifetime seconds, whichever comes first.

Routes (all GET):
  /robots.txt                 "User-agent: *" with "Disallow: /private/"
  /page/NAME                  the file NAME from --root (text/html or text/plain, UTF-8)
  /private/NAME               the same file (robots.txt disallows it)
  /gzip/NAME                  the file, Content-Encoding: gzip
  /cp1256/NAME                the file re-encoded to windows-1256, charset only in the header
  /redirect/N/REST            302 to /redirect/N-1/REST ... /redirect/0/REST -> 302 to /REST
  /status/CODE                an empty answer with that status
  /flaky/KEY/N/REST           503 (Retry-After: 1) the first N times KEY is asked, then /REST
  /nodate                     a small HTML article that states no date (Last-Modified only)
  /slow/SECONDS               waits (at most 60 s), then a small page
  /big/BYTES[/length]         BYTES bytes of text, chunked (or with Content-Length)
"""
import argparse
import gzip
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
NODATE = ("<!doctype html><html lang=en><head><title>Harbour ferry returns to the island route</title>"
          "</head><body><article><h1>Harbour ferry returns to the island route</h1>"
          "<p>The harbour ferry resumed its island crossings on Monday after a month in dry dock, "
          "the operator said, with four sailings a day in each direction.</p>"
          "<p>Repairs to the hull and a new engine control system were completed ahead of "
          "schedule, according to the port authority, which paid for half of the work.</p>"
          "<p>Residents had relied on a smaller launch during the closure, and several said the "
          "return of the larger vessel would ease the morning commute to the mainland.</p>"
          "</article></body></html>").encode()
LOG_LOCK = threading.Lock()
FLAKY = {}


def log(kind, handler):
    line = "%d %s %s %s\n" % (int(time.monotonic() * 1000), kind,
                              handler.headers.get("Host", "-"), handler.path)
    with LOG_LOCK, open(ARGS.log, "a", encoding="utf-8") as f:
        f.write(line)


def content_type(name, charset="utf-8"):
    kind = "text/html" if name.endswith((".html", ".htm")) else "text/plain"
    return "%s; charset=%s" % (kind, charset)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the request log above is what tests read
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_root(self, name):
        path = os.path.join(ARGS.root, os.path.basename(name))
        with open(path, "rb") as f:
            return f.read()

    def do_GET(self):
        log("begin", self)
        try:
            self.route(self.path.split("?")[0].lstrip("/").split("/"))
        except (BrokenPipeError, ConnectionResetError):
            pass
        except FileNotFoundError:
            self.reply(404)
        log("end", self)

    def route(self, parts):
        head = parts[0]
        if head == "robots.txt":
            self.reply(200, b"User-agent: *\nDisallow: /private/\n", [("Content-Type", "text/plain")])
        elif head in ("page", "private"):
            self.reply(200, self.read_root(parts[1]), [("Content-Type", content_type(parts[1])),
                                                      ("Last-Modified", "Tue, 03 Nov 2026 08:00:00 GMT")])
        elif head == "nodate":
            self.reply(200, NODATE, [("Content-Type", "text/html; charset=utf-8"),
                                     ("Last-Modified", "Tue, 03 Nov 2026 08:00:00 GMT")])
        elif head == "gzip":
            body = gzip.compress(self.read_root(parts[1]))
            self.reply(200, body, [("Content-Type", content_type(parts[1])), ("Content-Encoding", "gzip")])
        elif head == "cp1256":
            body = self.read_root(parts[1]).decode("utf-8").encode("cp1256", errors="replace")
            self.reply(200, body, [("Content-Type", content_type(parts[1], "windows-1256"))])
        elif head == "redirect":
            n = int(parts[1])
            rest = "/".join(parts[2:])
            to = "/redirect/%d/%s" % (n - 1, rest) if n > 0 else "/" + rest
            self.reply(302, b"", [("Location", to)])
        elif head == "status":
            self.reply(int(parts[1]))
        elif head == "flaky":
            with LOG_LOCK:
                seen = FLAKY.get(parts[1], 0)
                FLAKY[parts[1]] = seen + 1
            if seen < int(parts[2]):
                self.reply(503, b"busy", [("Retry-After", "1")])
            else:
                self.route(parts[3:])
        elif head == "slow":
            time.sleep(min(float(parts[1]), 60.0))
            self.reply(200, b"<html><body><p>late</p></body></html>", [("Content-Type", "text/html")])
        elif head == "big":
            self.big(int(parts[1]), len(parts) > 2)
        else:
            self.reply(404)

    def big(self, total, with_length):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        if with_length:
            self.send_header("Content-Length", str(total))
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"news " * 13107  # 65,535 bytes
        sent = 0
        while sent < total:
            part = chunk[: min(len(chunk), total - sent)]
            self.wfile.write(part if with_length else b"%x\r\n%s\r\n" % (len(part), part))
            sent += len(part)
        if not with_length:
            self.wfile.write(b"0\r\n\r\n")


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--hosts", type=int, default=3, help="listen on 127.0.0.1 .. 127.0.0.N")
    p.add_argument("--lifetime", type=float, default=600)
    p.add_argument("--tls-cert", help="also serve https on 127.0.0.1 (port on the file's 2nd line)")
    p.add_argument("--tls-key")
    ARGS = p.parse_args()
    open(ARGS.log, "a").close()
    first = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = first.server_address[1]
    servers = [first] + [ThreadingHTTPServer(("127.0.0.%d" % i, port), Handler)
                         for i in range(2, ARGS.hosts + 1)]
    for s in servers:
        s.daemon_threads = True
        threading.Thread(target=s.serve_forever, daemon=True).start()
    ports = [port]
    if ARGS.tls_cert:
        tls = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
        tls.daemon_threads = True
        threading.Thread(target=tls.serve_forever, daemon=True).start()
        ports.append(tls.server_address[1])
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("".join("%d\n" % p for p in ports))
    os.rename(tmp, ARGS.port_file)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait(ARGS.lifetime)
    sys.exit(0)


if __name__ == "__main__":
    main()
